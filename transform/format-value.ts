import type { ColumnType } from './file-type-spec.js';
import { isKnownCurrency, minorDigits, moneyText, type ExcessPrecision } from './money.js';
import { isCalendarDate, timestampFormatter } from './timestamp-text.js';

/**
 * Turns one value from a partner query into the text Lead expects for its column type, or names the
 * rule it breaks. Values that are not personal (amounts, codes, dates) are quoted in the message to
 * help the operator; free text and ids lists never are.
 *
 * Mapping compiles a column's type once (`cellFormatter`): the currency's digits and the zone are worked
 * out then, and a good value costs its text and nothing else. `formatValue` is the same reading, one
 * value at a time.
 */
export interface FormatContext {
  /** Zone whose offset timestamps are written with (Lead converts every timestamp to Central Time). */
  readonly timestampZone: string;
  readonly programCurrency: string;
  readonly excessPrecision: ExcessPrecision;
  /** The row being formatted, for money columns whose currency is in another column. */
  readonly row: Readonly<Record<string, unknown>>;
}

export type Formatted = { ok: true; text: string } | { ok: false; rule: string; message: string };

/** Why a value cannot be written; allocated only for a bad value. */
export interface CellProblem {
  readonly rule: string;
  readonly message: string;
}

/** A column's value read from the row being mapped (for a money column's currency column). */
export type RowValue = (column: string) => unknown;

export type CellFormatter = (value: unknown, rowValue: RowValue) => string | CellProblem;

const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;
const INTEGER_TEXT = /^-?\d+$/;

export function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

const compiled = new WeakMap<ColumnType, Map<string, CellFormatter>>();

export function formatValue(type: ColumnType, value: unknown, context: FormatContext): Formatted {
  const key = `${context.timestampZone}|${context.programCurrency}|${context.excessPrecision}`;
  let byContext = compiled.get(type);
  if (!byContext) compiled.set(type, (byContext = new Map()));
  let format = byContext.get(key);
  if (!format) {
    const { timestampZone, programCurrency, excessPrecision } = context;
    byContext.set(key, (format = cellFormatter(type, { timestampZone, programCurrency, excessPrecision })));
  }
  const result = format(value, (column) => context.row[column]);
  return typeof result === 'string' ? { ok: true, text: result } : { ok: false, rule: result.rule, message: result.message };
}

/** The formatter of one column type, with what does not change from row to row worked out once. */
export function cellFormatter(type: ColumnType, context: Omit<FormatContext, 'row'>): CellFormatter {
  switch (type.kind) {
    case 'string':
      return (value) => {
        if (typeof value === 'string') return value;
        if (typeof value === 'number' || typeof value === 'bigint') return String(value);
        return { rule: 'string.type', message: `expected text, got ${typeof value}` };
      };
    case 'enum': {
      const values = new Set(type.values);
      return (value) => {
        const text = typeof value === 'string' ? value : String(value);
        return values.has(text) ? text : { rule: 'enum', message: `"${text}" is not one of ${type.values.join(', ')}` };
      };
    }
    case 'currency':
      return (value) => {
        const text = String(value);
        return isKnownCurrency(text) ? text : { rule: 'currency.code', message: `"${text}" is not an upper-case ISO 4217 code` };
      };
    case 'money':
      return moneyFormatter(type.currency, context);
    case 'date':
      return (value) => {
        if (typeof value === 'string' && DATE_TEXT.test(value) && isCalendarDate(value)) return value;
        if (value instanceof Date) {
          return { rule: 'date.type', message: 'arrived as a JS Date; return dates as date or text (YYYY-MM-DD) so no time zone can shift them' };
        }
        return { rule: 'date.format', message: `"${String(value)}" is not a YYYY-MM-DD date` };
      };
    case 'timestamp':
      return timestampFormatter(context.timestampZone);
    case 'array':
      return (value) => formatArray(value, type.values);
    case 'integer':
      return (value) => {
        const text = typeof value === 'string' ? value.trim() : String(value);
        return INTEGER_TEXT.test(text) && (typeof value !== 'number' || Number.isSafeInteger(value))
          ? text
          : { rule: 'integer.format', message: `"${text}" is not a whole number` };
      };
    case 'boolean':
      return (value) => {
        if (typeof value === 'boolean') return value ? 'true' : 'false';
        if (value === 'true' || value === 'false') return value;
        return { rule: 'boolean.format', message: `"${String(value)}" is not true or false` };
      };
    case 'documents':
      return (value) => formatDocuments(value, context.timestampZone);
  }
}

