import { rm } from 'node:fs/promises';
import { posix } from 'node:path';
import { describeError, LeadEtlError } from '../core/errors.js';
import { activityWindow, addDays, type FileDate } from '../core/file-date.js';
import { loadPartnerQuery, streamPartnerRows, type PartnerQuery } from '../extract/partner-query.js';
import { archiveFile, buildingPath, verifyArchived } from '../load/archive.js';
import {
  filesForDate, finishRun, isDateValidated, listFiles, liveFile, moveFile, newRunId, nextVersion,
  recordBuiltFiles, recordProblems, startRun, type FileRecord, type NewFile,
} from '../load/state/state-store.js';
import type { FileTypeSpec, Workflow } from '../transform/file-type-spec.js';
import { fileTypeById } from '../transform/file-types/registry.js';
import { createRowMapper } from '../transform/map-row.js';
import type { RowProblem } from '../transform/row-problem.js';
import { writeLeadCsv, type WrittenFile } from '../transform/write-lead-csv.js';
import type { JobContext, RemoteStore } from './job-context.js';

/**
 * One file date, end to end: extract every due file type from one ledger snapshot, map and write them,
 * archive and record them, then upload them in Lead's order once the previous date is validated.
 * Running it again finishes what an earlier run left (an interrupted upload) and sends nothing twice.
 */
export const WORKFLOW_ORDER: readonly Workflow[] = ['customer', 'compliance', 'financial', 'sales'];

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
}

interface Build {
  readonly spec: FileTypeSpec;
  readonly path: string;
  readonly written: WrittenFile;
}

export async function runFileDate(ctx: JobContext, fileDate: FileDate, options: { upload?: boolean } = {}): Promise<RunResult> {
  const { config, clock } = ctx;
  const runId = newRunId(clock);
  const log = ctx.logger.child({ runId, fileDate });
  const stateDb = ctx.state.db;
  await startRun(stateDb, { runId, command: 'run', fileDate }, clock);

  let built: FileRecord[] = [];
  let uploaded: FileRecord[] = [];
  let problems: RowProblem[] = [];
  let problemCount = 0;
  const finish = async (outcome: RunOutcome, message: string): Promise<RunResult> => {
    await finishRun(stateDb, runId, outcome, message, clock);
    log.info({ outcome, built: built.length, uploaded: uploaded.length, problems: problemCount }, 'run finished');
    return { runId, fileDate, outcome, message, built, uploaded, problems, problemCount };
  };

  try {
    const specs = config.program.fileTypes.map(fileTypeById).sort(byWorkflow);
    const existing = await filesForDate(stateDb, fileDate);
    const due = specs.filter((spec) => !liveFile(existing, spec.id));
    if (due.length > 0) {
      const outcome = await buildAndArchive(ctx, runId, fileDate, due);
      built = outcome.built;
      problems = outcome.problems;
      problemCount = outcome.problemCount;
      if (problemCount > 0) {
        await recordProblems(stateDb, runId, fileDate, problems);
        const failed = [...new Set(problems.map((p) => fileTypeById(p.fileType).workflow))];
        return finish('failed', `${problemCount} problem(s) in the ${failed.join(', ')} files of ${fileDate}; nothing of ${failed.join(', ')} (or any later workflow) was archived or sent. Fix the ledger rows or the query, then run again.`);
      }
    } else {
      log.info({ files: existing.length }, 'every file of the date is already built');
    }

    if (options.upload === false) return finish('ok', `built ${built.length} file(s); upload skipped`);

    const gate = await previousDateGate(ctx, fileDate);
    if (gate) return finish('waiting', gate);

    uploaded = await uploadDue(ctx, fileDate, specs, log);
    const message = uploaded.length > 0
      ? `uploaded ${uploaded.length} file(s) for ${fileDate}`
      : `nothing to send for ${fileDate}: its ${specs.length} file(s) were already sent`;
    return finish('ok', message);
  } catch (error) {
    log.error({ err: { code: (error as LeadEtlError).code, message: describeError(error) } }, 'run failed');
    await finish('failed', describeError(error)).catch(() => undefined);
    throw error;
  }
}

const byWorkflow = (a: FileTypeSpec, b: FileTypeSpec) => WORKFLOW_ORDER.indexOf(a.workflow) - WORKFLOW_ORDER.indexOf(b.workflow);

