import { relative } from 'node:path';
import type { Finding, ValidationReport } from '../transform/validation/finding.js';

/**
 * `lead-etl validate` output for a person: the errors (what Lead would reject), then the warnings
 * (readings of Lead's docs Lead has not confirmed, which never stop anything), one line each with file,
 * line, column, rule and message; then what did not run and why, the checks the set could not make, and
 * the count. Paths are shown relative to the working folder when they are under it.
 */
export function formatValidationTable(report: ValidationReport, cwd: string = process.cwd()): string {
  const show = (path: string) => (path.startsWith(cwd) ? relative(cwd, path) : path);
  const out: string[] = [];
  const table = (title: string, findings: readonly Finding[]) => {
    if (findings.length === 0) return;
    const rows = findings.map((f) => [show(f.file), f.line === 0 ? '-' : String(f.line), f.column || '-', f.rule, f.message]);
    const header = ['FILE', 'LINE', 'COLUMN', 'RULE', 'MESSAGE'];
    // A loop, not Math.max(...rows): a spread of that many arguments overflows the stack past some 100k.
    const widths = header.slice(0, 4).map((h, i) => rows.reduce((width, r) => Math.max(width, r[i]!.length), h.length));
    const line = (cells: string[]) => cells.map((cell, i) => (i < 4 ? cell.padEnd(widths[i]!) : cell)).join('  ').trimEnd();
    out.push(...(title ? [title] : []), line(header), ...rows.map(line), '');
  };
  const errors = report.findings.filter((f) => f.severity === 'error');
  const warnings = report.findings.filter((f) => f.severity === 'warning');
  table(warnings.length > 0 && errors.length > 0 ? 'Errors (Lead rejects the file):' : '', errors);
  table('Warnings (a reading of Lead\'s docs Lead has not confirmed; nothing is rejected for it):', warnings);
  if (report.leftOut?.length) {
    out.push('Warnings not listed (each rule\'s first ones in a file are, above):', ...report.leftOut.map((l) => `  ${show(l.file)}: ${l.count} more of ${l.rule}`), '');
  }
  const notes = report.files.flatMap((f) => f.notes.map((note) => `  ${show(f.file)}: ${note}`));
  if (notes.length > 0) out.push('Notes:', ...notes, '');
  if (report.limits.length > 0) out.push('Not checked:', ...report.limits.map((limit) => `  ${limit}`), '');
  const leftOut = report.summary.warningsLeftOut ? ` (${report.summary.warningsLeftOut} not listed)` : '';
  out.push(`${report.summary.files} file(s) checked, ${report.summary.errors} error(s), ${report.summary.warnings} warning(s)${leftOut}`);
  return out.join('\n') + '\n';
}

/** `--json`: the findings (each with its severity), what happened to each file, the summary and the checks not made. */
export function formatValidationJson(report: ValidationReport): string {
  return JSON.stringify({ findings: report.findings, files: report.files, summary: report.summary, limits: report.limits, ...(report.leftOut ? { leftOut: report.leftOut } : {}) }, null, 2) + '\n';
}
