import type { ColumnSpec, ColumnType, MoneyDecimals } from '../file-type-spec.js';
import { formatValue } from '../format-value.js';
import { isKnownCurrency, minorDigits } from '../money.js';
import { isCalendarDate } from '../timestamp-text.js';
import { isoInstant } from './iso-timestamp.js';
import { PLAIN_ID_LIST } from './rule-kit.js';
import { FORMAT } from './rule-catalog.js';
import type { RuleCode } from './rule-types.js';

/**
 * Stage 2, field format (sftp-process.md §1 "Field Format"): each value alone against its column's
 * type in the spec. Unlike format-value.ts, which turns ledger values into Lead's text, this reads text
 * someone already wrote, so it accepts exactly what Lead does and repairs nothing. Where Lead's notes
 * leave a form open ([UNKNOWN]), the other reading is a warning, never an error.
 */
export interface ValueProblem {
  readonly rule: RuleCode;
  readonly message: string;
}

export interface FormatContext {
  /** The currency of a money column that takes it from another column of the row. */
  readonly rowCurrency: (column: string) => string;
  readonly programCurrency: string;
  /** The balance type of the row's balance, for amounts whose decimals depend on it. */
  readonly balanceType: () => 'deposit' | 'credit' | undefined;
  /** The program is a deposit one (a transaction of an unknown balance may then carry extra decimals). */
  readonly depositProgram: boolean;
}

/** Most values have no problem: one shared empty answer, not an array per cell. */
const NONE: ValueProblem[] = [];
const MONEY = /^-?\d+(?:\.\d+)?$/;
/** Other ways of writing a boolean: read with a warning, as Lead has not said which it takes. */
const BOOLEAN_LIKE = /^(?:true|false|t|f|yes|no|y|n|1|0)$/i;

/** The problems of one value: at most one error, or warnings (a value may be read but unconfirmed). */
export function checkValue(column: ColumnSpec, value: string, context: FormatContext): ValueProblem[] {
  return valueCheckerOf(column)(value, context);
}

export type ValueChecker = (value: string, context: FormatContext) => ValueProblem[];

/**
 * checkValue for one column, with what depends on the column alone settled once: a file asks it of
 * every cell. A message quotes the value only when the column's values may be shown (not personal, not
 * free text or lists), and the quote is made only for a value with a problem.
 */
export function valueCheckerOf(column: ColumnSpec): ValueChecker {
  let checker = checkers.get(column);
  if (checker) return checker;
  const { type, maxLength } = column;
  const shows = !column.personal && type.kind !== 'string' && type.kind !== 'array' && type.kind !== 'documents';
  checker = (value, context) => {
    if (value === '' || (type.kind === 'array' && value.trim() === '[]')) {
      if (!column.required) return NONE;
      return [column.requirementUnknown
        ? { rule: FORMAT.requiredUnconfirmed.code, message: 'is empty; Lead\'s page is cut off before saying whether it is required, so lead-etl always writes it' }
        : { rule: FORMAT.required.code, message: 'is required and empty' }];
    }
    const problems = type.kind === 'string' ? NONE : checkType(type, value, shows, context);
    // A text has at most as many characters as UTF-16 units: only a longer one is counted.
    if (problems.length === 0 && maxLength !== undefined && value.length > maxLength && [...value].length > maxLength) {
      return [{ rule: FORMAT.maxLength.code, message: `is ${[...value].length} characters; Lead takes at most ${maxLength}` }];
    }
    return problems;
  };
  if (type.kind === 'timestamp' || type.kind === 'date') {
    // A date or time is judged by its text alone, and a column repeats one often (generated_at on
    // every line): the last answer is kept.
    const judge = checker;
    let last: string | undefined;
    let answer = NONE;
    checker = (value, context) => {
      if (value !== last) {
        answer = judge(value, context);
        last = value;
      }
      return answer;
    };
  }
  checkers.set(column, checker);
  return checker;
}

