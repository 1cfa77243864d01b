import type { ColumnSpec, ColumnType } from '../file-type-spec.js';
import { formatValue } from '../format-value.js';
import { isKnownCurrency, minorDigits } from '../money.js';
import { parseIsoTimestamp } from './iso-timestamp.js';
import type { RuleCode } from './rule-catalog.js';

/**
 * Stage 2, field format (sftp-process.md §1 "Field Format"): each value alone against its column's
 * type in the spec. Unlike format-value.ts, which turns ledger values into Lead's text, this reads text
 * someone already wrote, so it accepts exactly what Lead does and repairs nothing.
 */
export interface ValueProblem {
  readonly rule: RuleCode;
  readonly message: string;
}

/**
 * How many decimals an amount may have beyond its currency's: `exact` (the currency's digits, what
 * every file but one wants) or `at-least` (transactions.md: a deposit transaction's amount has at least
 * the currency's decimals, `11.500`; `amount_in_usd` at least 2).
 */
export type Precision = 'exact' | 'at-least';

export interface FormatContext {
  /** The currency of a money column that takes it from another column of the row. */
  readonly rowCurrency: (column: string) => string;
  readonly programCurrency: string;
  readonly precision: Precision;
  /** Whether the value may be quoted in a message (not for personal data such as a date of birth). */
  readonly quotable: boolean;
}

/**
 * Where an amount may have more decimals than its currency, by file type and Lead's column name
 * (transactions.md). `at-least-if-deposit`: only when the transaction's balance is a deposit one; when
 * the balance type is not known the amount must have exactly the currency's digits, which Lead takes
 * from every program.
 */
export const MONEY_PRECISION: Readonly<Record<string, Readonly<Record<string, 'at-least' | 'at-least-if-deposit'>>>> = {
  transactions: { amount: 'at-least-if-deposit', amount_in_usd: 'at-least' },
};

/** Values never quoted in a message, by Lead's column name: personal data (a date of birth is a date). */
export const NOT_QUOTED: readonly string[] = ['data_of_birth'];

/** Longest ids Lead takes, by Lead's column name (customers.md: client_customer_id is at most 64). */
export const MAX_LENGTHS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  customer: { client_customer_id: 64 },
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MONEY = /^-?\d+(?:\.(\d+))?$/;

export function checkValue(column: ColumnSpec, value: string, context: FormatContext): ValueProblem | undefined {
  if (value === '' || (column.type.kind === 'array' && value.trim() === '[]')) {
    return column.required ? { rule: 'format.required', message: 'is required and empty' } : undefined;
  }
  const shown = context.quotable ? `"${value.length > 40 ? `${value.slice(0, 40)}...` : value}" ` : '';
  return checkType(column.type, value, shown, context);
}

function checkType(type: ColumnType, value: string, shown: string, context: FormatContext): ValueProblem | undefined {
  switch (type.kind) {
    case 'string':
      return undefined;
    case 'enum':
      return type.values.includes(value) ? undefined : { rule: 'format.enum', message: `${shown}is not one of ${type.values.join(', ')}` };
    case 'currency':
      return isKnownCurrency(value) ? undefined : { rule: 'format.currency', message: `${shown}is not an upper-case ISO 4217 currency code` };
    case 'money':
      return checkMoney(type, value, shown, context);
    case 'date':
      return isCalendarDate(value)
        ? undefined
        : { rule: 'format.date', message: `${shown}is not a calendar date YYYY-MM-DD` };
    case 'timestamp':
      return checkTimestamp(value, shown);
    case 'integer':
      return /^-?\d+$/.test(value) ? undefined : { rule: 'format.integer', message: `${shown}is not a whole number` };
    case 'boolean':
      return value === 'true' || value === 'false' ? undefined : { rule: 'format.boolean', message: `${shown}is not true or false` };
    case 'array':
      return checkArray(value, type.values);
    case 'documents': {
      const result = formatValue(type, value, { timestampZone: 'UTC', programCurrency: context.programCurrency, excessPrecision: 'error', row: {} });
      return result.ok ? undefined : { rule: 'format.documents', message: result.message };
    }
  }
}

function checkMoney(type: Extract<ColumnType, { kind: 'money' }>, value: string, shown: string, context: FormatContext): ValueProblem | undefined {
  const match = MONEY.exec(value);
  if (!match) return { rule: 'format.money', message: `${shown}is not a plain decimal amount such as -12.50` };
  const code = type.currency === 'program' ? context.programCurrency : 'fixed' in type.currency ? type.currency.fixed : context.rowCurrency(type.currency.column);
  // No currency to judge the decimals by: the currency column has its own finding.
  if (!isKnownCurrency(code)) return undefined;
  const digits = digitsOf(code);
  const decimals = (match[1] ?? '').length;
  if (context.precision === 'at-least' ? decimals >= digits : decimals === digits) return undefined;
  const wanted = context.precision === 'at-least' ? `at least ${digits}` : `exactly ${digits}`;
  return { rule: 'format.money.decimals', message: `${shown}has ${decimals} decimal(s); ${code} amounts have ${wanted}` };
}

function isCalendarDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const time = Date.parse(`${value}T00:00:00Z`);
  // A day the month does not have rolls over into the next month.
  return !Number.isNaN(time) && new Date(time).toISOString().startsWith(value);
}

// Intl answers the minor digits of a currency slowly; a file asks the same few currencies on every row.
const DIGITS = new Map<string, number>();
function digitsOf(code: string): number {
  let digits = DIGITS.get(code);
  if (digits === undefined) DIGITS.set(code, (digits = minorDigits(code)));
  return digits;
}

function checkTimestamp(value: string, shown: string): ValueProblem | undefined {
  const parsed = parseIsoTimestamp(value);
  if (!parsed) {
    return { rule: 'format.timestamp', message: `${shown}is not an ISO 8601 date and time such as 2026-03-05T09:30:00-06:00` };
  }
  if (parsed.epochMs === undefined) {
    return { rule: 'format.timestamp.offset', message: `${shown}has no UTC offset; add Z or the offset (-06:00 in Chicago winter) so the instant is unambiguous` };
  }
  return undefined;
}

function checkArray(value: string, allowed: readonly string[] | undefined): ValueProblem | undefined {
  let items: unknown;
  try {
    items = JSON.parse(value);
  } catch {
    items = undefined;
  }
  if (!Array.isArray(items) || !items.every((item) => typeof item === 'string' && item !== '')) {
    return { rule: 'format.array', message: 'is not a JSON array of ids such as ["cus_1","cus_2"]' };
  }
  // Role codes are not personal data; the message may name them.
  const unknown = allowed ? (items as string[]).filter((item) => !allowed.includes(item)) : [];
  return unknown.length > 0 ? { rule: 'format.array.enum', message: `"${unknown.join('", "')}" not among ${allowed!.join(', ')}` } : undefined;
}

export function checkLength(fileTypeId: string, leadName: string, value: string): ValueProblem | undefined {
  const max = MAX_LENGTHS[fileTypeId]?.[leadName];
  return max !== undefined && value.length > max ? { rule: 'format.max_length', message: `is ${value.length} characters; Lead takes at most ${max}` } : undefined;
}
