import { type DateRow, type StatusPicture } from './status-picture.js';
import { cellLabel, STATE_STYLES, type Paint } from './status-grid.js';

/** `lead-etl status --date T`: each workflow's state and what it waits for, then every file version. */
export function formatDateDetail(picture: StatusPicture, row: DateRow, paint: Paint): string {
  const out: string[] = [];
  out.push(`${row.fileDate}: ${row.validated ? paint('green', 'validated') : 'not validated'}${row.rejected ? paint(['red', 'bold'], ', a file was rejected') : ''}` +
    `${row.late ? paint(['red', 'bold'], ', late') : ''}; Lead's deadline ${row.deadline.replace(/\.\d+/, '')}`);
  for (const cell of row.cells) {
    out.push('', `${cell.title}: ${paint(STATE_STYLES[cell.state], cellLabel(cell))}${cell.problems ? ` (${cell.problems} problem(s) in the last run)` : ''}`);
    if (cell.waitingFor) out.push(`  ${cell.waitingFor}`);
    if (cell.files.length === 0) {
      out.push('  no file built yet');
      continue;
    }
    const header = ['FILE', 'STATUS', 'ROWS', 'BYTES', 'SHA256', 'UPLOADED AT (UTC)', "LEAD'S ANSWER"];
    const lines = cell.files.map((f) => [
      f.name, f.status, String(f.rows), String(f.bytes), f.sha256.slice(0, 12),
      f.uploadedAt ? f.uploadedAt.replace(/\.\d+Z$/, 'Z') : '-',
      f.answer ? `${f.answer.outcome}${f.answer.source ? ` (${f.answer.source})` : ''}${f.answer.text ? `: ${f.answer.text}` : ''}` : '-',
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
    const render = (cells: string[]) => `  ${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`.trimEnd();
    out.push(render(header), ...lines.map(render));
  }
  const late = picture.lateEntries.filter((e) => e.belongsToFileDate === row.fileDate);
  if (late.length > 0) {
    out.push('', `Late entries of ${row.fileDate} (reached the ledger after it was sent; not put in any other day): ${late.length}`);
    for (const e of late) out.push(`  ${e.fileType}  ${e.recordId}  found ${e.detectedAt.replace(/\.\d+Z$/, 'Z')}`);
  }
  return `${out.join('\n')}\n`;
}
