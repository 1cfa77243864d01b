import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addDays, parseFileDate } from '../../core/file-date.js';
import { acknowledgeDate } from '../../jobs/acknowledge-date.js';
import { backfill } from '../../jobs/backfill.js';
import { markUploaded } from '../../jobs/mark-uploaded.js';
import { planRerun, rerunDate } from '../../jobs/rerun-date.js';
import { runFileDate } from '../../jobs/run-file-date.js';
import { withDateLock } from '../../load/state/date-lock.js';
import { filesForDate } from '../../load/state/state-store.js';
import { databaseKinds } from '../support/databases.js';
import { DAY0, startPipeline, type PipelineFixture } from '../support/pipeline.js';

const day = (n: number) => addDays(parseFileDate(DAY0), n);
const sentNames = (root: string, folder: string) => (existsSync(join(root, folder)) ? readdirSync(join(root, folder)).sort() : []);

describe.each(databaseKinds)('operator commands on %s', (kind) => {
  let pipeline: PipelineFixture | undefined;
  afterEach(async () => {
    await pipeline?.dispose();
    pipeline = undefined;
  });

  it('rerun sends only the rejected file as the next version, says so first with --dry-run, and is refused once the workflow validated', async () => {
    pipeline = await startPipeline(kind, { days: 2 });
    const { ctx, clock } = pipeline;
    await runFileDate(ctx, day(0));
    await expect(planRerun(ctx, day(0))).rejects.toThrow(/no file of it is rejected/);
    await acknowledgeDate(ctx.state, clock, day(0), { outcome: 'rejected', source: 'test', fileTypes: ['transactions'] });

    const plan = await planRerun(ctx, day(0));
    expect(plan.map((p) => p.nextName)).toEqual([`${day(0)}_transactions_V2.csv`]);
    expect(sentNames(pipeline.sftp.rootDir, 'transactions')).toEqual([`${day(0)}_transactions_V1.csv`]);

    const { result } = await rerunDate(ctx, day(0));
    expect(result.uploaded.map((f) => f.name)).toEqual([`${day(0)}_transactions_V2.csv`]);
    // The other files of the workflow were not touched.
    expect(sentNames(pipeline.sftp.rootDir, 'balances')).toEqual([`${day(0)}_balances_V1.csv`]);

    await acknowledgeDate(ctx.state, clock, day(0), { outcome: 'validated', source: 'test' });
    await expect(planRerun(ctx, day(0), ['balances'])).rejects.toThrow(/already validated the financial files/);
  });

  it('rerun --files replaces a file Lead did not reject: the sent version is superseded, never reused', async () => {
    pipeline = await startPipeline(kind, { days: 1 });
    await runFileDate(pipeline.ctx, day(0));
    await rerunDate(pipeline.ctx, day(0), ['accounts']);
    const accounts = (await filesForDate(pipeline.ctx.state.db, day(0))).filter((f) => f.fileType === 'accounts');
    expect(accounts.map((f) => [f.version, f.status])).toEqual([[1, 'superseded'], [2, 'uploaded']]);
  });

  it('backfill stops where Lead has not answered and, called again, carries on without sending anything twice', async () => {
    pipeline = await startPipeline(kind, { days: 4 });
    const { ctx, clock } = pipeline;
    const progress: string[] = [];
    const first = await backfill(ctx, day(0), day(3), (p) => progress.push(`${p.current}:${p.result.outcome}:${p.done}:${p.left}`));
    expect(first.stoppedAt).toMatchObject({ fileDate: day(1), outcome: 'waiting' });
    expect(progress).toEqual([`${day(0)}:ok:1:3`, `${day(1)}:waiting:1:2`]);

    await acknowledgeDate(ctx.state, clock, day(0), { outcome: 'validated', source: 'test' });
    const second = await backfill(ctx, day(0), day(3));
    expect(second.stoppedAt).toMatchObject({ fileDate: day(2), outcome: 'waiting' });
    await acknowledgeDate(ctx.state, clock, day(1), { outcome: 'validated', source: 'test' });
    const third = await backfill(ctx, day(0), day(3));
    expect(third.stoppedAt).toMatchObject({ fileDate: day(3), outcome: 'waiting' });
    await acknowledgeDate(ctx.state, clock, day(2), { outcome: 'validated', source: 'test' });
    const last = await backfill(ctx, day(0), day(3));
    expect(last.stoppedAt).toBeUndefined();
    for (const folder of ['accounts', 'balances', 'transactions', 'non_posted_transactions']) {
      expect(sentNames(pipeline.sftp.rootDir, folder)).toEqual([0, 1, 2, 3].map((n) => `${day(n)}_${folder}_V1.csv`));
    }
  });

  it('mark-uploaded records a file sent by hand with its checksum, so the next run neither re-sends it nor reuses its version', async () => {
    pipeline = await startPipeline(kind, { days: 1 });
    const { ctx, clock } = pipeline;
    await runFileDate(ctx, day(0));
    await acknowledgeDate(ctx.state, clock, day(0), { outcome: 'rejected', source: 'test', fileTypes: ['balances'] });
    const v1 = (await filesForDate(ctx.state.db, day(0))).find((f) => f.fileType === 'balances')!;
    const byHand = join(pipeline.dir, `${day(0)}_balances_V2.csv`);
    writeFileSync(byHand, readFileSync(v1.archivePath));
    await expect(markUploaded(ctx, { fileDate: day(0), fileType: 'balances', localPath: byHand, sha256: 'f'.repeat(64) })).rejects.toThrow(/not the file that was sent/);
    const recorded = await markUploaded(ctx, { fileDate: day(0), fileType: 'balances', localPath: byHand, note: 'sent from a laptop during the outage', by: 'ops-anna' });
    expect(recorded).toMatchObject({ version: 2, status: 'uploaded', reason: 'uploaded by hand by ops-anna: sent from a laptop during the outage', changedBy: 'ops-anna' });
    const again = await runFileDate(ctx, day(0));
    expect(again.built).toEqual([]);
    expect(again.uploaded).toEqual([]);
    const v1Again = join(pipeline.dir, `${day(0)}_accounts_V1.csv`);
    writeFileSync(v1Again, 'client_account_id\n');
    await expect(markUploaded(ctx, { fileDate: day(0), fileType: 'accounts', localPath: v1Again })).rejects.toThrow(/is uploaded for/);
  });

  it.runIf(kind === 'postgres')('lets only one process act on a date at a time', async () => {
    pipeline = await startPipeline(kind, { days: 1 });
    const { ctx } = pipeline;
    let release!: () => void;
    let held!: () => void;
    const locked = new Promise<void>((resolve) => { held = resolve; });
    const holding = withDateLock(ctx.state, `date:${day(0)}`, () => {
      held();
      return new Promise<void>((resolve) => { release = resolve; });
    });
    // The first holder is inside its lock: the second asks only now.
    await locked;
    await expect(withDateLock(ctx.state, `date:${day(0)}`, () => runFileDate(ctx, day(0)))).rejects.toMatchObject({ code: 'LOCK_HELD' });
    release();
    await holding;
    const after = await withDateLock(ctx.state, `date:${day(0)}`, () => runFileDate(ctx, day(0)));
    expect(after.uploaded).toHaveLength(4);
  });
});
