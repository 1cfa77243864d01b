import { describeError, LeadEtlError } from '../core/errors.js';
import type { ActivityWindow, FileDate } from '../core/file-date.js';
import { DateTime } from 'luxon';
import {
  filesForDate, finishRun, moveFile, newRunId, recordAcknowledgement, recordProblems, startRun, type FileRecord,
} from '../load/state/state-store.js';
import type { RowProblem } from '../transform/row-problem.js';
import { dateScope, withDateLock } from '../load/state/date-lock.js';
import { buildDateFiles } from './build-date-files.js';
import type { JobContext } from './job-context.js';
import { uploadOne } from './run-file-date.js';

/**
 * `lead-etl batch`: an extra Customer batch during the day (Lead takes Customer files as often as
 * needed, each batch under its own id). It carries the customers (and relationships) new or changed since
 * they were last sent, as of now, under the next batch id of the date (`<date>-02`, `<date>-03`...; the
 * daily batch is the date itself), both files of the batch sharing it. Nothing is sent when nothing
 * changed. Customer batches wait for no other workflow.
 */
export interface BatchResult {
  readonly batchId: string;
  readonly outcome: 'ok' | 'failed';
  readonly message: string;
  readonly uploaded: readonly FileRecord[];
  readonly problems: readonly RowProblem[];
}

export async function sendCustomerBatch(ctx: JobContext, fileDate: FileDate): Promise<BatchResult> {
  const first = ctx.config.program.firstFileDate;
  if (first && fileDate < first) {
    throw new LeadEtlError('DATE_REFUSED', `refused: ${fileDate} is before the program's Day 0 ${first} (program.firstFileDate); Lead takes no batch dated before it`);
  }
  return withDateLock(ctx.state, dateScope(fileDate), () => sendBatchLocked(ctx, fileDate));
}

async function sendBatchLocked(ctx: JobContext, fileDate: FileDate): Promise<BatchResult> {
  const types = ctx.config.program.files.filter((t) => t.spec.naming === 'batch' && (t.spec.direction ?? 'outbound') === 'outbound');
  if (types.length === 0) throw new LeadEtlError('USAGE', `profile ${ctx.config.program.profile.name} sends no Customer files`);
  const zone = ctx.config.program.timeZone;
  const start = DateTime.fromISO(fileDate, { zone }).startOf('day');
  const end = ctx.clock.now().setZone(zone);
  if (end <= start) throw new LeadEtlError('USAGE', `${fileDate} has not begun in ${zone}; a batch describes the day so far`);
  const window: ActivityWindow = { fileDate, activityDate: fileDate, zone, start, end, hours: end.diff(start, 'hours').hours };

  const ofDate = await filesForDate(ctx.state.db, fileDate);
  const earlier = new Set(ofDate.flatMap((f) => (f.batchId ? [f.batchId] : [])));
  const batchId = `${fileDate}-${String(earlier.size + 2).padStart(2, '0')}`;
  const runId = newRunId(ctx.clock);
  await startRun(ctx.state.db, { runId, command: 'batch', fileDate }, ctx.clock);
  try {
    // An earlier batch of the date that did not reach Lead goes first: its customers count as in play
    // for this date, so a new batch without it would leave them out.
    const unfinished = ofDate.filter((f) => f.batchId !== null && ['built', 'uploading', 'renaming'].includes(f.status));
    if (unfinished.length > 0) {
      const remote = await ctx.connectRemote();
      try {
        for (const file of unfinished) await uploadOne(ctx, remote, file, ctx.logger.child({ runId, batchId: file.batchId }));
      } finally {
        await remote.close();
      }
    }
    return await buildAndSendBatch(ctx, runId, fileDate, types, batchId, window);
  } catch (error) {
    await finishRun(ctx.state.db, runId, 'failed', describeError(error), ctx.clock).catch(() => undefined);
    throw error;
  }
}

async function buildAndSendBatch(
  ctx: JobContext, runId: string, fileDate: FileDate, types: JobContext['config']['program']['files'], batchId: string, window: ActivityWindow,
): Promise<BatchResult> {
  const built = await buildDateFiles(ctx, runId, fileDate, types, new Map(), { id: batchId, window });
  if (built.problemCount > 0) {
    await recordProblems(ctx.state.db, runId, fileDate, built.problems);
    const message = `${built.problemCount} problem(s) in Customer batch ${batchId}; nothing was sent`;
    await finishRun(ctx.state.db, runId, 'failed', message, ctx.clock);
    return { batchId, outcome: 'failed', message, uploaded: [], problems: built.problems };
  }
  if (built.built.every((f) => f.rows === 0)) {
    for (const file of built.built) await moveFile(ctx.state.db, file, 'built', 'abandoned', ctx.clock, { reason: 'nothing changed since the last batch' });
    const message = `nothing new for a Customer batch on ${fileDate}: no customer changed since the last one was sent`;
    await finishRun(ctx.state.db, runId, 'ok', message, ctx.clock);
    return { batchId, outcome: 'ok', message, uploaded: [], problems: [] };
  }
  const remote = await ctx.connectRemote();
  const uploaded: FileRecord[] = [];
  try {
    for (const file of built.built) uploaded.push(await uploadOne(ctx, remote, file, ctx.logger.child({ runId, batchId })));
  } finally {
    await remote.close();
  }
  const message = `sent Customer batch ${batchId}: ${uploaded.map((f) => `${f.name} (${f.rows} rows)`).join(', ')}`;
  await finishRun(ctx.state.db, runId, 'ok', message, ctx.clock);
  return { batchId, outcome: 'ok', message, uploaded, problems: [] };
}

/** An extra batch's id, checked before it reaches SQL: the date and a sequence of two digits or more. Returns its date. */
export function parseBatchId(batchId: string): FileDate {
  const date = batchId.slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}-\d{2,}$/.test(batchId) || !DateTime.fromISO(date).isValid) {
    throw new LeadEtlError('USAGE', `--batch ${JSON.stringify(batchId)} is not a Customer batch id: it is the date (YYYY-MM-DD) for the daily batch, or <date>-NN (e.g. 2026-03-06-02) for an extra one`);
  }
  return date as FileDate;
}

/** Records Lead's answer on an extra Customer batch. */
export async function acknowledgeBatch(
  ctx: Pick<JobContext, 'state' | 'clock'>,
  batchId: string,
  ack: { outcome: 'validated' | 'rejected'; source: string; note?: string },
): Promise<FileRecord[]> {
  const fileDate = parseBatchId(batchId);
  const ofDate = await filesForDate(ctx.state.db, fileDate);
  if (!ofDate.some((f) => f.batchId === batchId)) {
    const known = [...new Set(ofDate.flatMap((f) => (f.batchId ? [f.batchId] : [])))];
    throw new LeadEtlError('USAGE', `--batch ${batchId}: no such Customer batch; ${known.length ? `the extra batches of ${fileDate} are ${known.join(', ')}` : `${fileDate} has no extra batch`} (its daily batch is --batch ${fileDate})`);
  }
  const files = ofDate.filter((f) => f.batchId === batchId && f.status === 'uploaded');
  if (files.length === 0) throw new LeadEtlError('NOT_ACKNOWLEDGED', `no uploaded file of Customer batch ${batchId} is waiting for Lead's answer`);
  return recordAcknowledgement(ctx.state.db, { fileDate, workflow: 'customer', ...ack }, files, ctx.clock);
}
