import { LeadEtlError } from '../core/errors.js';
import { recordIdColumnsOf, type ColumnSpec, type FileTypeSpec } from './file-type-spec.js';
import { cellFormatter, isEmpty, type CellFormatter, type FormatContext } from './format-value.js';
import type { ValueMap } from './program-file-types.js';
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

/** A good row is the record the submission rule takes as it is (MappedRecord), its line with it. */
export type MappedRow = { ok: true; line: number; recordId: string; values: string[] } | { ok: false; problems: RowProblem[] };

/**
 * Value maps turn the partner's vocabulary into Lead's: the query returns the map's `source` column
 * (e.g. the ledger's event_type) instead of the `targets` columns, and an unmapped value is a problem
 * that names it.
 *
 * Everything that does not change from row to row (each column's formatter, where its value comes from)
 * is settled when the mapper is made; a row costs its values and nothing else. The query row is read in
 * place, never copied: what the value maps change (their sources consumed, their targets filled) sits in
 * one overlay reused from row to row.
 */
export function createRowMapper(spec: FileTypeSpec, context: MapContext, queryPath: string, valueMaps: readonly ValueMap[] = []) {
  const mapped = new Set(valueMaps.flatMap((m) => m.targets));
  const fromQuery = spec.columns.filter((column) => column.filledBy !== 'pipeline' && !mapped.has(column.name));
  const sources = valueMaps.map((m) => m.source);
  const idColumns = recordIdColumnsOf(spec);
  const formatContext = { timestampZone: context.timestampZone, programCurrency: context.programCurrency, excessPrecision: context.excessPrecision };
  const overlaid = new Set([...sources, ...mapped]);
  const columns = spec.columns.map((column) => {
    const pipeline = column.filledBy === 'pipeline';
    const format = cellFormatter(column.type, formatContext);
    return {
      column,
      name: column.name,
      pipeline,
      // Most columns are never overlaid: they are read straight from the row.
      overlaid: overlaid.has(column.name),
      // A pipeline column's value is the same on every row (`generated_at`): so is its text, unless its
      // type reads another column (money).
      format: pipeline && column.type.kind !== 'money' ? settledOnce(format) : format,
    };
  });
  const overlay = new Map<string, unknown>();
  let current: Readonly<Record<string, unknown>> = {};
  const read = overlaid.size === 0
    ? (name: string) => current[name]
    : (name: string) => (overlay.has(name) ? overlay.get(name) : current[name]);
  let shapeChecked = false;

  const width = columns.length;
  return function mapRow(queryRow: Readonly<Record<string, unknown>>, line: number): MappedRow {
    if (!shapeChecked) {
      checkShape(spec, fromQuery, sources, Object.keys(queryRow), queryPath);
      shapeChecked = true;
    }
    current = queryRow;
    let mapProblems: Omit<RowProblem, 'recordId'>[] | undefined;
    if (valueMaps.length > 0) {
      overlay.clear();
      for (const map of valueMaps) {
        const key = read(map.source);
        const entry = isEmpty(key) ? undefined : map.entries[String(key)];
        overlay.set(map.source, undefined);
        if (!entry) {
          const column = spec.columns.find((c) => map.targets.includes(c.name))!;
          (mapProblems ??= []).push({ fileType: spec.id, line, column: column.name, rule: 'value-map.unmapped', message: isEmpty(key) ? `${map.source} is empty, so ${map.name} cannot map it` : `${map.source} "${String(key)}" is not in the profile's value map ${map.name}; add it with its Lead values` });
          continue;
        }
        for (const target of map.targets) overlay.set(target, entry[target] ?? null);
      }
    }
    const recordId = recordIdOf(idColumns, read);
    // Sized once: the line's values, filled in place.
    const values = new Array<string>(width);
    let problems: RowProblem[] | undefined = mapProblems?.map((p) => ({ fileType: p.fileType, line: p.line, recordId, column: p.column, rule: p.rule, message: p.message }));
    for (let i = 0; i < width; i += 1) {
      const { column, name, pipeline, overlaid: fromOverlay, format } = columns[i]!;
      const value = pipeline ? context.generatedAt : fromOverlay ? read(name) : current[name];
      if (isEmpty(value)) {
        if (column.required) (problems ??= []).push(problem(spec, line, recordId, column, 'required', 'is required but empty'));
        values[i] = '';
        continue;
      }
      const formatted = format(value, read);
      if (typeof formatted === 'string') {
        values[i] = formatted;
      } else {
        (problems ??= []).push(problem(spec, line, recordId, column, formatted.rule, formatted.message));
        values[i] = '';
      }
    }
    return problems ? { ok: false, problems } : { ok: true, line, recordId, values };
  };
}

function settledOnce(format: CellFormatter): CellFormatter {
  let result: ReturnType<CellFormatter> | undefined;
  return (value, rowValue) => (result ??= format(value, rowValue));
}

/** A pair (account and entity) names its record by both parts; empty parts stay empty, in place. */
function recordIdOf(idColumns: readonly string[], read: (name: string) => unknown): string {
  if (idColumns.length === 1) {
    const value = read(idColumns[0]!);
    return isEmpty(value) ? '' : String(value);
  }
  let id = '';
  let any = false;
  for (let i = 0; i < idColumns.length; i += 1) {
    const value = read(idColumns[i]!);
    if (i > 0) id += '/';
    if (!isEmpty(value)) {
      id += String(value);
      any = true;
    }
  }
  return any ? id : '';
}

function checkShape(spec: FileTypeSpec, expected: readonly ColumnSpec[], sources: readonly string[], actual: readonly string[], queryPath: string): void {
  const names = new Set(actual);
  const missing = [...expected.map((column) => column.name), ...sources].filter((name) => !names.has(name));
  const wanted = new Set([...expected.map((column) => column.name), ...sources]);
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
