import { DateTime } from 'luxon';
import type { ColumnType } from './file-type-spec.js';
import { formatMoney, isKnownCurrency, minorDigits, type ExcessPrecision } from './money.js';

/**
 * Turns one value from a partner query into the text Lead expects for its column type, or names the
 * rule it breaks. Values that are not personal (amounts, codes, dates) are quoted in the message to
 * help the operator; free text and ids lists never are.
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

const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;
const HAS_OFFSET = /(Z|[+-]\d{2}(:?\d{2})?)$/i;

export function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

export function formatValue(type: ColumnType, value: unknown, context: FormatContext): Formatted {
  switch (type.kind) {
    case 'string':
      if (typeof value === 'string') return { ok: true, text: value };
      if (typeof value === 'number' || typeof value === 'bigint') return { ok: true, text: String(value) };
      return { ok: false, rule: 'string.type', message: `expected text, got ${typeof value}` };
    case 'enum': {
      const text = typeof value === 'string' ? value : String(value);
      return type.values.includes(text)
        ? { ok: true, text }
        : { ok: false, rule: 'enum', message: `"${text}" is not one of ${type.values.join(', ')}` };
    }
    case 'currency': {
      const text = String(value);
      return isKnownCurrency(text)
        ? { ok: true, text }
        : { ok: false, rule: 'currency.code', message: `"${text}" is not an upper-case ISO 4217 code` };
    }
    case 'money':
      return formatMoneyColumn(type.currency, value, context);
    case 'date':
      if (typeof value === 'string' && DATE_TEXT.test(value) && DateTime.fromISO(value).isValid) return { ok: true, text: value };
      if (value instanceof Date) {
        return { ok: false, rule: 'date.type', message: 'arrived as a JS Date; return dates as date or text (YYYY-MM-DD) so no time zone can shift them' };
      }
      return { ok: false, rule: 'date.format', message: `"${String(value)}" is not a YYYY-MM-DD date` };
    case 'timestamp':
      return formatTimestamp(value, context.timestampZone);
    case 'array':
      return formatArray(value, type.values);
    case 'integer': {
      const text = typeof value === 'string' ? value.trim() : String(value);
      return /^-?\d+$/.test(text) && (typeof value !== 'number' || Number.isSafeInteger(value))
        ? { ok: true, text }
        : { ok: false, rule: 'integer.format', message: `"${text}" is not a whole number` };
    }
    case 'boolean':
      if (typeof value === 'boolean') return { ok: true, text: String(value) };
      if (value === 'true' || value === 'false') return { ok: true, text: value };
      return { ok: false, rule: 'boolean.format', message: `"${String(value)}" is not true or false` };
  }
}

function formatMoneyColumn(
  source: Extract<ColumnType, { kind: 'money' }>['currency'],
  value: unknown,
  context: FormatContext,
): Formatted {
  const code = source === 'program' ? context.programCurrency : 'fixed' in source ? source.fixed : String(context.row[source.column] ?? '');
  if (!isKnownCurrency(code)) {
    return { ok: false, rule: 'money.currency', message: `no valid currency to format this amount with (got "${code}")` };
  }
  const digits = minorDigits(code);
  const result = formatMoney(value, digits, context.excessPrecision);
  if (result.ok) return result;
  const shown = typeof value === 'string' || typeof value === 'number' ? `"${value}" ` : '';
  return { ok: false, rule: `money.${result.problem}`, message: `${shown}${result.detail} (${code})` };
}

function formatTimestamp(value: unknown, zone: string): Formatted {
  let instant: DateTime;
  if (value instanceof Date) {
    instant = DateTime.fromJSDate(value);
  } else if (typeof value === 'string') {
    if (!HAS_OFFSET.test(value.trim())) {
      return { ok: false, rule: 'timestamp.offset', message: `"${value}" has no UTC offset; return timestamptz so the instant is unambiguous` };
    }
    instant = DateTime.fromISO(value.trim().replace(' ', 'T'), { setZone: true });
  } else {
    return { ok: false, rule: 'timestamp.type', message: `expected a timestamp, got ${typeof value}` };
  }
  if (!instant.isValid) return { ok: false, rule: 'timestamp.format', message: `"${String(value)}" is not an ISO 8601 timestamp` };
  return { ok: true, text: instant.setZone(zone).toISO({ suppressMilliseconds: true })! };
}

function formatArray(value: unknown, allowed: readonly string[] | undefined): Formatted {
  let items: unknown = value;
  if (typeof value === 'string') {
    try {
      items = JSON.parse(value);
    } catch {
      return { ok: false, rule: 'array.format', message: 'text that is not a JSON array' };
    }
  }
  if (!Array.isArray(items) || !items.every((item) => typeof item === 'string' && item !== '')) {
    return { ok: false, rule: 'array.format', message: 'expected an array of non-empty ids (text[] or a JSON array)' };
  }
  // Enum items (roles) are codes, not personal data, so the message may quote them.
  const unknown = allowed ? items.filter((item) => !allowed.includes(item)) : [];
  if (unknown.length > 0) {
    return { ok: false, rule: 'array.enum', message: `"${unknown.join('", "')}" not among ${allowed!.join(', ')}` };
  }
  return { ok: true, text: items.length === 0 ? '' : JSON.stringify(items) };
}