function moneyFormatter(source: Extract<ColumnType, { kind: 'money' }>['currency'], context: Omit<FormatContext, 'row'>): CellFormatter {
  const write = (value: unknown, code: string): string | CellProblem => {
    if (!isKnownCurrency(code)) {
      return { rule: 'money.currency', message: `no valid currency to format this amount with (got "${code}")` };
    }
    const result = moneyText(value, minorDigits(code), context.excessPrecision);
    if (typeof result === 'string') return result;
    const shown = typeof value === 'string' || typeof value === 'number' ? `"${value}" ` : '';
    return { rule: `money.${result.problem}`, message: `${shown}${result.detail} (${code})` };
  };
  if (source !== 'program' && 'column' in source) {
    const column = source.column;
    // Rows of a file mostly share one currency: the last known one's digits are kept, so a cell
    // costs a comparison, not a lookup.
    let lastCode = '';
    let lastDigits = 0;
    return (value, rowValue) => {
      const code = rowValue(column);
      if (code !== lastCode || lastCode === '') {
        const text = String(code ?? '');
        if (!isKnownCurrency(text)) return write(value, text);
        lastCode = text;
        lastDigits = minorDigits(text);
      }
      const result = moneyText(value, lastDigits, context.excessPrecision);
      return typeof result === 'string' ? result : write(value, lastCode);
    };
  }
  const code = source === 'program' ? context.programCurrency : source.fixed;
  // One currency for the whole column: whether it is known and its digits are settled here, once.
  if (!isKnownCurrency(code)) return (value) => write(value, code);
  const digits = minorDigits(code);
  return (value) => {
    const result = moneyText(value, digits, context.excessPrecision);
    return typeof result === 'string' ? result : write(value, code);
  };
}

function formatArray(value: unknown, allowed: readonly string[] | undefined): string | CellProblem {
  let items: unknown = value;
  if (typeof value === 'string') {
    try {
      items = JSON.parse(value);
    } catch {
      return { rule: 'array.format', message: 'text that is not a JSON array' };
    }
  }
  if (!Array.isArray(items) || !items.every((item) => typeof item === 'string' && item !== '')) {
    return { rule: 'array.format', message: 'expected an array of non-empty ids (text[] or a JSON array)' };
  }
  // Enum items (roles) are codes, not personal data, so the message may quote them.
  const unknown = allowed ? items.filter((item) => !allowed.includes(item)) : [];
  if (unknown.length > 0) {
    return { rule: 'array.enum', message: `"${unknown.join('", "')}" not among ${allowed!.join(', ')}` };
  }
  return items.length === 0 ? '' : JSON.stringify(items);
}

/** Names a document may have: a plain file name, so it can never point outside the documents folder. */
export const DOCUMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*\.(pdf|jpg|jpeg|png|html)$/i;

function formatDocuments(value: unknown, zone: string): string | CellProblem {
  let items: unknown = value;
  if (typeof value === 'string') {
    try {
      items = JSON.parse(value);
    } catch {
      return { rule: 'documents.format', message: 'text that is not a JSON array of documents' };
    }
  }
  if (!Array.isArray(items)) return { rule: 'documents.format', message: 'expected a JSON array of document objects' };
  const out: Record<string, string>[] = [];
  for (const item of items) {
    if (!item || typeof item !== 'object') return { rule: 'documents.format', message: 'each document must be an object with document_id and type' };
    const doc = item as Record<string, unknown>;
    const id = doc.document_id;
    if (typeof id !== 'string' || !DOCUMENT_NAME.test(id)) {
      return { rule: 'documents.document_id', message: `document_id "${String(id)}" must be a file name ending .pdf, .jpg, .jpeg, .png or .html` };
    }
    if (typeof doc.type !== 'string' || doc.type === '') return { rule: 'documents.type', message: `document ${id} has no type` };
    const normalized: Record<string, string> = { document_id: id, type: doc.type };
    for (const key of ['displayed_at', 'consented_at'] as const) {
      if (doc[key] === undefined || doc[key] === null) continue;
      const stamp = timestampFormatter(zone)(doc[key]);
      if (typeof stamp !== 'string') return { rule: `documents.${key}`, message: `document ${id}: ${stamp.message}` };
      normalized[key] = stamp;
    }
    if (typeof doc.version === 'string') normalized.version = doc.version;
    out.push(normalized);
  }
  return out.length === 0 ? '' : JSON.stringify(out);
}

/** The document file names a formatted documents value references. */
export function documentIdsIn(text: string): string[] {
  if (text === '') return [];
  return (JSON.parse(text) as Array<{ document_id: string }>).map((d) => d.document_id);
}