const checkers = new WeakMap<ColumnSpec, ValueChecker>();

/** The value as a message quotes it, when its column's values may be shown. */
const show = (value: string, shows: boolean) => (shows ? `"${value.length > 40 ? `${value.slice(0, 40)}...` : value}" ` : '');

function checkType(type: ColumnType, value: string, shows: boolean, context: FormatContext): ValueProblem[] {
  const one = (rule: RuleCode, message: string) => [{ rule, message }];
  switch (type.kind) {
    case 'string':
      return NONE;
    case 'enum':
      if (type.unconfirmed?.includes(value)) return one(FORMAT.enumUnconfirmed.code, `${show(value, shows)}is printed on one of Lead's pages but not confirmed; use ${type.values.filter((v) => !type.unconfirmed!.includes(v)).join(', ')} unless Lead says otherwise`);
      return type.values.includes(value) ? NONE : one(FORMAT.enumValue.code, `${show(value, shows)}is not one of ${type.values.filter((v) => !type.unconfirmed?.includes(v)).join(', ')}`);
    case 'currency':
      return isKnownCurrency(value) ? NONE : one(FORMAT.currency.code, `${show(value, shows)}is not an upper-case ISO 4217 currency code`);
    case 'money':
      return checkMoney(type, value, shows, context);
    case 'date':
      return isCalendarDate(value) ? NONE : one(FORMAT.date.code, `${show(value, shows)}is not a calendar date YYYY-MM-DD`);
    case 'timestamp':
      if (type.dateUnknown && isCalendarDate(value)) {
        return one(FORMAT.timestampDateOnly.code, `${show(value, shows)}is a date; Lead's page does not say date or datetime, and lead-etl writes an ISO 8601 datetime`);
      }
      return checkTimestamp(value, shows);
    case 'integer':
      return /^-?\d+$/.test(value) ? NONE : one(FORMAT.integer.code, `${show(value, shows)}is not a whole number`);
    case 'boolean':
      if (value === 'true' || value === 'false') return NONE;
      return BOOLEAN_LIKE.test(value)
        ? one(FORMAT.booleanLiteral.code, `${show(value, shows)}is read as a boolean; Lead has not said how booleans are written, and lead-etl writes true or false`)
        : one(FORMAT.boolean.code, `${show(value, shows)}is not true or false`);
    case 'array':
      return checkArray(value, type.values);
    case 'documents': {
      const result = formatValue(type, value, { timestampZone: 'UTC', programCurrency: context.programCurrency, excessPrecision: 'error', row: {} });
      return result.ok ? NONE : one(FORMAT.documents.code, result.message);
    }
  }
}

function checkMoney(type: Extract<ColumnType, { kind: 'money' }>, value: string, shows: boolean, context: FormatContext): ValueProblem[] {
  if (!MONEY.test(value)) return [{ rule: FORMAT.money.code, message: `${show(value, shows)}is not a plain decimal amount such as -12.50` }];
  const code = type.currency === 'program' ? context.programCurrency : 'fixed' in type.currency ? type.currency.fixed : context.rowCurrency(type.currency.column);
  const digits = digitsOf(code);
  // No currency to judge the decimals by: the currency column has its own finding.
  if (digits < 0) return NONE;
  const point = value.indexOf('.');
  const decimals = point < 0 ? 0 : value.length - point - 1;
  if (type.unitsUnknown && point < 0 && digits > 0) {
    return [{ rule: FORMAT.moneyWholeUnits.code, message: `${show(value, shows)}is a whole number; Lead has not said whether this amount is in ${code} or in cents, and lead-etl writes ${code} with ${digits} decimals` }];
  }
  const precision = precisionOf(type.decimals ?? 'exact', context);
  if (decimals === digits || (decimals > digits && precision === 'at-least')) return NONE;
  if (decimals > digits && precision === 'unknown') {
    return [{ rule: FORMAT.moneyExtraDecimals.code, message: `${show(value, shows)}has ${decimals} decimals; Lead has not said whether this file takes more than ${code}'s ${digits}` }];
  }
  const wanted = precision === 'at-least' || precision === 'unknown' ? `at least ${digits}` : `exactly ${digits}`;
  return [{ rule: FORMAT.moneyDecimals.code, message: `${show(value, shows)}has ${decimals} decimal(s); ${code} amounts here have ${wanted}` }];
}

