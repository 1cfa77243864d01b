import { readFile } from 'node:fs/promises';
import { LeadEtlError } from '../core/errors.js';
import { FEE_TYPES, TRANSACTION_ACTIONS, TRANSACTION_TYPES, TRANSFER_TYPES } from '../transform/file-types/lead-enums.js';
import { REFERENCE_LEDGER_EVENT_TYPE_MAP_FILE } from './paths.js';

/**
 * The reference ledger knows only its own event types; Lead's vocabulary for each lives in
 * event-type-map.json, beside the queries, as the table Lead accounting signs off before go-live:
 * `{ "<EVENT_TYPE>": { "type", "transfer_type", "fee_type" (null unless a fee), "action" } }`.
 * The Transactions and Non-posted Transactions queries return `event_type`; lead-etl fills Lead's
 * columns from this table (a program profile's value map).
 */
export interface LeadEventMapping {
  readonly type: string;
  readonly transfer_type: string;
  readonly fee_type: string | null;
  readonly action: string;
}

export type EventTypeMap = Readonly<Record<string, LeadEventMapping>>;

/** The columns the map fills, in the order the Transactions file has them. */
export const MAPPED_COLUMNS = ['type', 'fee_type', 'action', 'transfer_type'] as const;

export async function loadEventTypeMap(path: string = REFERENCE_LEDGER_EVENT_TYPE_MAP_FILE): Promise<EventTypeMap> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new LeadEtlError('CONFIG_INVALID', `cannot read the event type map ${path}: ${(cause as Error).message}`, { cause });
  }
  const problems = checkEventTypeMap(parsed);
  if (problems.length > 0) throw new LeadEtlError('CONFIG_INVALID', `${path}: ${problems.join('; ')}`);
  return parsed as EventTypeMap;
}

/** Every entry names exactly Lead's four columns with values from Lead's enums; fee_type only on fees. */
export function checkEventTypeMap(map: unknown): string[] {
  if (typeof map !== 'object' || map === null || Array.isArray(map)) return ['is not an object of event types'];
  const problems: string[] = [];
  const oneOf = (values: readonly string[], value: unknown) => typeof value === 'string' && values.includes(value);
  for (const [eventType, entry] of Object.entries(map)) {
    const mapping = entry as Partial<Record<string, unknown>>;
    const keys = typeof entry === 'object' && entry !== null ? Object.keys(entry).sort().join(',') : '';
    if (keys !== 'action,fee_type,transfer_type,type') {
      problems.push(`${eventType} must have exactly type, transfer_type, fee_type and action`);
      continue;
    }
    if (!oneOf(TRANSACTION_TYPES, mapping.type)) problems.push(`${eventType}: type "${String(mapping.type)}" is not Lead's`);
    if (!oneOf(TRANSFER_TYPES, mapping.transfer_type)) problems.push(`${eventType}: transfer_type "${String(mapping.transfer_type)}" is not Lead's`);
    if (!oneOf(TRANSACTION_ACTIONS, mapping.action)) problems.push(`${eventType}: action "${String(mapping.action)}" is not Lead's`);
    if (mapping.fee_type !== null && !oneOf(FEE_TYPES, mapping.fee_type)) problems.push(`${eventType}: fee_type "${String(mapping.fee_type)}" is not Lead's`);
    if ((mapping.type === 'fee') !== (mapping.fee_type !== null)) problems.push(`${eventType}: fee_type goes with type fee, and only with it`);
  }
  return problems;
}
