import { parseDecimal, sign, ZERO, type Decimal } from '../money.js';
import { isoInstant, parseIsoTimestamp } from './iso-timestamp.js';
import type { Breach, RecordRule, RowView, RuleInfo } from './rule-types.js';

/**
 * Small builders for the rules file types declare (transform/file-types/), so a rule reads as what
 * Lead says: "these columns are required when that one is ...". Each returns plain rule data; nothing
 * here knows a file type.
 */
export const rule = (code: RuleInfo['code'], basis: RuleInfo['basis'], description: string, source: string, severity?: RuleInfo['severity']): RuleInfo =>
  ({ code, basis, description, source, ...(severity ? { severity } : {}) });

/** A rule's answer for a row with nothing wrong, one shared array: most rows of a big file are such. */
const NO_BREACH: readonly Breach[] = Object.freeze([]);

/**
 * `require` columns have a value when `when.column` holds one of `when.is`. One finding per row, on the
 * first column missing (the message lists the others), so one defect is reported once.
 */
export function requiredWhen(info: RuleInfo, when: { readonly column: string; readonly is: readonly string[] }, require: readonly string[]): RecordRule {
  return {
    ...info,
    reads: [when.column, ...require],
    check(row) {
      if (!when.is.includes(row.get(when.column))) return NO_BREACH;
      const missing = require.filter((c) => isEmptyList(row.get(c)));
      return missing.length === 0 ? NO_BREACH : [{
        column: missing[0]!,
        message: `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} required when ${when.column} is ${row.get(when.column)}`,
      }];
    },
  };
}

/** All of `columns` or none; one finding on the first missing. */
export function allOrNothing(info: RuleInfo, columns: readonly string[], what: string, unless?: (row: RowView) => boolean): RecordRule {
  return {
    ...info,
    reads: columns,
    check(row) {
      if (unless?.(row)) return NO_BREACH;
      let missing = 0;
      for (let i = 0; i < columns.length; i += 1) if (row.get(columns[i]!) === '') missing += 1;
      if (missing === 0 || missing === columns.length) return NO_BREACH;
      const names = columns.filter((c) => row.get(c) === '');
      return [{ column: names[0]!, message: `${names.join(', ')} missing: ${what} is all of ${columns.join(', ')}, or none` }];
    },
  };
}

/** `status_reason` belongs to `status` (accounts.md, balances.md statuses). */
export function statusReason(info: RuleInfo, allowed: Readonly<Record<string, readonly string[]>>): RecordRule {
  return {
    ...info,
    reads: ['status', 'status_reason'],
    check(row) {
      const reasons = allowed[row.get('status')];
      return reasons && !reasons.includes(row.get('status_reason'))
        ? [{ column: 'status_reason', message: `status_reason ${row.get('status_reason')} is not a reason for status ${row.get('status')}; use ${reasons.join(', ')}` }]
        : NO_BREACH;
    },
  };
}

/** A partner id must not start with a prefix Lead keeps for its own ids (sftp-process.md §5). */
export function reservedPrefix(info: RuleInfo, column: string, prefixes: readonly string[]): RecordRule {
  return {
    ...info,
    reads: [column],
    check(row) {
      const value = row.get(column);
      let prefix: string | undefined;
      for (let i = 0; i < prefixes.length && prefix === undefined; i += 1) if (value.startsWith(prefixes[i]!)) prefix = prefixes[i];
      return prefix !== undefined ? [{ column, message: `${column} ${value} starts with ${prefix}, which Lead reserves for its own ids; choose another prefix` }] : NO_BREACH;
    },
  };
}

/** Exactly one of `columns` has a value. */
export function exactlyOne(info: RuleInfo, columns: readonly string[], what: string): RecordRule {
  return {
    ...info,
    reads: columns,
    check(row) {
      let count = 0;
      for (let i = 0; i < columns.length; i += 1) if (row.get(columns[i]!) !== '') count += 1;
      if (count === 1) return NO_BREACH;
      const filled = columns.filter((c) => row.get(c) !== '');
      // Both given: the second is the one to take out; neither: the first is the one to fill.
      return [{ column: filled.length === 0 ? columns[0]! : filled[1]!, message: `give exactly one of ${what}; this row has ${filled.length === 0 ? 'neither' : 'both'}` }];
    },
  };
}

/** A check of one row written as a function: `reads` and the breaches. */
export function recordRule(info: RuleInfo, reads: readonly string[], check: (row: RowView) => readonly Breach[]): RecordRule {
  return { ...info, reads, check: (row) => check(row) };
}

/** Format has checked the amount already; an empty optional one counts as 0. */
export function amountOf(text: string): Decimal {
  return text === '' ? ZERO : parseDecimal(text) ?? ZERO;
}

export const isNegative = (text: string): boolean => text !== '' && sign(amountOf(text)) < 0;

export function isEmptyList(text: string): boolean {
  return text === '' || text.trim() === '[]';
}

/**
 * A JSON array of non-empty strings holding no quote, backslash or control character, with no spaces:
 * what lead-etl writes, whose ids are the text between `","` (JSON.parse would read the same).
 */
export const PLAIN_ID_LIST = /^\["[^"\\\u0000-\u001f]+"(?:,"[^"\\\u0000-\u001f]+")*\]$/;

/**
 * The ids of a list column: a JSON array (what lead-etl writes), or the comma-separated form Lead's
 * Accounts page shows (`"entity_123", "entity_456"`), which format checks accept with a warning.
 */
export function idsIn(text: string): string[] {
  // What lead-etl writes, ids with nothing JSON would escape, read without JSON.parse: the same ids.
  if (PLAIN_ID_LIST.test(text)) return text.slice(2, -2).split('","');
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (trimmed.startsWith('[')) {
    try {
      const items: unknown = JSON.parse(trimmed);
      if (Array.isArray(items)) return items.filter((i): i is string => typeof i === 'string' && i !== '');
    } catch {
      return [];
    }
  }
  // Lead's Accounts page form: "entity_123", "entity_456".
  return trimmed.split(',').map((part) => part.trim().replace(/^"(.*)"$/, '$1').trim()).filter((part) => part !== '');
}

/** The instant of a timestamp (epoch ms), NaN when it names none (no offset): never compared then. */
export function instantOf(text: string): number {
  return isoInstant(text) ?? Number.NaN;
}

/** The calendar date of a timestamp as written, to compare with a date column. */
export function localDateOf(timestamp: string): string {
  return parseIsoTimestamp(timestamp)?.localDate ?? '';
}
