import type { Clock } from '../core/clock.js';
import type { Database } from '../core/database.js';
import { LeadEtlError } from '../core/errors.js';
import type { FileDate } from '../core/file-date.js';
import { filesForDate, liveFile, recordAcknowledgement, type FileRecord } from '../load/state/state-store.js';
import { fileTypeById } from '../transform/file-types/registry.js';
import type { JobHooks } from './job-context.js';
import { WORKFLOWS } from '../core/workflows.js';
import type { PipelineConfig } from './pipeline-config.js';

/** `ack --file` and `--workflow` must name what the program sends: a typo is a usage error listing the valid values. */
export function checkAckSelection(config: Pick<PipelineConfig, 'program'>, selection: { file?: string; workflow?: string }): void {
  const outbound = config.program.files.filter((t) => (t.spec.direction ?? 'outbound') === 'outbound');
  if (selection.workflow !== undefined) {
    const sent = WORKFLOWS.filter((w) => outbound.some((t) => t.spec.workflow === w));
    if (!(sent as readonly string[]).includes(selection.workflow)) {
      throw new LeadEtlError('USAGE', `--workflow ${selection.workflow} is not a workflow this program sends (${sent.join(', ')})`);
    }
  }
  for (const id of (selection.file ?? '').split(',').map((t) => t.trim()).filter(Boolean)) {
    if (!outbound.some((t) => t.spec.id === id)) {
      throw new LeadEtlError('USAGE', `--file ${id} is not a file type this program sends (${outbound.map((t) => t.spec.id).join(', ')})`);
    }
  }
}

/**
 * Records Lead's verdict on the uploaded files of a date, one acknowledgement per workflow, with where
 * it came from (an operator's `lead-etl ack`, Lead's Slack channel, or the local sandbox's channel).
 */
export async function acknowledgeDate(
  state: Database,
  clock: Clock,
  fileDate: FileDate,
  ack: { outcome: 'validated' | 'rejected'; source: string; note?: string; fileTypes?: readonly string[] },
  hooks?: JobHooks,
): Promise<FileRecord[]> {
  const files = await filesForDate(state.db, fileDate);
  const types = [...new Set(files.map((f) => f.fileType))].filter((type) => !ack.fileTypes || ack.fileTypes.includes(type));
  const uploaded = types.map((type) => liveFile(files, type)).filter((f): f is FileRecord => f?.status === 'uploaded');
  if (uploaded.length === 0) {
    throw new LeadEtlError('NOT_ACKNOWLEDGED', `no uploaded file of ${fileDate} is waiting for Lead's answer (lead-etl status --date ${fileDate})`);
  }
  const moved: FileRecord[] = [];
  const workflows = [...new Set(uploaded.map((f) => fileTypeById(f.fileType).workflow))];
  for (const workflow of workflows) {
    const group = uploaded.filter((f) => fileTypeById(f.fileType).workflow === workflow);
    const { fileTypes: _only, ...verdict } = ack;
    moved.push(...(await recordAcknowledgement(state.db, { fileDate, workflow, ...verdict, ...(group.length === 1 ? { fileName: group[0]!.name } : {}) }, group, clock,
      () => hooks?.phase?.('acknowledge', { fileDate }))));
  }
  return moved;
}
