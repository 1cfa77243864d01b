import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPipelineConfig } from '../../jobs/pipeline-config.js';
import { fixedClock } from '../../core/clock.js';
import { addDays, parseFileDate, type FileDate } from '../../core/file-date.js';
import { silentLogger } from '../../core/log.js';
import type { JobContext } from '../../jobs/job-context.js';
import { recordLeadAnswers } from '../../jobs/record-lead-answers.js';
import { rerunDate } from '../../jobs/rerun-date.js';
import { runFileDate } from '../../jobs/run-file-date.js';
import { createChannelReader } from '../../load/slack-channel-history.js';
import { openSftpSession } from '../../load/sftp-session.js';
import { generateKeyPair } from '../../core/ssh-keys.js';
import { filesForDate } from '../../load/state/state-store.js';
import { startLeadSandbox, type LeadSandbox } from '../../sandbox/lead-sandbox.js';
import { parseRejectFault } from '../../sandbox/reject-faults.js';
import { databaseKinds, ledgerDatabase, type FreshDatabase } from '../support/databases.js';
import { DAY0, FIRST_ACTIVITY_DATE } from '../support/pipeline.js';

/**
 * A rehearsal of Lead rejecting a file, end to end: the pipeline sends the reference program's days to
 * the Lead sandbox, reads Lead's answers from its channel over HTTP, and records them in the state
 * store through acknowledgeDate. The sandbox rejects Day 2's Balances; nothing of Day 3 may go until
 * the operator's rerun sent Balances V2 and Lead validated it with the other V1 files.
 */
const day = (n: number): FileDate => addDays(parseFileDate(DAY0), n);

describe.each(databaseKinds)('a rehearsal against the Lead sandbox on %s', (kind) => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(): Promise<{ ctx: JobContext; sandbox: LeadSandbox; db: FreshDatabase; clock: ReturnType<typeof fixedClock> }> {
    // The reference ledger and the migrated state store.
    const db = await ledgerDatabase(kind, { days: 4, seed: 42, firstActivityDate: FIRST_ACTIVITY_DATE });
    cleanups.push(() => db.dispose());
    const dir = await mkdtemp(join(tmpdir(), 'lead-etl-rehearsal-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    // After every date of the rehearsal has settled: the dates are sent one after another at once.
    const clock = fixedClock('2026-03-31T07:00:00Z');
    const logger = silentLogger();
    const clientKey = generateKeyPair();
    // The deposit core, each date's workflows sent together: this rehearsal is about a rejection, not the order of workflows.
    const input = {
      program: { firstFileDate: DAY0, fileTypes: ['accounts', 'balances', 'transactions', 'non_posted_transactions'] },
      ledger: { driver: 'pglite' as const, dataDir: 'memory://' }, archive: { dir: 'archive' }, workflows: { waitForPrevious: false },
    };
    const files = loadPipelineConfig({ baseDir: dir, env: {}, input }).program.files;
    const sandbox = await startLeadSandbox({
      dir: join(dir, 'lead'), files, clock, logger, authorizedPublicKeys: [clientKey.publicKey], day0: parseFileDate(DAY0), quietSeconds: 0,
      faults: [parseRejectFault('2:balances', files.map((t) => t.spec.id))],
    });
    cleanups.push(() => sandbox.close());
    const config = loadPipelineConfig({
      baseDir: dir,
      env: { LEAD_ETL_SFTP_PRIVATE_KEY: clientKey.privateKey },
      input: { ...input, sftp: { host: sandbox.sftp.host, port: sandbox.sftp.port, username: sandbox.sftp.username, hostKeyFingerprint: sandbox.sftp.hostKeyFingerprint } },
    });
    const ctx: JobContext = { config, ledger: db.database, state: db.database, clock, logger, connectRemote: () => openSftpSession(config.sftp!, logger) };
    return { ctx, sandbox, db, clock };
  }

  it("records Lead's rejection of Day 2 from the channel and sends nothing of Day 3 until the rerun was validated", async () => {
    const { ctx, sandbox, db, clock } = await setUp();
    const reader = createChannelReader({ url: sandbox.channel.url, token: sandbox.channel.token, channel: sandbox.channel.id });
    const exchange = async (date: FileDate, operatorRerun = false) => {
      const run = operatorRerun ? (await rerunDate(ctx, date)).result : await runFileDate(ctx, date);
      await sandbox.processPending();
      return { run, recorded: await recordLeadAnswers(db.database, clock, await reader.read(), { source: 'sandbox' }) };
    };

    for (const n of [0, 1]) {
      const { run, recorded } = await exchange(day(n));
      expect(run.outcome, run.message).toBe('ok');
      expect(recorded.validated.map((v) => v.workflow)).toEqual(['compliance', 'financial']);
    }

    const rejectedDay = await exchange(day(2));
    expect(rejectedDay.run.uploaded).toHaveLength(4);
    expect(rejectedDay.recorded.validated.map((v) => v.workflow)).toEqual(['compliance']);
    expect(rejectedDay.recorded.rejected).toEqual([{
      fileDate: day(2), workflow: 'financial', fileTypes: ['balances'],
      reasons: [expect.stringMatching(/^line 2 column balance: reconciliation: .*\(injected by --reject\)$/), expect.stringMatching(/^2026-03-08_balances_V1.csv failed validation, so none of/)],
    }]);
    const status = Object.fromEntries((await filesForDate(ctx.state.db, day(2))).map((f) => [f.name, f.status]));
    expect(status).toEqual({
      '2026-03-08_accounts_V1.csv': 'validated',
      '2026-03-08_balances_V1.csv': 'rejected',
      '2026-03-08_transactions_V1.csv': 'uploaded',
      '2026-03-08_non_posted_transactions_V1.csv': 'uploaded',
    });
    const acks = await db.database.db.withSchema('lead_etl').selectFrom('acknowledgement').selectAll().where('file_date', '=', day(2)).orderBy('id').execute();
    expect(acks.map((a) => [a.workflow, a.outcome, a.source, a.file_name])).toEqual([
      ['compliance', 'validated', 'sandbox', '2026-03-08_accounts_V1.csv'],
      ['financial', 'rejected', 'sandbox', '2026-03-08_balances_V1.csv'],
    ]);

    // Day 3 waits for its turn (checked in a dry run, nothing recorded), and not one of its files reaches Lead.
    const early = await runFileDate(ctx, day(3));
    expect(early.outcome).toBe('waiting');
    expect(early.uploaded).toEqual([]);
    const dayThreeOnServer = ['accounts', 'balances', 'transactions', 'non_posted_transactions']
      .flatMap((folder) => readdirSync(join(sandbox.sftp.rootDir, folder)).filter((name) => name.startsWith(day(3))));
    expect(dayThreeOnServer).toEqual([]);

    // The operator's rerun sends Balances V2; Lead processes it with the V1 of the others.
    const rerun = await exchange(day(2), true);
    expect(rerun.run.uploaded.map((f) => f.name)).toEqual(['2026-03-08_balances_V2.csv']);
    expect(rerun.recorded.validated).toEqual([{
      fileDate: day(2), workflow: 'financial',
      files: ['2026-03-08_balances_V2.csv', '2026-03-08_transactions_V1.csv', '2026-03-08_non_posted_transactions_V1.csv'],
    }]);

    const after = await exchange(day(3));
    expect(after.run.uploaded).toHaveLength(4);
    expect(after.recorded.validated.map((v) => v.workflow)).toEqual(['compliance', 'financial']);
    expect(existsSync(join(sandbox.sftp.rootDir, 'balances', `${day(3)}_balances_V1.csv`))).toBe(true);
  });
});
