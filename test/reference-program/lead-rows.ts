import type { Row } from '../../core/database.js';
import { MAPPED_COLUMNS, type EventTypeMap } from '../../reference-program/event-type-map.js';
import type { FileTypeSpec } from '../../transform/file-type-spec.js';

/**
 * What the reference queries return against what Lead's file holds: the queries name the partner's
 * event_type where Lead's type, fee_type, action and transfer_type go, and the event type map fills
 * those (as lead-etl does with a program profile's value map).
 */
const mapped = (name: string) => (MAPPED_COLUMNS as readonly string[]).includes(name);

/**
 * The columns a query returns for `spec`: the spec's own minus generated_at, and in the transaction
 * files (those with a transfer_type) event_type for Lead's four.
 */
export function queryColumns(spec: FileTypeSpec): string[] {
  const names = spec.columns.filter((column) => column.filledBy !== 'pipeline').map((column) => column.name);
  if (!names.includes('transfer_type')) return names;
  const first = names.findIndex(mapped);
  if (first < 0) return names;
  return names.flatMap((name, index) => (index === first ? ['event_type'] : mapped(name) ? [] : [name]));
}

/** A query row as Lead's columns, in the spec's order, Lead's vocabulary filled from the map. */
export function leadRow(spec: FileTypeSpec, row: Row, map: EventTypeMap): Row {
  if (!('event_type' in row)) return row;
  const mapping = map[String(row.event_type)];
  if (!mapping) throw new Error(`event type ${String(row.event_type)} is not in the event type map`);
  const out: Row = {};
  for (const column of spec.columns) {
    if (column.filledBy === 'pipeline') continue;
    out[column.name] = mapped(column.name) ? mapping[column.name as keyof typeof mapping] : row[column.name];
  }
  return out;
}
