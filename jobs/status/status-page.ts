import { DateTime } from 'luxon';
import type { FileDate } from '../../core/file-date.js';
import { CELL_LABELS, CELL_STATES, type DateRow, type FileView, type StatusPicture, type WorkflowCell } from './status-picture.js';
import { cellLabel, streakLine } from './status-grid.js';

/**
 * `lead-etl status --html FILE`: one self-contained page (inline style and script, a Content Security
 * Policy that forbids any fetch) with a calendar of the program's dates, a row per workflow in each
 * day; late and rejected dates stand out, and each cell opens its files in a dialog: name, version,
 * rows, bytes, sha256, uploaded at, Lead's answer and its text. It can be mailed or archived as is.
 */
export function renderStatusPage(picture: StatusPicture): string {
  const generated = DateTime.fromISO(picture.generatedAt).setZone(picture.timeZone);
  const months = groupByMonth(picture.dates);
  const templates = picture.dates.flatMap((d) => d.cells.map((c) => cellTemplate(d, c, picture.timeZone)));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>lead-etl status: ${esc(picture.program)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>lead-etl status: ${esc(picture.program)}</h1>
<p class="meta">Profile ${esc(picture.profile)} · Day 0 ${esc(picture.day0 ?? 'not set')} · times in ${esc(picture.timeZone)} · generated ${esc(generated.toFormat('yyyy-LL-dd HH:mm ZZZZ'))} ·
Lead's answers ${picture.slackChannel ? `read from Slack channel ${esc(picture.slackChannel)}` : 'recorded by hand (no Slack channel configured)'}</p>
<p class="streak" data-streak="${picture.streak.days}">${esc(streakLine(picture))}</p>
<ul class="legend">${CELL_STATES.map((s) => `<li><span class="badge state-${s}">${esc(CELL_LABELS[s])}</span></li>`).join('')}<li><span class="badge late-badge">late</span> not in Lead's hands by 06:00 CT on T+1</li></ul>
</header>
<main>
${picture.dates.length === 0 ? '<p class="empty">No files recorded yet, and no Day 0 configured to count dates from.</p>' : months.map((m) => monthTable(m.month, m.dates)).join('\n')}
${lateEntries(picture)}
</main>
<dialog id="detail" aria-labelledby="detail-title">
<form method="dialog"><button class="close" value="close" aria-label="Close">Close</button></form>
<div id="detail-body"></div>
</dialog>
${templates.join('\n')}
<script>${SCRIPT}</script>
</body>
</html>
`;
}

const cellId = (date: FileDate, workflow: string) => `cell-${date}-${workflow}`;

function monthTable(month: string, dates: readonly DateRow[]): string {
  const byDate = new Map(dates.map((d) => [d.fileDate, d]));
  const first = DateTime.fromISO(`${month}-01`, { zone: 'UTC' });
  const days = first.daysInMonth!;
  const lead = first.weekday % 7; // Sunday first, as a US calendar
  const cells: string[] = [];
  for (let i = 0; i < lead; i += 1) cells.push('<td class="pad"></td>');
  for (let day = 1; day <= days; day += 1) {
    const date = first.set({ day }).toISODate() as FileDate;
    const row = byDate.get(date);
    cells.push(row ? dayCell(row) : `<td class="outside"><span class="num">${day}</span></td>`);
  }
  while (cells.length % 7 !== 0) cells.push('<td class="pad"></td>');
  const weeks: string[] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(`<tr>${cells.slice(i, i + 7).join('')}</tr>`);
  return `<section class="month" aria-label="${esc(first.toFormat('LLLL yyyy'))}">
<h2>${esc(first.toFormat('LLLL yyyy'))}</h2>
<table class="calendar"><thead><tr>${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].map((d) => `<th scope="col">${d}</th>`).join('')}</tr></thead>
<tbody>${weeks.join('\n')}</tbody></table>
</section>`;
}

function dayCell(row: DateRow): string {
  const classes = ['day', row.validated ? 'validated' : '', row.rejected ? 'rejected' : '', row.late ? 'late' : ''].filter(Boolean).join(' ');
  const flags = [row.rejected ? '<span class="flag rejected-flag">rejected</span>' : '', row.late ? '<span class="flag late-flag">late</span>' : ''].join('');
  const buttons = row.cells.map((c) => `<li><button type="button" class="cell state-${c.state}${c.late ? ' is-late' : ''}" data-cell="${cellId(row.fileDate, c.workflow)}" data-state="${c.state}" aria-haspopup="dialog" title="${esc(c.waitingFor ?? cellLabel(c))}"><span class="wf">${esc(c.title)}</span> <span class="state">${esc(cellLabel(c))}</span></button></li>`);
  return `<td class="${classes}" data-date="${row.fileDate}"><div class="date"><span class="num">${Number(row.fileDate.slice(8))}</span> <span class="iso">${row.fileDate}</span>${flags}</div>
<ul class="cells">${buttons.join('')}</ul>${row.waitingFor && !row.validated ? `<p class="waiting">${esc(row.waitingFor)}</p>` : ''}</td>`;
}

function cellTemplate(row: DateRow, cell: WorkflowCell, timeZone: string): string {
  const files = cell.files.length === 0
    ? '<p>No file built yet.</p>'
    : `<table class="files"><thead><tr><th>File</th><th>Version</th><th>Status</th><th>Rows</th><th>Bytes</th><th>sha256</th><th>Uploaded at</th><th>Lead's answer</th><th>Lead's text</th></tr></thead>
<tbody>${cell.files.map(fileRow).join('\n')}</tbody></table>`;
  return `<template id="${cellId(row.fileDate, cell.workflow)}">
<h2 id="detail-title">${row.fileDate} · ${esc(cell.title)}: <span class="badge state-${cell.state}">${esc(cellLabel(cell))}</span></h2>
<p class="deadline">Lead's deadline ${esc(DateTime.fromISO(row.deadline).setZone(timeZone).toFormat('yyyy-LL-dd HH:mm ZZZZ'))}${cell.late ? ' — <strong class="late-text">late</strong>' : ''}</p>
${cell.waitingFor ? `<p class="waiting">${esc(cell.waitingFor)}</p>` : ''}
${cell.problems ? `<p class="problems">The last run found ${cell.problems} problem(s) in these files: <code>lead-etl status --date ${row.fileDate}</code>.</p>` : ''}
${files}
</template>`;
}

function fileRow(f: FileView): string {
  const answer = f.answer ? `${esc(f.answer.outcome)}${f.answer.source ? ` (${esc(f.answer.source)})` : ''}${f.answer.at ? `<br><small>${esc(f.answer.at.replace(/\.\d+Z$/, 'Z'))}</small>` : ''}` : '—';
  return `<tr class="status-${f.status}"><td class="name">${esc(f.name)}${f.batchId ? ` <small>batch ${esc(f.batchId)}</small>` : ''}</td><td>V${f.version}</td><td>${esc(f.status)}</td><td class="n">${f.rows}</td><td class="n">${f.bytes}</td>` +
    `<td class="sha">${esc(f.sha256)}</td><td>${f.uploadedAt ? esc(f.uploadedAt.replace(/\.\d+Z$/, 'Z')) : '—'}</td><td>${answer}</td><td class="text">${f.answer?.text ? esc(f.answer.text) : '—'}</td></tr>`;
}

function lateEntries(picture: StatusPicture): string {
  if (picture.lateEntries.length === 0) return '';
  return `<section class="late-entries"><h2>Late entries: ${picture.lateEntries.length}</h2>
<p>Activity of dates already sent, never put in another day; resolve each with Lead.</p>
<table class="files"><thead><tr><th>File type</th><th>Record</th><th>Belongs to</th><th>Found</th></tr></thead><tbody>
${picture.lateEntries.map((e) => `<tr><td>${esc(e.fileType)}</td><td>${esc(e.recordId)}</td><td>${esc(e.belongsToFileDate)}</td><td>${esc(e.detectedAt)}</td></tr>`).join('\n')}
</tbody></table></section>`;
}

function groupByMonth(dates: readonly DateRow[]): { month: string; dates: DateRow[] }[] {
  const months: { month: string; dates: DateRow[] }[] = [];
  for (const d of dates) {
    const month = d.fileDate.slice(0, 7);
    if (months.at(-1)?.month !== month) months.push({ month, dates: [] });
    months.at(-1)!.dates.push(d);
  }
  return months;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
:root { font-family: system-ui, sans-serif; color: #1d2430; background: #f6f7f9; }
body { margin: 1.5rem; }
h1 { font-size: 1.4rem; margin: 0 0 .3rem; }
.meta { color: #555; margin: 0 0 .4rem; }
.streak { font-weight: 600; }
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4rem; }
.badge, .cell { border-radius: 4px; padding: .1rem .35rem; border: 1px solid transparent; font-size: .8rem; }
.calendar { border-collapse: collapse; table-layout: fixed; width: 100%; background: #fff; }
.calendar th { font-weight: 600; padding: .3rem; border-bottom: 1px solid #ccd; }
.calendar td { vertical-align: top; border: 1px solid #dde; padding: .3rem; height: 6rem; }
td.outside, td.pad { background: #f0f1f4; color: #aaa; }
td.day.validated { background: #f3fbf4; }
td.day.late, td.day.rejected { outline: 3px solid #c62828; outline-offset: -3px; background: #fff4f4; }
.date { display: flex; gap: .3rem; align-items: baseline; margin-bottom: .2rem; }
.num { font-weight: 700; }
.iso { color: #777; font-size: .75rem; }
.flag { font-size: .7rem; font-weight: 700; text-transform: uppercase; color: #fff; background: #c62828; border-radius: 3px; padding: 0 .25rem; }
.cells { list-style: none; margin: 0; padding: 0; display: grid; gap: .15rem; }
.cell { width: 100%; text-align: left; cursor: pointer; display: flex; justify-content: space-between; gap: .3rem; }
.cell .state { font-weight: 600; }
.cell.is-late { box-shadow: inset 0 0 0 2px #c62828; }
.waiting { font-size: .72rem; color: #5a4a00; margin: .2rem 0 0; }
.state-not-due { background: #eceff1; color: #607d8b; }
.state-due, .state-built { background: #fff8e1; color: #7a5a00; border-color: #f0d27a; }
.state-uploading, .state-uploaded { background: #e3f2fd; color: #0d47a1; border-color: #90caf9; }
.state-validated { background: #e8f5e9; color: #1b5e20; border-color: #a5d6a7; }
.state-rejected { background: #c62828; color: #fff; }
.state-operator { background: #6a1b9a; color: #fff; }
.late-badge { background: #fff; color: #c62828; border: 2px solid #c62828; }
dialog { max-width: min(96vw, 80rem); border: 1px solid #99a; border-radius: 6px; }
dialog::backdrop { background: rgba(20, 24, 32, .45); }
.close { float: right; }
.files { border-collapse: collapse; font-size: .85rem; width: 100%; }
.files th, .files td { border: 1px solid #dde; padding: .25rem .4rem; text-align: left; vertical-align: top; }
.files td.n { text-align: right; }
.files td.sha { font-family: ui-monospace, monospace; font-size: .72rem; word-break: break-all; max-width: 16rem; }
.files tr.status-rejected td { background: #fff0f0; }
.late-text { color: #c62828; }
section.month { margin-bottom: 1.5rem; }
`;

// Opens a cell's files: its <template> is copied into the dialog (nothing is fetched).
const SCRIPT = `
document.addEventListener('click', function (event) {
  var button = event.target.closest ? event.target.closest('button.cell') : null;
  if (!button) return;
  var template = document.getElementById(button.getAttribute('data-cell'));
  var body = document.getElementById('detail-body');
  body.replaceChildren(template.content.cloneNode(true));
  document.getElementById('detail').showModal();
});
`;
