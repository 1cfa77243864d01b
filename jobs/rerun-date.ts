import { LeadEtlError } from '../core/errors.js';
import type { FileDate } from '../core/file-date.js';
import { dateScope, withDateLock } from '../load/state/date-lock.js';
import { filesForDate, liveFile, moveFile, nextVersion, type FileRecord } from '../load/state/state-store.js';
import { fileName } from '../transform/program-file-types.js';
import { dailyBatchId } from './build-date-files.js';
import type { JobContext } from './job-context.js';
import { runFileDate, type RunResult } from './run-file-date.js';
import { assertDateSendable } from './sendable-date.js';

/**
 * `lead-etl rerun`: after Lead rejects a file (or when an operator must replace one), rebuild the named
 * file types of a date from the ledger as it is now and send them with the next version; the workflow's
 * other files stay as they were (Lead processes the new version with them). Refused for a workflow Lead
 * already validated: Lead accepts nothing more for it.
 */
export interface RerunPlan {
  readonly fileType: string;
  /** The version in play now, if any (rejected versions are not in play). */
  readonly current?: FileRecord;
  readonly nextName: string;
}

export async function planRerun(ctx: JobContext, fileDate: FileDate, only?: readonly string[]): Promise<RerunPlan[]> {
  const files = await filesForDate(ctx.state.db, fileDate);
  const outbound = ctx.config.program.files.filter((t) => (t.spec.direction ?? 'outbound') === 'outbound');
  for (const id of only ?? []) {
    if (!outbound.some((t) => t.spec.id === id)) {
      throw new LeadEtlError('USAGE', `--files: ${id} is not a file type this program sends (${outbound.map((t) => t.spec.id).join(', ')})`);
    }
  }
  const rejected = new Set(files.filter((f) => f.status === 'rejected').map((f) => f.fileType));
  const chosen = outbound.filter((t) => (only ? only.includes(t.spec.id) : rejected.has(t.spec.id) && !liveFile(files, t.spec.id)));
  if (chosen.length === 0) {
    throw new LeadEtlError('USAGE', `nothing to rerun for ${fileDate}: no file of it is rejected; name the files with --files to replace them anyway`);
  }
  const plans: RerunPlan[] = [];
  for (const type of chosen) {
    const workflow = type.spec.workflow;
    const validated = files.filter((f) => f.status === 'validated' && outbound.find((t) => t.spec.id === f.fileType)?.spec.workflow === workflow);
    if (validated.length > 0) {
      throw new LeadEtlError('OPERATION_REFUSED', `refused: Lead already validated the ${workflow} files of ${fileDate} (${validated.map((f) => f.name).join(', ')}) and accepts nothing more for them`);
    }
    const current = liveFile(files, type.spec.id);
    if (current && current.status !== 'uploaded') {
      throw new LeadEtlError('OPERATION_REFUSED', `refused: ${current.name} is ${current.status}; run \`lead-etl run --date ${fileDate}\` to finish it first`);
    }
    const version = await nextVersion(ctx.state.db, fileDate, type.spec.id);
    plans.push({
      fileType: type.spec.id,
      ...(current ? { current } : {}),
      nextName: fileName(type.spec.naming === 'batch' ? dailyBatchId(fileDate) : fileDate, type, version),
    });
  }
  return plans;
}

export async function rerunDate(ctx: JobContext, fileDate: FileDate, only?: readonly string[]): Promise<{ plans: RerunPlan[]; result: RunResult }> {
  assertDateSendable(ctx.config, ctx.clock.now(), fileDate);
  return withDateLock(ctx.state, dateScope(fileDate), async () => {
    const plans = await planRerun(ctx, fileDate, only);
    for (const plan of plans) {
      if (plan.current) {
        await moveFile(ctx.state.db, plan.current, 'uploaded', 'superseded', ctx.clock, { reason: 'replaced by an operator rerun' });
      }
    }
    return { plans, result: await runFileDate(ctx, fileDate, { rebuild: plans.map((p) => p.fileType) }) };
  });
}
