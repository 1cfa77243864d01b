import { posix } from 'node:path';
import { describeError, LeadEtlError } from '../core/errors.js';
import { addDays, type FileDate } from '../core/file-date.js';
import { verifyArchived } from '../load/archive.js';
import { temporaryName } from '../load/sftp-session.js';
import { uploadDocumentsFor } from '../load/documents.js';
import { fetchSalesRequest, loadedSalesRequest, salesRequestJson } from '../load/sales-request.js';
import { withDateLock, dateScope } from '../load/state/date-lock.js';
import { REPLACEABLE_STATUSES } from '../load/state/file-status.js';
import {
  closeInterruptedRuns, filesForDate, finishRun, historyChangedAt, isDateSent, isDateValidated, isSent, listFiles, liveFile, moveFile, newRunId,
  recordProblems, startRun, type FileRecord,
} from '../load/state/state-store.js';
import { recordLateEntries, type LateEntry } from '../load/state/submitted-records.js';
import type { ProgramFileType } from '../transform/program-file-types.js';
import type { RowProblem } from '../transform/row-problem.js';
import { buildDateFiles, workflowOrder, type FileNotices } from './build-date-files.js';
import type { JobContext, RemoteStore } from './job-context.js';
import { assertDateSendable } from './sendable-date.js';

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

export interface RunOptions {
  /** false: build and archive only (`--no-upload`). */
  readonly upload?: boolean;
  /** File types Lead rejected that an operator asked to send again (`lead-etl rerun`). */
  readonly rebuild?: readonly string[];
  /**
   * When the date's turn has not come: true (the default) builds its files and checks them as Lead
   * would, then discards them (a dry run that records nothing); false only says it waits (the daemon,
   * which asks every few minutes).
   */
  readonly preview?: boolean;
}

/**
 * A date is built and recorded only when its turn has come: it is Day 0 (or the first date this state
 * store sends, when no Day 0 is configured), or the date before it has reached Lead (validated, with
 * upload.requirePreviousDayValidated; uploaded otherwise). Built any earlier, its files would be
 * measured against a history Lead does not have yet. The date's lock is held throughout.
 */
export async function runFileDate(ctx: JobContext, fileDate: FileDate, options: RunOptions = {}): Promise<RunResult> {
  assertDateSendable(ctx.config, ctx.clock.now(), fileDate);
  return withDateLock(ctx.state, dateScope(fileDate), async () => {
    const waitingFor = await turnOf(ctx, fileDate);
    if (waitingFor) return preview(ctx, fileDate, waitingFor, options);
    return runInTurn(ctx, fileDate, options);
  });
}

async function runInTurn(ctx: JobContext, fileDate: FileDate, options: RunOptions): Promise<RunResult> {
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
    const interrupted = await closeInterruptedRuns(stateDb, fileDate, runId, clock);
    if (interrupted > 0) log.warn({ interrupted }, 'closed earlier runs of this date that ended without an outcome');
    const types = config.program.files.filter((type) => (type.spec.direction ?? 'outbound') === 'outbound');
    const existing = await abandonStaleBuilds(ctx, fileDate, await filesForDate(stateDb, fileDate), log);
    const sales = await salesRequestFor(ctx, fileDate, existing, log);
    // A type Lead rejected waits for a person: sending the same data again would only be rejected again.
    const rejectedWaiting = types.filter((type) => !liveFile(existing, type.spec.id) && existing.some((f) => f.fileType === type.spec.id && f.status === 'rejected') && !options.rebuild?.includes(type.spec.id));
    const due = types.filter((type) => !liveFile(existing, type.spec.id) && !rejectedWaiting.includes(type) && (type.spec.id !== 'sales_response' || sales !== undefined));
    if (due.length > 0) {
      const extra = new Map(sales ? [['sales_response', { sales_request: sales }]] : []);
      const outcome = await buildDateFiles(ctx, runId, fileDate, due, extra);
      built = outcome.built;
      problems = outcome.problems;
      problemCount = outcome.problemCount;
      notices = outcome.notices;
      late = await recordLateEntries(stateDb, runId, outcome.late, clock);
      if (problemCount > 0) {
        await recordProblems(stateDb, runId, fileDate, problems);
        const failed = failedWorkflows(types, problems);
        return finish('failed', `${problemCount} problem(s) in the ${failed.join(', ')} files of ${fileDate}; nothing of ${failed.join(', ')} (or any later workflow) was archived or sent. Fix the ledger rows or the query, then run again.`);
      }
      if (built.length > 0) await ctx.hooks?.phase?.('archived', { fileDate });
    } else {
      log.info({ files: existing.length }, 'every file of the date is already built');
    }

    if (options.upload === false) return finish('ok', `built ${built.length} file(s); upload skipped`);

    const upload = await uploadDue(ctx, fileDate, types, log);
    uploaded = upload.uploaded;
    if (upload.waitingFor) {
      return finish('waiting', `${uploaded.length ? `uploaded ${uploaded.length} file(s) for ${fileDate}; ` : ''}${upload.waitingFor}`);
    }
    if (rejectedWaiting.length > 0) {
      return finish('waiting', `${uploaded.length ? `uploaded ${uploaded.length} file(s) for ${fileDate}; ` : ''}Lead rejected the ${rejectedWaiting.map((t) => t.spec.id).join(', ')} file(s) of ${fileDate}; fix the cause, then \`lead-etl rerun --date ${fileDate}\` sends the next version`);
    }
    const waitingForSales = types.some((t) => t.spec.id === 'sales_response') && sales === undefined &&
      !liveFile(await filesForDate(stateDb, fileDate), 'sales_response');
    const message = (uploaded.length > 0
      ? `uploaded ${uploaded.length} file(s) for ${fileDate}`
      : `nothing to send for ${fileDate}: its file(s) were already sent`) +
      (waitingForSales ? `; the Sales Response waits for Lead's Sales Request of ${fileDate}` : '');
    return finish('ok', message);
  } catch (error) {
    log.error({ err: { code: (error as LeadEtlError).code, message: describeError(error) } }, 'run failed');
    // Closed as failed whenever the state store can still be reached; otherwise the next run closes it.
    await finish('failed', describeError(error)).catch(() => undefined);
    throw error;
  }
}

