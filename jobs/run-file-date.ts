import { posix } from 'node:path';
import { describeError, LeadEtlError } from '../core/errors.js';
import { addDays, type FileDate } from '../core/file-date.js';
import { verifyArchived } from '../load/archive.js';
import { uploadDocumentsFor } from '../load/documents.js';
import { fetchSalesRequest, loadedSalesRequest, salesRequestJson } from '../load/sales-request.js';
import {
  filesForDate, finishRun, isDateValidated, listFiles, liveFile, moveFile, newRunId,
  recordProblems, startRun, type FileRecord,
} from '../load/state/state-store.js';
import { recordLateEntries, type LateEntry } from '../load/state/submitted-records.js';
import type { ProgramFileType } from '../transform/program-file-types.js';
import type { RowProblem } from '../transform/row-problem.js';
import { buildDateFiles, workflowOrder, type FileNotices } from './build-date-files.js';
import type { JobContext, RemoteStore } from './job-context.js';

/**
 * One file date, end to end: extract every due file type from one ledger snapshot, map and write them,
 * archive and record them, then upload them in Lead's order once the previous date is validated.
 * Running it again finishes what an earlier run left (an interrupted upload) and sends nothing twice.
 */
export type RunOutcome = 'ok' | 'waiting' | 'failed';

export interface RunResult {
  readonly runId: string;
  readonly fileDate: FileDate;
  readonly outcome: RunOutcome;
  /** One line for people: what happened and, when not ok, what to do. */
  readonly message: string;
  readonly built: readonly FileRecord[];
  readonly uploaded: readonly FileRecord[];
  readonly problems: readonly RowProblem[];
  readonly problemCount: number;
  /** What the submission rules left out, per file type (unchanged records, entries already sent...). */
  readonly notices: readonly FileNotices[];
  /** Late entries this run found for the first time: activity of dates already sent. */
  readonly late: readonly LateEntry[];
}