async function buildAndArchive(ctx: JobContext, runId: string, fileDate: FileDate, specs: readonly FileTypeSpec[]) {
  const { config, clock } = ctx;
  const window = activityWindow(fileDate, config.program.timeZone);
  const queries = new Map<string, PartnerQuery>();
  for (const spec of specs) queries.set(spec.id, await loadPartnerQuery(config.queries.dir, spec));
  const generatedAt = clock.now().setZone(config.format.timestampZone).toISO({ suppressMilliseconds: true })!;

  // One REPEATABLE READ, READ ONLY transaction: every file of the date sees the same ledger, so the day's
  // balances and transactions agree even while the ledger keeps posting. Nothing touches the state store
  // inside it (on PGlite the two may share one connection).
  const builds: Build[] = [];
  try {
    await ctx.ledger.db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(async (trx) => {
      for (const spec of specs) {
        const query = queries.get(spec.id)!;
        const path = await buildingPath(config.archive.dir, `${fileDate}_${spec.token}`);
        const mapRow = createRowMapper(spec, { generatedAt, timestampZone: config.format.timestampZone, programCurrency: config.program.currency, excessPrecision: config.format.excessPrecision }, query.path);
        builds.push({ spec, path, written: await writeLeadCsv({ spec, path, mapRow, rows: streamPartnerRows(ctx.ledger, trx, query, window, config.queries.fetchSize) }) });
        const last = builds.at(-1)!;
        ctx.logger.info({ runId, fileDate, fileType: spec.id, rows: last.written.rows, bytes: last.written.bytes, problems: last.written.problemCount }, 'file built');
      }
    });
  } catch (error) {
    await Promise.all(builds.map((b) => rm(b.path, { force: true })));
    throw error;
  }

  // A workflow with a problem sends nothing, and neither does any workflow after it (Lead needs the
  // earlier objects first).
  const failedAt = Math.min(...builds.filter((b) => b.written.problemCount > 0).map((b) => WORKFLOW_ORDER.indexOf(b.spec.workflow)));
  const keep = builds.filter((b) => WORKFLOW_ORDER.indexOf(b.spec.workflow) < failedAt);
  await Promise.all(builds.filter((b) => !keep.includes(b)).map((b) => rm(b.path, { force: true })));

  const built: FileRecord[] = [];
  for (const workflow of WORKFLOW_ORDER) {
    const group = keep.filter((b) => b.spec.workflow === workflow);
    if (group.length === 0) continue;
    const records: NewFile[] = [];
    for (const { spec, path, written } of group) {
      const version = await nextVersion(ctx.state.db, fileDate, spec.id);
      const name = `${fileDate}_${spec.token}_V${version}.csv`;
      const archivePath = await archiveFile({ archiveDir: config.archive.dir, fileDate, name, builtPath: path, sha256: written.sha256 });
      const folder = config.sftp?.folders[spec.id] ?? spec.folder;
      records.push({ fileDate, fileType: spec.id, version, name, sha256: written.sha256, rows: written.rows, bytes: written.bytes, archivePath, remotePath: posix.join(config.sftp?.remoteRoot ?? '/', folder, name) });
    }
    built.push(...(await recordBuiltFiles(ctx.state.db, runId, records, clock)));
  }
  const problems = builds.flatMap((b) => b.written.problems);
  return { built, problems, problemCount: builds.reduce((sum, b) => sum + b.written.problemCount, 0) };
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

async function uploadDue(ctx: JobContext, fileDate: FileDate, specs: readonly FileTypeSpec[], log: JobContext['logger']): Promise<FileRecord[]> {
  const files = await filesForDate(ctx.state.db, fileDate);
  const due = specs.map((spec) => liveFile(files, spec.id)).filter((f): f is FileRecord => f?.status === 'built' || f?.status === 'uploading');
  if (due.length === 0) return [];
  const remote = await ctx.connectRemote();
  const uploaded: FileRecord[] = [];
  try {
    for (const file of due) uploaded.push(await uploadOne(ctx, remote, file, log));
  } finally {
    await remote.close();
  }
  return uploaded;
}

async function uploadOne(ctx: JobContext, remote: RemoteStore, file: FileRecord, log: JobContext['logger']): Promise<FileRecord> {
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