/** A deposit transaction's amount takes extra decimals; a credit one, or one whose balance is not known outside a deposit program, does not. */
function precisionOf(decimals: MoneyDecimals, context: FormatContext): 'exact' | 'at-least' | 'unknown' {
  if (decimals !== 'at-least-if-deposit') return decimals;
  const type = context.balanceType();
  return type === 'deposit' || (type === undefined && context.depositProgram) ? 'at-least' : 'exact';
}

// Intl answers the minor digits of a currency slowly; a file asks the same few currencies on every row.
// -1 for a code that is no currency (never kept: only the few ISO codes are).
const DIGITS = new Map<string, number>();
function digitsOf(code: string): number {
  let digits = DIGITS.get(code);
  if (digits === undefined) {
    if (!isKnownCurrency(code)) return -1;
    DIGITS.set(code, (digits = minorDigits(code)));
  }
  return digits;
}

function checkTimestamp(value: string, shows: boolean): ValueProblem[] {
  const instant = isoInstant(value);
  if (instant === undefined) {
    return [{ rule: FORMAT.timestamp.code, message: `${show(value, shows)}is not an ISO 8601 date and time such as 2026-03-05T09:30:00-06:00` }];
  }
  if (Number.isNaN(instant)) {
    return [{ rule: FORMAT.timestampOffset.code, message: `${show(value, shows)}has no UTC offset; add Z or the offset (-06:00 in Chicago winter) so the instant is unambiguous` }];
  }
  return NONE;
}

/** Ids in double quotes separated by commas, as Lead's Accounts page shows them (`"entity_123", "entity_456"`). */
const COMMA_LIST = /^\s*"[^",[\]\s]+"(?:\s*,\s*"[^",[\]\s]+")*\s*$/;

function checkArray(value: string, allowed: readonly string[] | undefined): ValueProblem[] {
  // JSON.parse would read it as these strings: no array of them is built unless they are to be judged.
  if (PLAIN_ID_LIST.test(value)) {
    if (!allowed) return NONE;
    const unknown = value.slice(2, -2).split('","').filter((item) => !allowed.includes(item));
    return unknown.length === 0 ? NONE : [{ rule: FORMAT.arrayEnum.code, message: `"${unknown.join('", "')}" not among ${allowed.join(', ')}` }];
  }
  let items: unknown;
  try {
    items = JSON.parse(value);
  } catch {
    items = undefined;
  }
  const problems: ValueProblem[] = [];
  if (!Array.isArray(items) || !items.every((item) => typeof item === 'string' && item !== '')) {
    if (!COMMA_LIST.test(value)) return [{ rule: FORMAT.array.code, message: 'is not a JSON array of ids such as ["cus_1","cus_2"]' }];
    items = value.split(',').map((part) => part.trim().slice(1, -1));
    problems.push({ rule: FORMAT.arrayEncoding.code, message: 'is a list separated by commas, as Lead\'s Accounts page shows it; lead-etl writes a JSON array (["cus_1","cus_2"]) and Lead has not confirmed either' });
  }
  // Role codes are not personal data; the message may name them.
  const unknown = allowed ? (items as string[]).filter((item) => !allowed.includes(item)) : [];
  if (unknown.length > 0) return [{ rule: FORMAT.arrayEnum.code, message: `"${unknown.join('", "')}" not among ${allowed!.join(', ')}` }];
  return problems;
}

/** An optional value written as the word null (the Non-posted page's wording): read as empty, with a warning. */
export const isNullLiteral = (value: string): boolean => value === 'null' || value === 'NULL';