export async function runFileDate(
  ctx: JobContext,
  fileDate: FileDate,
  /** `rebuild`: file types Lead rejected that an operator asked to send again (`lead-etl rerun`). */
  options: { upload?: boolean; rebuild?: readonly string[] } = {},
): Promise<RunResult> {
  const { config, clock } = ctx;
  const runId = newRunId(clock);
  const log = ctx.logger.child({ runId, fileDate });
  const stateDb = ctx.state.db;
  await startRun(stateDb, { runId, command: 'run', fileDate }, clock);

  let built: FileRecord[] = [];
  let uploaded: FileRecord[] = [];
  let problems: RowProblem[] = [];
  let problemCount = 0;
  let notices: FileNotices[] = [];
  let late: LateEntry[] = [];
  const finish = async (outcome: RunOutcome, message: string): Promise<RunResult> => {
    await finishRun(stateDb, runId, outcome, message, clock);
    log.info({ outcome, built: built.length, uploaded: uploaded.length, problems: problemCount, late: late.length }, 'run finished');
    return { runId, fileDate, outcome, message, built, uploaded, problems, problemCount, notices, late };
  };

  try {
    const types = config.program.files.filter((type) => (type.spec.direction ?? 'outbound') === 'outbound');
    const existing = await filesForDate(stateDb, fileDate);
    const sales = await salesRequestFor(ctx, fileDate, existing, log);
    // A type Lead rejected waits for a person: sending the same data again would only be rejected again.
    const rejectedWaiting = types.filter((type) => !liveFile(existing, type.spec.id) && existing.some((f) => f.fileType === type.spec.id && f.status === 'rejected') && !options.rebuild?.includes(type.spec.id));
    // A file answering one of Lead's (the Sales Response) is due once Lead's file is here.
    const answering = types.find((type) => type.spec.answers);
    const due = types.filter((type) => !liveFile(existing, type.spec.id) && !rejectedWaiting.includes(type) && (!type.spec.answers || sales !== undefined));
    if (due.length > 0) {
      const extra = new Map(sales && answering ? [[answering.spec.id, { [answering.spec.answers!]: sales }]] : []);
      const outcome = await buildDateFiles(ctx, runId, fileDate, due, extra);
      built = outcome.built;
      problems = outcome.problems;
      problemCount = outcome.problemCount;
      notices = outcome.notices;
      late = await recordLateEntries(stateDb, runId, outcome.late, clock);
      if (problemCount > 0) {
        await recordProblems(stateDb, runId, fileDate, problems);
        const workflowOf = (id: string) => types.find((t) => t.spec.id === id)?.spec.workflow ?? id;
        const failed = [...new Set(problems.map((p) => workflowOf(p.fileType)))];
        return finish('failed', `${problemCount} problem(s) in the ${failed.join(', ')} files of ${fileDate}; nothing of ${failed.join(', ')} (or any later workflow) was archived or sent. Fix the ledger rows or the query, then run again.`);
      }
    } else {
      log.info({ files: existing.length }, 'every file of the date is already built');
    }

    if (options.upload === false) return finish('ok', `built ${built.length} file(s); upload skipped`);

    const gate = await previousDateGate(ctx, fileDate);
    if (gate) return finish('waiting', gate);


    const upload = await uploadDue(ctx, fileDate, types, log);
    uploaded = upload.uploaded;
    if (upload.waitingFor) {
      return finish('waiting', `${uploaded.length ? `uploaded ${uploaded.length} file(s) for ${fileDate}; ` : ''}${upload.waitingFor}`);
    }
    if (rejectedWaiting.length > 0) {
      return finish('waiting', `${uploaded.length ? `uploaded ${uploaded.length} file(s) for ${fileDate}; ` : ''}Lead rejected the ${rejectedWaiting.map((t) => t.spec.id).join(', ')} file(s) of ${fileDate}; fix the cause, then \`lead-etl rerun --date ${fileDate}\` sends the next version`);
    }
    const waitingForSales = answering !== undefined && sales === undefined &&
      !liveFile(await filesForDate(stateDb, fileDate), answering.spec.id);
    const message = (uploaded.length > 0
      ? `uploaded ${uploaded.length} file(s) for ${fileDate}`
      : `nothing to send for ${fileDate}: its file(s) were already sent`) +
      (waitingForSales ? `; the Sales Response waits for Lead's Sales Request of ${fileDate}` : '');
    return finish('ok', message);
  } catch (error) {
    log.error({ err: { code: (error as LeadEtlError).code, message: describeError(error) } }, 'run failed');
    await finish('failed', describeError(error)).catch(() => undefined);
    throw error;
  }
}

/**
 * The Sales Response answers Lead's Sales Request of the same date, which Lead posts once the date's
 * Financial workflow validated. Returns the loaded request rows (JSON) once they are here.
 */
async function salesRequestFor(ctx: JobContext, fileDate: FileDate, existing: readonly FileRecord[], log: JobContext['logger']): Promise<string | undefined> {
  const response = ctx.config.program.files.find((t) => t.spec.answers);
  const request = ctx.config.program.files.find((t) => t.spec.id === response?.spec.answers);
  if (!response || liveFile(existing, response.spec.id)) return undefined;
  if (!(await loadedSalesRequest(ctx.state.db, fileDate))) {
    const financial = existing.filter((f) => ctx.config.program.files.find((t) => t.spec.id === f.fileType)?.spec.workflow === 'financial');
    if (!request || !ctx.config.sftp || !isDateValidated(financial)) return undefined;
    const remote = await ctx.connectRemote();
    try {
      await fetchSalesRequest({ db: ctx.state.db, remote, type: request, fileDate, remoteRoot: ctx.config.sftp.remoteRoot, archiveDir: ctx.config.archive.dir, clock: ctx.clock, logger: log });
    } finally {
      await remote.close();
    }
    if (!(await loadedSalesRequest(ctx.state.db, fileDate))) return undefined;
  }
  return salesRequestJson(ctx.state.db, fileDate);
}

/**
 * Lead's order: the files of T go only after those of T-1 validated. The first date (Lead's Day 0, or the
 * first date this state store has ever sent) has no predecessor.
 */
