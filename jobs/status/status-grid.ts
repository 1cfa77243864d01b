import type { styleText } from 'node:util';
import { CELL_LABELS, type CellState, type StatusPicture, type WorkflowCell } from './status-picture.js';

/**
 * `lead-etl status` for a person: one line per date, one column per workflow, each cell its state
 * (in colour on a terminal), then what the date waits for, the go-live streak and open late entries.
 */
export type Style = Parameters<typeof styleText>[0];
export type Paint = (style: Style, text: string) => string;

export const STATE_STYLES: Readonly<Record<CellState, Style>> = {
  'not-due': 'gray',
  due: 'yellow',
  built: 'yellow',
  uploading: 'cyan',
  uploaded: 'cyan',
  validated: 'green',
  rejected: ['red', 'bold'],
  operator: ['magenta', 'bold'],
};

export function cellLabel(cell: Pick<WorkflowCell, 'state' | 'late'>): string {
  return `${CELL_LABELS[cell.state]}${cell.late ? ', late' : ''}`;
}

export function formatStatusGrid(picture: StatusPicture, options: { paint: Paint; shownFrom?: number }): string {
  const { paint } = options;
  const out: string[] = [];
  out.push(`${picture.program} (profile ${picture.profile}), Day 0 ${picture.day0 ?? 'not set (program.firstFileDate): the first date sent'}; ` +
    `Lead's answers ${picture.slackChannel ? `read from Slack channel ${picture.slackChannel}` : 'recorded by hand (no Slack channel configured)'}`);
  if (picture.dates.length === 0) {
    out.push('No files recorded yet, and no Day 0 configured to count dates from.');
    return `${out.join('\n')}\n`;
  }
  const header = ['DATE', ...picture.workflows.map((w) => w.title.toUpperCase()), 'WAITING FOR'];
  const rows = picture.dates.map((d) => [d.fileDate, ...d.cells.map(cellLabel), d.waitingFor ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const pad = (text: string, i: number) => (i === header.length - 1 ? text : text.padEnd(widths[i]!));
  out.push(header.map(pad).join('  ').trimEnd());
  picture.dates.forEach((d, r) => {
    const texts = rows[r]!;
    // Nothing after the last cell with text, so a line never ends in padding (painted or not).
    let last = texts.length - 1;
    while (last > 0 && texts[last] === '') last -= 1;
    const cells = texts.slice(0, last + 1).map((text, i) => {
      const padded = i === last ? text : pad(text, i);
      if (i === 0) return d.rejected || d.late ? paint('bold', padded) : padded;
      const cell = d.cells[i - 1];
      if (!cell) return padded;
      return paint(cell.late && cell.state !== 'validated' ? ['red', 'bold'] : STATE_STYLES[cell.state], padded);
    });
    out.push(cells.join('  '));
  });
  out.push('');
  out.push(streakLine(picture));
  if (options.shownFrom) out.push(`(${options.shownFrom} earlier date(s) not shown: --from DATE, or --html FILE for the whole calendar)`);
  if (picture.lateEntries.length > 0) {
    out.push('', `Late entries (activity of dates already sent, never put in another day): ${picture.lateEntries.length}`);
    for (const e of picture.lateEntries) out.push(`  ${e.fileType}  ${e.recordId}  belongs to ${e.belongsToFileDate}  found ${e.detectedAt.replace(/\.\d+Z$/, 'Z')}`);
  }
  return `${out.join('\n')}\n`;
}

export function streakLine(picture: StatusPicture): string {
  const { days, goal, through } = picture.streak;
  const left = Math.max(0, goal - days);
  return `Streak: ${days} consecutive validated date(s)${through ? ` through ${through}` : ''}; Lead asks for ${goal} before go-live` +
    (left === 0 ? ' (reached).' : `, ${left} to go (a rejected date restarts the count).`);
}

/** The last `count` dates of the picture, and how many earlier ones were left out. */
export function lastDates(picture: StatusPicture, count: number): { picture: StatusPicture; hidden: number } {
  const hidden = Math.max(0, picture.dates.length - count);
  return { picture: { ...picture, dates: picture.dates.slice(hidden) }, hidden };
}
