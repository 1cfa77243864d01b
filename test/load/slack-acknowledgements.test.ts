import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { silentLogger } from '../../core/log.js';
import { classify, DEFAULT_ACK_PATTERNS, slackAcknowledgements } from '../../load/slack-acknowledgements.js';
import { migrateStateStore } from '../../load/state/state-store.js';
import { freshDatabase, type FreshDatabase } from '../support/databases.js';
import { startSlackStandIn, type SlackStandIn } from '../support/slack-stand-in.js';

const tokens: Record<string, string> = { balances: 'balances', transactions: 'transactions', accounts: 'accounts' };

describe('reading Lead answers from a Slack channel', () => {
  let db: FreshDatabase;
  let slack: SlackStandIn;
  const waits: number[] = [];
  beforeAll(async () => {
    db = await freshDatabase('pglite');
    await migrateStateStore(db.database.db);
    slack = await startSlackStandIn({ token: 'xoxb-test', channel: 'C_LEAD' });
  });
  afterAll(async () => {
    await slack?.close();
    await db?.dispose();
  });

  const reader = (token = 'xoxb-test') => slackAcknowledgements({
    name: 'slack', baseUrl: slack.url, token, channel: 'C_LEAD', db: db.database.db, clock: fixedClock('2026-03-08T12:00:00Z'),
    logger: silentLogger(), fileTypeOfToken: (t) => tokens[t], pageSize: 2, sleep: async (ms) => { waits.push(ms); },
  });

  it('classifies validations and rejections, with the file and the reason', () => {
    expect(classify('✅ 2026-03-06 Financial files processed successfully', DEFAULT_ACK_PATTERNS, (t) => tokens[t])).toEqual({ fileDate: '2026-03-06', outcome: 'validated' });
    expect(classify('❌ 2026-03-07_balances_V1.csv failed validation: line 12 column balance: must have 2 decimals', DEFAULT_ACK_PATTERNS, (t) => tokens[t])).toEqual({
      fileDate: '2026-03-07', outcome: 'rejected', fileTypes: ['balances'], note: 'line 12 column balance: must have 2 decimals',
    });
    expect(classify('Reminder: the office is closed Monday', DEFAULT_ACK_PATTERNS, (t) => tokens[t])).toBeUndefined();
  });

  it('reads every page oldest first, waits out rate limits, keeps unknown messages for a person, and reads on from where it stopped', async () => {
    slack.post('❌ 2026-03-06_transactions_V1.csv failed validation: duplicate client_transaction_id txn_000042');
    slack.post('Heads-up: sandbox maintenance tonight');
    slack.post('✅ 2026-03-06 Financial files processed successfully');
    slack.post('✅ 2026-03-07 Compliance files processed successfully');
    slack.post('✅ 2026-03-07 Financial files processed successfully');
    slack.rateLimitNext(1, 3);
    const source = reader();
    const first = await source.poll();
    expect(waits).toEqual([3000]);
    expect(first.map((a) => `${a.fileDate} ${a.outcome} ${a.fileTypes?.join(',') ?? '*'}`)).toEqual([
      '2026-03-06 rejected transactions', '2026-03-06 validated *', '2026-03-07 validated *', '2026-03-07 validated *',
    ]);
    const unknown = await sql<{ text: string }>`select text from lead_etl.unrecognized_message`.execute(db.database.db);
    expect(unknown.rows.map((r) => r.text)).toEqual(['Heads-up: sandbox maintenance tonight']);

    // Nothing read twice once committed; uncommitted, the same messages come back.
    expect((await reader().poll()).length).toBe(4);
    await source.commit!();
    expect(await reader().poll()).toEqual([]);
    slack.post('✅ 2026-03-08 Financial files processed successfully');
    expect((await reader().poll()).map((a) => a.fileDate)).toEqual(['2026-03-08']);
  });

  it('fails with the reason when Slack refuses the token', async () => {
    await expect(reader('xoxb-wrong').poll()).rejects.toThrow(/invalid_auth/);
  });
});
