import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { silentLogger } from '../../core/log.js';
import { configuredPatterns } from '../../load/lead-message-patterns.js';
import { slackAcknowledgements } from '../../load/slack-acknowledgements.js';
import { FILE_TYPES } from '../../transform/file-types/registry.js';
import { migrateStateStore } from '../../load/state/state-store.js';
import { freshDatabase, type FreshDatabase } from '../support/databases.js';
import { startSlackStandIn, type SlackStandIn } from '../support/slack-stand-in.js';


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

  const reader = (token = 'xoxb-test', patterns?: ReturnType<typeof configuredPatterns>) => slackAcknowledgements({
    name: 'slack', baseUrl: slack.url, token, channel: 'C_LEAD', db: db.database.db, clock: fixedClock('2026-03-08T12:00:00Z'),
    logger: silentLogger(), specs: FILE_TYPES, pageSize: 2, sleep: async (ms) => { waits.push(ms); },
    ...(patterns ? { patterns } : {}),
  });

  it('reads every page oldest first, waits out rate limits, keeps unknown messages for a person, and reads on from where it stopped', async () => {
    slack.post(':x: 2026-03-06_transactions_V1.csv failed validation: line 4 column client_transaction_id: duplicate id txn_000042');
    slack.post('Heads-up: sandbox maintenance tonight');
    slack.post(':white_check_mark: 2026-03-06 Financial files processed successfully: 2026-03-06_balances_V1.csv, 2026-03-06_transactions_V2.csv');
    slack.post('✅ 2026-03-07 Compliance files processed successfully: 2026-03-07_accounts_V1.csv');
    slack.post('✅ 2026-03-07 Financial files processed successfully: 2026-03-07_balances_V1.csv');
    slack.rateLimitNext(1, 3);
    const source = reader();
    const first = await source.poll();
    expect(waits).toEqual([3000]);
    expect(first.map((a) => `${a.fileDate} ${a.workflow} ${a.outcome} ${a.fileType ?? a.files?.join(',')}`)).toEqual([
      '2026-03-06 financial rejected transactions',
      '2026-03-06 financial validated 2026-03-06_balances_V1.csv,2026-03-06_transactions_V2.csv',
      '2026-03-07 compliance validated 2026-03-07_accounts_V1.csv',
      '2026-03-07 financial validated 2026-03-07_balances_V1.csv',
    ]);
    expect(first[0]!.reason).toBe('line 4 column client_transaction_id: duplicate id txn_000042');
    const unknown = await sql<{ text: string }>`select text from lead_etl.unrecognized_message`.execute(db.database.db);
    expect(unknown.rows.map((r) => r.text)).toEqual(['Heads-up: sandbox maintenance tonight']);

    // Nothing read twice once committed; uncommitted, the same messages come back.
    expect((await reader().poll()).length).toBe(4);
    await source.commit!();
    expect(await reader().poll()).toEqual([]);
    slack.post('✅ 2026-03-08 Financial files processed successfully: 2026-03-08_balances_V1.csv');
    expect((await reader().poll()).map((a) => a.fileDate)).toEqual(['2026-03-08']);
  });

  it("reads Lead's own wording when the program configures it", async () => {
    slack.post('File 2026-03-09_balances_V1.csv was REJECTED because: balance missing for bal_7');
    expect((await reader().poll()).filter((a) => a.fileDate === '2026-03-09')).toEqual([]);
    const custom = configuredPatterns([{ outcome: 'rejected', regex: String.raw`^File (?<file>\S+) was REJECTED because: (?<reason>.+)$` }]);
    const answer = (await reader('xoxb-test', custom).poll()).find((a) => a.fileDate === '2026-03-09');
    expect(answer).toMatchObject({ outcome: 'rejected', fileDate: '2026-03-09', fileType: 'balances', reason: 'balance missing for bal_7' });
  });

  it('fails with the reason when Slack refuses the token', async () => {
    await expect(reader('xoxb-wrong').poll()).rejects.toThrow(/invalid_auth/);
  });
});
