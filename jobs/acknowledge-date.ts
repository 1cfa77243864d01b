import type { Clock } from '../core/clock.js';
import type { Database } from '../core/database.js';
import { LeadEtlError } from '../core/errors.js';
import type { FileDate } from '../core/file-date.js';
import { filesForDate, liveFile, recordAcknowledgement, type FileRecord } from '../load/state/state-store.js';
import { fileTypeById } from '../transform/file-types/registry.js';

/**
 * Records Lead's verdict on the uploaded files of a date, one acknowledgement per workflow, with where
 * it came from (an operator, the demo's stand-in, later Slack or the sandbox).
 */
export async function acknowledgeDate(
  state: Database,
  clock: Clock,
  fileDate: FileDate,
  ack: { outcome: 'validated' | 'rejected'; source: string; note?: string; fileTypes?: readonly string[] },
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
    moved.push(...(await recordAcknowledgement(state.db, { fileDate, workflow, ...verdict, ...(group.length === 1 ? { fileName: group[0]!.name } : {}) }, group, clock)));
  }
  return moved;
}