async function previousDateGate(ctx: JobContext, fileDate: FileDate): Promise<string | undefined> {
  if (!ctx.config.upload.requirePreviousDayValidated) return undefined;
  const first = ctx.config.program.firstFileDate;
  if (first && fileDate <= first) return undefined;
  const previous = addDays(fileDate, -1);
  const previousFiles = await filesForDate(ctx.state.db, previous);
  if (previousFiles.length === 0) {
    const earlier = await listFiles(ctx.state.db, { to: previous });
    if (!first && earlier.length === 0) return undefined;
    return `files for ${fileDate} are archived but not sent: ${previous} was never sent; run \`lead-etl run --date ${previous}\` first`;
  }
  if (!isDateValidated(previousFiles)) {
    return `files for ${fileDate} are archived but not sent: Lead has not validated ${previous} yet (lead-etl status --date ${previous})`;
  }
  return undefined;
}

/**
 * Uploads the date's due files workflow by workflow in the configured order. With waitForPrevious (the
 * default, Lead's rule), a workflow goes only once Lead validated every earlier workflow of the date.
 */
async function uploadDue(
  ctx: JobContext, fileDate: FileDate, types: readonly ProgramFileType[], log: JobContext['logger'],
): Promise<{ uploaded: FileRecord[]; waitingFor?: string }> {
  const files = await filesForDate(ctx.state.db, fileDate);
  const uploaded: FileRecord[] = [];
  let remote: RemoteStore | undefined;
  try {
    const before: string[] = [];
    for (const workflow of workflowOrder(ctx.config.workflows.order)) {
      const live = types.filter((t) => t.spec.workflow === workflow).map((t) => liveFile(files, t.spec.id)).filter((f): f is FileRecord => Boolean(f));
      const due = live.filter((f) => f.status === 'built' || f.status === 'uploading');
      if (due.length > 0) {
        const blocking = ctx.config.workflows.waitForPrevious ? before : [];
        if (blocking.length > 0) {
          return { uploaded, waitingFor: `the ${workflow} files of ${fileDate} wait for Lead to validate ${blocking.join(', ')}` };
        }
        remote ??= await ctx.connectRemote();
        for (const file of due) uploaded.push(await uploadOne(ctx, remote, file, log));
      }
      const current = await filesForDate(ctx.state.db, fileDate);
      if (live.some((f) => liveFile(current, f.fileType)?.status !== 'validated')) before.push(`the ${workflow} files`);
    }
    return { uploaded };
  } finally {
    await remote?.close();
  }
}

export async function uploadOne(ctx: JobContext, remote: RemoteStore, file: FileRecord, log: JobContext['logger']): Promise<FileRecord> {
  const { clock } = ctx;
  let current = file;
  if (current.status === 'uploading') {
    // An earlier run died mid-upload. The rename is the last step, so a complete file under the final name
    // means the upload happened and only the state update was lost.
    const found = await remote.stat(current.remotePath);
    if (found && found.size === current.bytes) {
      log.warn({ file: current.name }, 'found on the server from an interrupted run; recording it as uploaded');
      return moveFile(ctx.state.db, current, 'uploading', 'uploaded', clock);
    }
    if (found) {
      throw new LeadEtlError('SFTP_VERIFY_FAILED', `${current.remotePath} exists with ${found.size} bytes but ${current.name} has ${current.bytes}; check the server by hand before anything is re-sent`);
    }
  } else {
    await verifyArchived(current.archivePath, current.sha256);
    current = await moveFile(ctx.state.db, current, 'built', 'uploading', clock);
  }
  await verifyArchived(current.archivePath, current.sha256);
  await uploadDocumentsFor({
    db: ctx.state.db, file: current, remote, documentsDir: ctx.config.documents.dir,
    remoteDir: posix.join(ctx.config.sftp?.remoteRoot ?? '/', ctx.config.documents.remoteFolder), clock, logger: log,
  });
  const started = clock.now();
  const result = await remote.putAtomically({
    localPath: current.archivePath,
    remoteDir: posix.dirname(current.remotePath),
    remoteName: current.name,
    expectedBytes: current.bytes,
  });
  log.info({ file: current.name, bytes: result.bytes, rows: current.rows, ms: clock.now().diff(started).as('milliseconds') }, 'file uploaded');
  return moveFile(ctx.state.db, current, 'uploading', 'uploaded', clock);
}
