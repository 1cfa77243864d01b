import { LeadEtlError } from '../core/errors.js';
import { recordIdColumnsOf, type ColumnSpec, type FileTypeSpec } from './file-type-spec.js';
import { formatValue, isEmpty, type FormatContext } from './format-value.js';
import type { RowProblem } from './row-problem.js';

/**
 * Maps one row of a partner query to the ordered text values of a Lead file line. The first row also
 * proves the query's shape: a missing or unexpected column is a mistake in the partner's SQL, reported
 * once for the whole file rather than once per row.
 */
export interface MapContext extends Omit<FormatContext, 'row'> {
  /** Value written in pipeline-filled columns (`generated_at`). */
  readonly generatedAt: string;
}

export type MappedRow = { ok: true; values: string[] } | { ok: false; problems: RowProblem[] };

export function createRowMapper(spec: FileTypeSpec, context: MapContext, queryPath: string) {
  const fromQuery = spec.columns.filter((column) => column.filledBy !== 'pipeline');
  const idColumns = recordIdColumnsOf(spec);
  let shapeChecked = false;

  return function mapRow(row: Readonly<Record<string, unknown>>, line: number): MappedRow {
    if (!shapeChecked) {
      checkShape(spec, fromQuery, Object.keys(row), queryPath);
      shapeChecked = true;
    }
    // A pair (account and entity) names its record by both parts; empty parts stay empty, in place.
    const recordId = idColumns.every((name) => isEmpty(row[name])) ? '' : idColumns.map((name) => (isEmpty(row[name]) ? '' : String(row[name]))).join('/');
    const values: string[] = [];
    const problems: RowProblem[] = [];
    for (const column of spec.columns) {
      const value = column.filledBy === 'pipeline' ? context.generatedAt : row[column.name];
      if (isEmpty(value)) {
        if (column.required) {
          problems.push(problem(spec, line, recordId, column, 'required', 'is required but empty'));
        }
        values.push('');
        continue;
      }
      const formatted = formatValue(column.type, value, { ...context, row });
      if (formatted.ok) {
        values.push(formatted.text);
      } else {
        problems.push(problem(spec, line, recordId, column, formatted.rule, formatted.message));
        values.push('');
      }
    }
    return problems.length > 0 ? { ok: false, problems } : { ok: true, values };
  };
}

function checkShape(spec: FileTypeSpec, expected: readonly ColumnSpec[], actual: readonly string[], queryPath: string): void {
  const names = new Set(actual);
  const missing = expected.filter((column) => !names.has(column.name)).map((column) => column.name);
  const wanted = new Set(spec.columns.map((column) => column.name));
  const extra = actual.filter((name) => !wanted.has(name));
  const filled = actual.filter((name) => spec.columns.some((column) => column.name === name && column.filledBy === 'pipeline'));
  if (missing.length === 0 && extra.length === 0 && filled.length === 0) return;
  const parts = [
    missing.length ? `missing ${missing.join(', ')}` : '',
    extra.length ? `unexpected ${extra.join(', ')}` : '',
    filled.length ? `${filled.join(', ')} is filled by lead-etl, remove it from the query` : '',
  ].filter(Boolean);
  throw new LeadEtlError('QUERY_FAILED', `${queryPath} does not return the ${spec.id} columns: ${parts.join('; ')}`);
}

function problem(spec: FileTypeSpec, line: number, recordId: string, column: ColumnSpec, rule: string, message: string): RowProblem {
  return { fileType: spec.id, line, recordId, column: column.name, rule, message };
}
