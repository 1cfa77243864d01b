import { copyFile, readFile } from 'node:fs/promises';
import { basename, posix } from 'node:path';
import { LeadEtlError } from '../core/errors.js';
import type { FileDate } from '../core/file-date.js';
import { archiveFile, buildingPath, sha256OfFile } from '../load/archive.js';
import { dateScope, withDateLock } from '../load/state/date-lock.js';
import { filesForDate, liveFile, moveFile, newRunId, nextVersion, recordBuiltFiles, startRun, finishRun, type FileRecord } from '../load/state/state-store.js';
import { operatorName } from './abandon.js';
import { assertDateSendable } from './sendable-date.js';
import { recordSubmittedRows } from '../load/state/submitted-records.js';
import { dailyBatchId } from './build-date-files.js';
import type { JobContext } from './job-context.js';

/**
 * `lead-etl mark-uploaded`: Lead has a file that the state store does not count as delivered.
 * - With --path: an operator sent a file to Lead by hand. Recording it (archived, with its checksum, and
 *   the rows it carried) keeps the pipeline from sending that content again and from reusing its version
 *   number.
 * - Without --path: the version in play, which an interrupted upload left waiting (UPLOAD_UNCERTAIN), is
 *   confirmed as received after a person checked with Lead.
 */
export async function markUploaded(
  ctx: JobContext,
  args: { fileDate: FileDate; fileType: string; localPath?: string; sha256?: string; note?: string; by?: string },
): Promise<FileRecord> {
  const outbound = ctx.config.program.files.filter((t) => (t.spec.direction ?? 'outbound') === 'outbound');
  const type = outbound.find((t) => t.spec.id === args.fileType);
  if (!type) throw new LeadEtlError('USAGE', `--file: ${args.fileType} is not a file type this program sends (${outbound.map((t) => t.spec.id).join(', ')})`);
  assertDateSendable(ctx.config, ctx.clock.now(), args.fileDate);
  return withDateLock(ctx.state, dateScope(args.fileDate), () => (args.localPath === undefined ? confirmReceived(ctx, type.spec.id, args) : recordHandUpload(ctx, type, { ...args, localPath: args.localPath })));
}

async function confirmReceived(ctx: JobContext, fileType: string, args: { fileDate: FileDate; note?: string; by?: string }): Promise<FileRecord> {
  const live = liveFile(await filesForDate(ctx.state.db, args.fileDate), fileType);
  if (!live || !['built', 'uploading', 'renaming'].includes(live.status)) {
    throw new LeadEtlError('OPERATION_REFUSED', `refused: ${live ? `${live.name} is ${live.status}` : `${fileType} has no version in play for ${args.fileDate}`}; without --path only a version waiting to be sent can be confirmed as received`);
  }
  const by = operatorName(args.by);
  const reason = `confirmed received by Lead, by ${by}${args.note ? `: ${args.note}` : ''}`;
  const runId = newRunId(ctx.clock);
  await startRun(ctx.state.db, { runId, command: 'mark-uploaded', fileDate: args.fileDate }, ctx.clock);
  let current = live;
  if (current.status === 'built') current = await moveFile(ctx.state.db, current, 'built', 'uploading', ctx.clock, { reason, changedBy: by });
  const uploaded = await moveFile(ctx.state.db, current, current.status, 'uploaded', ctx.clock, { reason, changedBy: by });
  await finishRun(ctx.state.db, runId, 'ok', `recorded ${uploaded.name} as received by Lead (${by})`, ctx.clock);
  return uploaded;
}

async function recordHandUpload(
  ctx: JobContext,
  type: JobContext['config']['program']['files'][number],
  args: { fileDate: FileDate; fileType: string; localPath: string; sha256?: string; note?: string; by?: string },
): Promise<FileRecord> {
  const name = basename(args.localPath);
  const prefix = type.spec.naming === 'batch' ? dailyBatchId(args.fileDate) : args.fileDate;
  const versionPattern = type.versionFormat.replace(/\{n(?::\d)?\}/, '(\\d+)');
  const match = new RegExp(`^${escape(`${prefix}_${type.spec.token}_`)}${versionPattern}\\.csv$`).exec(name);
  if (!match) {
    throw new LeadEtlError('USAGE', `${name} is not named like a ${type.spec.id} file of ${args.fileDate} (${prefix}_${type.spec.token}_${type.versionFormat.replace(/\{n(?::\d)?\}/, 'N')}.csv)`);
  }
  const version = Number(match[1]);
  const sha256 = await sha256OfFile(args.localPath);
  if (args.sha256 && args.sha256.toLowerCase() !== sha256) {
    throw new LeadEtlError('ARCHIVE_CORRUPT', `${args.localPath} has sha256 ${sha256}, not the ${args.sha256} given: it is not the file that was sent`);
  }
  const files = await filesForDate(ctx.state.db, args.fileDate);
  const live = liveFile(files, type.spec.id);
  if (live) throw new LeadEtlError('OPERATION_REFUSED', `${live.name} is ${live.status} for ${args.fileDate}; only a file sent after a rejection can be recorded by hand`);
  const next = await nextVersion(ctx.state.db, args.fileDate, type.spec.id);
  if (version < next) throw new LeadEtlError('OPERATION_REFUSED', `version ${version} of ${type.spec.id} for ${args.fileDate} is already used; a version number is never reused (next: ${next})`);

  const runId = newRunId(ctx.clock);
  await startRun(ctx.state.db, { runId, command: 'mark-uploaded', fileDate: args.fileDate }, ctx.clock);
  const copy = await buildingPath(ctx.config.archive.dir, name);
  await copyFile(args.localPath, copy);
  const content = await readFile(copy);
  const rows = Math.max(0, content.toString('utf8').split('\n').filter((line) => line !== '').length - 1);
  const archivePath = await archiveFile({ archiveDir: ctx.config.archive.dir, fileDate: args.fileDate, name, builtPath: copy, sha256 });
  const [built] = await recordBuiltFiles(ctx.state.db, runId, [{
    fileDate: args.fileDate, fileType: type.spec.id, version, name, sha256, rows, bytes: content.length, archivePath,
    remotePath: posix.join(ctx.config.sftp?.remoteRoot ?? '/', type.spec.folder, name),
  }], ctx.clock, async (trx, records) => {
    await recordSubmittedRows(trx, records[0]!, type.spec, []);
  });
  const by = operatorName(args.by);
  const reason = `uploaded by hand by ${by}${args.note ? `: ${args.note}` : ''}`;
  const uploading = await moveFile(ctx.state.db, built!, 'built', 'uploading', ctx.clock, { reason, changedBy: by });
  const uploaded = await moveFile(ctx.state.db, uploading, 'uploading', 'uploaded', ctx.clock, { reason, changedBy: by });
  await finishRun(ctx.state.db, runId, 'ok', `recorded ${name} as uploaded by hand`, ctx.clock);
  return uploaded;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
