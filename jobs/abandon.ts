import { userInfo } from 'node:os';
import { LeadEtlError } from '../core/errors.js';
import type { FileDate } from '../core/file-date.js';
import { dateScope, withDateLock } from '../load/state/date-lock.js';
import { filesForDate, finishRun, liveFile, moveFile, newRunId, startRun, type FileRecord } from '../load/state/state-store.js';
import type { JobContext } from './job-context.js';

/**
 * `lead-etl abandon`: discard versions of a date that never reached Lead, recording who and why, so the
 * next run rebuilds them from the ledger under the next version. Built and uploading versions (the bytes
 * went at most to a temporary name) go without more ado; a version caught mid-rename (Lead may have it)
 * only when named with --files, once a person has checked with Lead that it did not arrive. A version
 * Lead has (uploaded, validated) is never abandoned: `lead-etl rerun --files` replaces it.
 */
export interface AbandonResult {
  readonly fileDate: FileDate;
  readonly abandoned: readonly FileRecord[];
  readonly by: string;
  readonly reason: string;
}

export function operatorName(by?: string): string {
  if (by && by.trim()) return by.trim();
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

export async function abandonVersions(
  ctx: Pick<JobContext, 'config' | 'state' | 'clock'>,
  args: { readonly fileDate: FileDate; readonly fileTypes?: readonly string[]; readonly reason: string; readonly by?: string },
): Promise<AbandonResult> {
  const reason = args.reason.trim();
  if (!reason) throw new LeadEtlError('USAGE', '--reason TEXT is required: say why these versions are discarded');
  const outbound = ctx.config.program.files.filter((t) => (t.spec.direction ?? 'outbound') === 'outbound').map((t) => t.spec.id);
  for (const id of args.fileTypes ?? []) {
    if (!outbound.includes(id)) throw new LeadEtlError('USAGE', `--files: ${id} is not a file type this program sends (${outbound.join(', ')})`);
  }
  const by = operatorName(args.by);
  return withDateLock(ctx.state, dateScope(args.fileDate), async () => {
    const files = await filesForDate(ctx.state.db, args.fileDate);
    const chosen: FileRecord[] = [];
    if (args.fileTypes) {
      for (const id of args.fileTypes) {
        const live = liveFile(files, id);
        if (!live) throw new LeadEtlError('OPERATION_REFUSED', `refused: ${id} has no version in play for ${args.fileDate}; nothing to abandon (lead-etl status --date ${args.fileDate})`);
        if (live.status === 'uploaded' || live.status === 'validated') {
          throw new LeadEtlError('OPERATION_REFUSED', `refused: Lead has ${live.name} (${live.status}); a version Lead received is never abandoned: \`lead-etl rerun --date ${args.fileDate} --files ${id}\` replaces it`);
        }
        chosen.push(live);
      }
    } else {
      const inPlay = outbound.map((id) => liveFile(files, id)).filter((f): f is FileRecord => Boolean(f));
      const renaming = inPlay.filter((f) => f.status === 'renaming');
      if (renaming.length > 0) {
        throw new LeadEtlError('OPERATION_REFUSED', `refused: ${renaming.map((f) => f.name).join(', ')} may have reached Lead (stopped during the rename); check with Lead, then name it with --files to abandon it`);
      }
      chosen.push(...inPlay.filter((f) => f.status === 'built' || f.status === 'uploading'));
      if (chosen.length === 0) throw new LeadEtlError('OPERATION_REFUSED', `refused: no version of ${args.fileDate} is waiting to be sent; nothing to abandon (lead-etl status --date ${args.fileDate})`);
    }
    const runId = newRunId(ctx.clock);
    await startRun(ctx.state.db, { runId, command: 'abandon', fileDate: args.fileDate }, ctx.clock);
    const abandoned = await ctx.state.db.transaction().execute(async (trx) => {
      const moved: FileRecord[] = [];
      for (const file of chosen) moved.push(await moveFile(trx, file, file.status, 'abandoned', ctx.clock, { reason: `abandoned by ${by}: ${reason}`, changedBy: by }));
      return moved;
    });
    await finishRun(ctx.state.db, runId, 'ok', `${by} abandoned ${abandoned.map((f) => f.name).join(', ')}: ${reason}`, ctx.clock);
    return { fileDate: args.fileDate, abandoned, by, reason };
  });
}
