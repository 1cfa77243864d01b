import { relative } from 'node:path';
import type { ValidationReport } from '../transform/validation/finding.js';

/**
 * `lead-etl validate` output for a person: one line per finding (file, line, column, rule, message),
 * then what did not run and why, then the count. Paths are shown relative to the working folder when
 * they are under it, so the table stays readable.
 */
export function formatValidationTable(report: ValidationReport, cwd: string = process.cwd()): string {
  const show = (path: string) => (path.startsWith(cwd) ? relative(cwd, path) : path);
  const rows = report.findings.map((f) => [show(f.file), f.line === 0 ? '-' : String(f.line), f.column || '-', f.rule, f.message]);
  const out: string[] = [];
  if (rows.length > 0) {
    const header = ['FILE', 'LINE', 'COLUMN', 'RULE', 'MESSAGE'];
    const widths = header.slice(0, 4).map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => cells.map((cell, i) => (i < 4 ? cell.padEnd(widths[i]!) : cell)).join('  ');
    out.push(line(header), ...rows.map(line), '');
  }
  const notes = report.files.flatMap((f) => f.notes.map((note) => `  ${show(f.file)}: ${note}`));
  if (notes.length > 0) out.push('Notes:', ...notes, '');
  out.push(`${report.summary.files} file(s) checked, ${report.summary.errors} error(s)`);
  return out.join('\n') + '\n';
}

/** `--json`: the findings, what happened to each file, and the summary, for a machine. */
export function formatValidationJson(report: ValidationReport): string {
  return JSON.stringify({ findings: report.findings, files: report.files, summary: report.summary }, null, 2) + '\n';
}
