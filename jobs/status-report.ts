import type { FileRecord } from '../load/state/state-store.js';
import type { LateEntry } from '../load/state/submitted-records.js';

/** The `status` table: one line per file version, oldest date first. */
export function formatStatusTable(files: readonly FileRecord[]): string {
  if (files.length === 0) return 'No files recorded yet.\n';
  const header = ['DATE', 'FILE TYPE', 'VER', 'STATUS', 'ROWS', 'BYTES', 'SHA256', 'UPLOADED AT (UTC)', 'REMOTE PATH'];
  const lines = files.map((f) => [
    f.fileDate, f.fileType, `V${f.version}`, f.status, String(f.rows), String(f.bytes), f.sha256.slice(0, 12),
    f.uploadedAt ? f.uploadedAt.replace(/\.\d+Z$/, 'Z') : '-', f.remotePath,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [render(header), ...lines.map(render)].join('\n') + '\n';
}

/** Late entries nobody has resolved yet; empty when there are none. */
export function formatLateEntries(late: readonly (LateEntry & { detectedAt: string })[]): string {
  if (late.length === 0) return '';
  return `\nLate entries (activity of dates already sent, never put in another day): ${late.length}\n` +
    late.map((e) => `  ${e.fileType}  ${e.recordId}  belongs to ${e.belongsToFileDate}  found ${e.detectedAt.replace(/\.\d+Z$/, 'Z')}`).join('\n') + '\n';
}