const failedWorkflows = (types: readonly ProgramFileType[], problems: readonly RowProblem[]) =>
  [...new Set(problems.map((p) => types.find((t) => t.spec.id === p.fileType)?.spec.workflow ?? p.fileType))];

/**
 * Not the date's turn: its files are built and checked as Lead would check them, against what Lead has
 * now, and discarded. Nothing is archived, recorded or sent, so a date run ahead of its turn (a later
 * date first, a typo) holds nothing back from any other date.
 */
async function preview(ctx: JobContext, fileDate: FileDate, waitingFor: string, options: RunOptions): Promise<RunResult> {
  const runId = newRunId(ctx.clock);
  const base = { runId, fileDate, outcome: 'waiting' as const, built: [], uploaded: [], late: [] };
  const nothing = `${fileDate} waits for its turn: ${waitingFor}; nothing was built or recorded`;
  const existing = await filesForDate(ctx.state.db, fileDate);
  const types = ctx.config.program.files.filter((t) => (t.spec.direction ?? 'outbound') === 'outbound' && t.spec.id !== 'sales_response' && !liveFile(existing, t.spec.id));
  if (options.preview === false || types.length === 0) return { ...base, message: nothing, problems: [], problemCount: 0, notices: [] };
  const outcome = await buildDateFiles(ctx, runId, fileDate, types, new Map(), undefined, { dryRun: true });
  const checked = outcome.problemCount > 0
    ? `; a dry run found ${outcome.problemCount} problem(s) in the ${failedWorkflows(types, outcome.problems).join(', ')} files to fix before then`
    : '; a dry run of its files found nothing Lead would reject';
  return { ...base, message: nothing + checked, problems: outcome.problems, problemCount: outcome.problemCount, notices: outcome.notices };
}

/**
 * Versions of the date built while the dates before it were different from what Lead has now (built
 * ahead of their turn by an older lead-etl, or before an earlier date was rejected and sent again) are
 * abandoned, never sent stale; the run rebuilds them from the ledger under the next version.
 */
async function abandonStaleBuilds(ctx: JobContext, fileDate: FileDate, files: FileRecord[], log: JobContext['logger']): Promise<FileRecord[]> {
  const built = files.filter((f) => f.status === 'built' && f.batchId === null);
  if (built.length === 0) return files;
  const changedAt = await historyChangedAt(ctx.state.db, fileDate);
  if (!changedAt) return files;
  const stale = built.filter((f) => Date.parse(f.builtAt) < Date.parse(changedAt));
  for (const file of stale) {
    await moveFile(ctx.state.db, file, 'built', 'abandoned', ctx.clock, { reason: `stale: built ${file.builtAt}, before what Lead has of earlier dates changed (${changedAt}); rebuilt from the ledger`, changedBy: 'lead-etl' });
    log.warn({ file: file.name }, 'a version built against another history was abandoned; the date is rebuilt from the ledger');
  }
  return stale.length > 0 ? filesForDate(ctx.state.db, fileDate) : files;
}

