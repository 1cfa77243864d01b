import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import { configuredPatterns } from '../../load/lead-message-patterns.js';
import { slackAcknowledgements } from '../../load/slack-acknowledgements.js';
import { FILE_TYPES } from '../../transform/file-types/registry.js';
import { migrateStateStore } from '../../load/state/state-store.js';
import { openChannelLog, type ChannelLog } from '../../sandbox/channel-log.js';
import { startChannelHttpApi, type ChannelHttpApi } from '../../sandbox/channel-http-api.js';
import { freshDatabase, type FreshDatabase } from '../support/databases.js';
import { capturingLogger } from '../support/sftp.js';

/**
 * The daemon's source of Lead's answers, on Slack's SDK, reading a channel that answers as Slack's Web
 * API does: the sandbox's, once without and once with a rate limit the SDK must wait out.
 */
describe('reading Lead answers from a Slack channel', () => {
  let db: FreshDatabase;
  let dir: string;
  let channel: ChannelLog;
  let slack: ChannelHttpApi;
  let throttled: ChannelHttpApi;
  beforeAll(async () => {
    db = await freshDatabase('pglite');
    await migrateStateStore(db.database.db);
    dir = await mkdtemp(join(tmpdir(), 'lead-etl-slack-'));
    channel = await openChannelLog({ id: 'C_LEAD', path: join(dir, 'channel.jsonl'), clock: fixedClock('2026-03-08T12:00:00Z') });
    slack = await startChannelHttpApi({ channel, token: 'xoxb-test' });
    // Two calls a second: the third page of a read is told to wait a second.
    throttled = await startChannelHttpApi({ channel, token: 'xoxb-test', rateLimit: { requests: 2, perSeconds: 1 } });
  });
  afterAll(async () => {
    await slack?.close();
    await throttled?.close();
    await db?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const reader = (token = 'xoxb-test', patterns?: ReturnType<typeof configuredPatterns>, options: { server?: ChannelHttpApi; logger?: Logger } = {}) => slackAcknowledgements({
    name: 'slack', baseUrl: (options.server ?? slack).url, token, channel: 'C_LEAD', db: db.database.db, clock: fixedClock('2026-03-08T12:00:00Z'),
    logger: options.logger ?? capturingLogger().logger, specs: FILE_TYPES, pageSize: 2,
    // The SDK waits what Retry-After says; no back-off of its own on top, to keep the test short.
    retryConfig: { retries: 2, minTimeout: 0, maxTimeout: 0 },
    ...(patterns ? { patterns } : {}),
  });

  it('reads every page oldest first, waits out rate limits, keeps unknown messages for a person, and reads on from where it stopped', async () => {
    await channel.post(':x: 2026-03-06_transactions_V1.csv failed validation: line 4 column client_transaction_id: duplicate id txn_000042');
    await channel.post('Heads-up: sandbox maintenance tonight');
    await channel.post(':white_check_mark: 2026-03-06 Financial files processed successfully: 2026-03-06_balances_V1.csv, 2026-03-06_transactions_V2.csv');
    await channel.post('✅ 2026-03-07 Compliance files processed successfully: 2026-03-07_accounts_V1.csv');
    await channel.post('✅ 2026-03-07 Financial files processed successfully: 2026-03-07_balances_V1.csv');
    const log = capturingLogger('info');
    const source = reader('xoxb-test', undefined, { server: throttled, logger: log.logger });
    const first = await source.poll();
    const rateLimited = log.lines.map((line) => JSON.parse(line) as { msg: string; retryAfterSeconds?: number }).filter((l) => l.retryAfterSeconds !== undefined);
    expect(rateLimited.map((l) => l.retryAfterSeconds)).toEqual([1]);
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
    await channel.post('✅ 2026-03-08 Financial files processed successfully: 2026-03-08_balances_V1.csv');
    expect((await reader().poll()).map((a) => a.fileDate)).toEqual(['2026-03-08']);
  });

  it("reads Lead's own wording when the program configures it", async () => {
    await channel.post('File 2026-03-09_balances_V1.csv was REJECTED because: balance missing for bal_7');
    expect((await reader().poll()).filter((a) => a.fileDate === '2026-03-09')).toEqual([]);
    const custom = configuredPatterns([{ outcome: 'rejected', regex: String.raw`^File (?<file>\S+) was REJECTED because: (?<reason>.+)$` }]);
    const answer = (await reader('xoxb-test', custom).poll()).find((a) => a.fileDate === '2026-03-09');
    expect(answer).toMatchObject({ outcome: 'rejected', fileDate: '2026-03-09', fileType: 'balances', reason: 'balance missing for bal_7' });
  });

  it('fails with the reason when Slack refuses the token', async () => {
    await expect(reader('xoxb-wrong').poll()).rejects.toThrow(/invalid_auth/);
  });
});
