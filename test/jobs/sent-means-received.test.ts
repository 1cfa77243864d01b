import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { parseFileDate, type FileDate } from '../../core/file-date.js';
import { silentLogger } from '../../core/log.js';
import { abandonVersions } from '../../jobs/abandon.js';
import { acknowledgeDate } from '../../jobs/acknowledge-date.js';
import { EXIT, runCli } from '../../jobs/cli.js';
import { rerunDate } from '../../jobs/rerun-date.js';
import { runFileDate } from '../../jobs/run-file-date.js';
import { filesForDate } from '../../load/state/state-store.js';
import { databaseKinds } from '../support/databases.js';
import { startPipeline, type PipelineFixture } from '../support/pipeline.js';

const day = (n: number): FileDate => parseFileDate(['2026-03-06', '2026-03-07', '2026-03-08'][n]!);

describe.each(databaseKinds)('sent means received on %s (issue 8)', (kind) => {
  let pipeline: PipelineFixture | undefined;
  afterEach(async () => {
    await pipeline?.dispose();
    pipeline = undefined;
  });

  it('abandon discards versions built and never uploaded, recording who and why; the next run sends the next version', async () => {
    pipeline = await startPipeline(kind, { days: 1 });
    const { ctx } = pipeline;
    const built = await runFileDate(ctx, day(0), { upload: false });
    expect(built.built).toHaveLength(4);
    await expect(abandonVersions(ctx, { fileDate: day(0), reason: ' ' })).rejects.toMatchObject({ code: 'USAGE' });
    await expect(abandonVersions(ctx, { fileDate: day(0), fileTypes: ['cards'], reason: 'x' })).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining('accounts, balances, transactions, non_posted_transactions') });

    const abandoned = await abandonVersions(ctx, { fileDate: day(0), reason: 'the ledger was restored from backup', by: 'ops-anna' });
    expect(abandoned.abandoned.map((f) => f.status)).toEqual(['abandoned', 'abandoned', 'abandoned', 'abandoned']);
    const events = await sql<{ actor: string; detail: string }>`select actor, detail from lead_etl.file_event where to_status = 'abandoned'`.execute(ctx.state.db);
    expect(events.rows).toHaveLength(4);
    expect(events.rows.every((e) => e.actor === 'ops-anna' && e.detail === 'abandoned by ops-anna: the ledger was restored from backup')).toBe(true);

    const sent = await runFileDate(ctx, day(0));
    expect(sent.uploaded.map((f) => f.version)).toEqual([2, 2, 2, 2]);
    await expect(abandonVersions(ctx, { fileDate: day(0), fileTypes: ['balances'], reason: 'x' })).rejects.toMatchObject({ code: 'OPERATION_REFUSED', message: expect.stringContaining('rerun') });
  });

  it('a version built before an earlier date changed what Lead has is rebuilt from the ledger, never sent stale', async () => {
    pipeline = await startPipeline(kind, { days: 2, config: { upload: { requirePreviousDayValidated: false } } });
    const { ctx, clock } = pipeline;
    await runFileDate(ctx, day(0));
    clock.advance({ minutes: 5 });
    const early = await runFileDate(ctx, day(1), { upload: false });
    expect(early.built).toHaveLength(4);
    clock.advance({ minutes: 5 });
    await acknowledgeDate(ctx.state, clock, day(0), { outcome: 'rejected', source: 'test', fileTypes: ['balances'] });
    clock.advance({ minutes: 5 });
    await rerunDate(ctx, day(0));
    clock.advance({ minutes: 5 });
    const later = await runFileDate(ctx, day(1));
    expect(later.outcome, later.message).toBe('ok');
    const files = await filesForDate(ctx.state.db, day(1));
    expect(files.map((f) => [f.fileType, f.version, f.status]).sort()).toEqual([
      ['accounts', 1, 'abandoned'], ['accounts', 2, 'uploaded'], ['balances', 1, 'abandoned'], ['balances', 2, 'uploaded'],
      ['non_posted_transactions', 1, 'abandoned'], ['non_posted_transactions', 2, 'uploaded'], ['transactions', 1, 'abandoned'], ['transactions', 2, 'uploaded'],
    ]);
    expect(files.find((f) => f.version === 1)!.reason).toMatch(/^stale: built .* rebuilt from the ledger$/);
  });
});

describe('dates and values the command line refuses (issue 8)', () => {
  it('refuses a future date, a date before Day 0 and unknown --file, --workflow or --batch values as usage errors that list what is valid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lead-etl-refusals-'));
    const config = join(dir, 'lead-etl.json');
    writeFileSync(config, JSON.stringify({
      program: { firstFileDate: '2026-03-06', fileTypes: ['accounts', 'balances', 'transactions', 'non_posted_transactions'] },
      ledger: { dataDir: 'db' }, archive: { dir: 'archive' },
    }));
    const cli = async (args: string[]) => {
      const err: string[] = [];
      const code = await runCli([...args, '--config', config], { stdout: () => undefined, stderr: (t) => err.push(t), env: {}, clock: fixedClock('2026-03-07T06:10:00Z'), logger: silentLogger() });
      return { code, stderr: err.join('') };
    };
    const future = await cli(['run', '--date', '2026-03-07']);
    expect(future).toEqual({ code: EXIT.usage, stderr: expect.stringMatching(/^lead-etl run: DATE_REFUSED: refused: 2026-03-07 carries the activity of 2026-03-06, which ends at 2026-03-07 00:00 CST and settles 30 min later \(upload.settleMinutes\); run it from 2026-03-07 00:30 CST\n$/) });
    const early = await cli(['run', '--date', '2026-03-05']);
    expect(early).toEqual({ code: EXIT.usage, stderr: expect.stringContaining("2026-03-05 is before the program's Day 0 2026-03-06 (program.firstFileDate)") });
    expect(await cli(['ack', '--date', '2026-03-06', '--validated', '--file', 'acounts'])).toEqual({ code: EXIT.usage, stderr: expect.stringContaining('--file acounts is not a file type this program sends (accounts, balances, transactions, non_posted_transactions)') });
    expect(await cli(['ack', '--date', '2026-03-06', '--validated', '--workflow', 'customers'])).toEqual({ code: EXIT.usage, stderr: expect.stringContaining('(compliance, financial)') });
    expect(await cli(['ack', '--batch', "2026-03-06-01'; drop table x", '--validated'])).toEqual({ code: EXIT.usage, stderr: expect.stringContaining('is not a Customer batch id') });
    expect(await cli(['abandon', '--date', '2026-03-06'])).toEqual({ code: EXIT.usage, stderr: expect.stringContaining('--reason TEXT is required') });
  });
});