/**
 * The Sales Response answers Lead's Sales Request of the same date, which Lead posts once the date's
 * Financial workflow validated. Returns the loaded request rows (JSON) once they are here.
 */
async function salesRequestFor(ctx: JobContext, fileDate: FileDate, existing: readonly FileRecord[], log: JobContext['logger']): Promise<string | undefined> {
  const response = ctx.config.program.files.find((t) => t.spec.id === 'sales_response');
  const request = ctx.config.program.files.find((t) => t.spec.id === 'sales_request');
  if (!response || liveFile(existing, 'sales_response')) return undefined;
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
 * Lead's order: the files of T go only after those of T-1 validated (or, with
 * upload.requirePreviousDayValidated off, a test server's rule, reached it). Day 0, or the first date this
 * state store has ever sent when no Day 0 is configured, has no predecessor. Returns what the date waits
 * for, or undefined when its turn has come.
 */
export async function turnOf(ctx: JobContext, fileDate: FileDate): Promise<string | undefined> {
  const first = ctx.config.program.firstFileDate;
  if (first && fileDate <= first) return undefined;
  const previous = addDays(fileDate, -1);
  const previousFiles = await filesForDate(ctx.state.db, previous);
  if (!previousFiles.some((f) => !REPLACEABLE_STATUSES.includes(f.status))) {
    if (!first && !(await listFiles(ctx.state.db, { to: previous })).some(isSent)) return undefined;
    if (previousFiles.some((f) => f.status === 'rejected')) return `Lead rejected the files of ${previous} and no new version was sent (lead-etl rerun --date ${previous})`;
    return `${previous} was never sent; run \`lead-etl run --date ${previous}\` first`;
  }
  if (ctx.config.upload.requirePreviousDayValidated) {
    if (!isDateValidated(previousFiles)) return `Lead has not validated ${previous} yet (lead-etl status --date ${previous})`;
  } else if (!isDateSent(previousFiles)) {
    return `${previous} has not reached Lead yet (lead-etl status --date ${previous})`;
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
      const due = live.filter((f) => f.status === 'built' || f.status === 'uploading' || f.status === 'renaming');
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

/**
 * Sends one version exactly once, whatever happened before. The steps are recorded before they are
 * taken: `uploading` with the temporary name, then `renaming` just before the rename, so after a crash
 * the next run knows which side of the rename it stopped on. A file under the final name is ours only
 * if its content's sha256 (read back) equals the archived one; anything else waits for a person.
 */
export async function uploadOne(ctx: JobContext, remote: RemoteStore, file: FileRecord, log: JobContext['logger']): Promise<FileRecord> {
  const { clock } = ctx;
  let current = file;
  if (current.status === 'uploading' || current.status === 'renaming') {
    const settled = await settleInterrupted(ctx, remote, current, log);
    if (settled) return settled;
  } else {
    await verifyArchived(current.archivePath, current.sha256);
    // Before anything of ours is on the server: a file already under the final name is ours only with our bytes.
    if (await remote.stat(current.remotePath)) {
      const found = await readBack(remote, current);
      if (found !== current.sha256) throw foreignFile(current, found);
      const claimed = await moveFile(ctx.state.db, current, 'built', 'uploading', clock, { uploadTempName: temporaryName(current.name) });
      const moved = await moveFile(ctx.state.db, claimed, 'uploading', 'uploaded', clock, { reason: 'found on the server with the archived sha256' });
      log.warn({ file: current.name }, 'already on the server with the archived sha256; recorded as uploaded, not sent again');
      return moved;
    }
    current = await moveFile(ctx.state.db, current, 'built', 'uploading', clock, { uploadTempName: temporaryName(current.name) });
  }
  await verifyArchived(current.archivePath, current.sha256);
  await uploadDocumentsFor({
    db: ctx.state.db, file: current, remote, documentsDir: ctx.config.documents.dir,
    remoteDir: posix.join(ctx.config.sftp?.remoteRoot ?? '/', ctx.config.documents.remoteFolder), clock, logger: log,
  });
  const started = clock.now();
  const uploading = current;
  const result = await remote.putAtomically({
    localPath: current.archivePath,
    remoteDir: posix.dirname(current.remotePath),
    remoteName: current.name,
    expectedBytes: current.bytes,
    tempName: current.uploadTempName ?? temporaryName(current.name),
    onTransfer: () => ctx.hooks?.phase?.('mid-upload', { fileDate: uploading.fileDate, file: uploading.name }),
    beforeRename: async () => {
      current = await moveFile(ctx.state.db, uploading, 'uploading', 'renaming', clock);
    },
  });
  await ctx.hooks?.phase?.('renamed', { fileDate: current.fileDate, file: current.name });
  log.info({ file: current.name, bytes: result.bytes, rows: current.rows, ms: clock.now().diff(started).as('milliseconds') }, 'file uploaded');
  return moveFile(ctx.state.db, current, 'renaming', 'uploaded', clock);
}

/**
 * An earlier run stopped mid-upload. What the server holds decides, and only certain evidence records
 * a delivery: our bytes under the final name; or, after the rename was recorded, neither the final name
 * nor the temporary file left (Lead's pickup moved the file away). Returns the version recorded as
 * uploaded, or undefined when the rename provably never happened and the upload starts again.
 */
async function settleInterrupted(ctx: JobContext, remote: RemoteStore, file: FileRecord, log: JobContext['logger']): Promise<FileRecord | undefined> {
  const { clock } = ctx;
  const db = ctx.state.db;
  const status = file.status as 'uploading' | 'renaming';
  if (await remote.stat(file.remotePath)) {
    const found = await readBack(remote, file);
    if (found !== file.sha256) throw foreignFile(file, found);
    log.warn({ file: file.name }, 'found on the server with the archived sha256 after an interrupted run; recorded as uploaded, not sent again');
    return moveFile(db, file, status, 'uploaded', clock, { reason: 'found on the server after an interrupted run' });
  }
  if (status === 'uploading') {
    if (file.uploadTempName) return undefined; // the rename was never asked for: upload again
    throw uncertain(file, `it was being uploaded by an older lead-etl that did not record the rename step, and it is not under ${file.remotePath}: Lead may have picked it up, or it never arrived`);
  }
  const tempPath = posix.join(posix.dirname(file.remotePath), file.uploadTempName ?? '');
  const temp = file.uploadTempName ? await remote.stat(tempPath) : undefined;
  if (!temp) {
    log.warn({ file: file.name }, 'the run stopped during the rename and the file is no longer on the server: Lead picked it up; recorded as uploaded, not sent again');
    return moveFile(db, file, 'renaming', 'uploaded', clock, { reason: 'renamed, then picked up by Lead before the state store was told' });
  }
  if (temp.size !== file.bytes) {
    throw uncertain(file, `the temporary file ${tempPath} holds ${temp.size} bytes, not ${file.bytes}, and nothing is under the final name`);
  }
  await remote.renameInto(tempPath, file.remotePath, file.bytes);
  await ctx.hooks?.phase?.('renamed', { fileDate: file.fileDate, file: file.name });
  log.info({ file: file.name }, 'finished the rename an interrupted run left');
  return moveFile(db, file, 'renaming', 'uploaded', clock);
}

async function readBack(remote: RemoteStore, file: FileRecord): Promise<string> {
  try {
    return await remote.sha256(file.remotePath);
  } catch (cause) {
    throw uncertain(file, `${file.remotePath} is on the server but cannot be read back to compare (${describeError(cause)})`, cause);
  }
}

function foreignFile(file: FileRecord, found: string): LeadEtlError {
  return new LeadEtlError(
    'SFTP_REMOTE_EXISTS',
    `${file.remotePath} is already on the server with other content (sha256 ${found}, ours ${file.sha256}): it is not ours, and ${file.name} was neither overwritten nor recorded as delivered. ` +
      `Ask Lead what that file is; once it is removed run again, or \`lead-etl abandon --date ${file.fileDate} --files ${file.fileType} --reason ...\` to send the next version instead`,
  );
}

function uncertain(file: FileRecord, why: string, cause?: unknown): LeadEtlError {
  return new LeadEtlError(
    'UPLOAD_UNCERTAIN',
    `cannot tell whether Lead received ${file.name}: ${why}. Ask Lead whether it holds ${file.name} (sha256 ${file.sha256}); ` +
      `if it does, \`lead-etl mark-uploaded --date ${file.fileDate} --file ${file.fileType}\`; if not, \`lead-etl abandon --date ${file.fileDate} --files ${file.fileType} --reason ...\` and run again`,
    cause === undefined ? undefined : { cause },
  );
}
