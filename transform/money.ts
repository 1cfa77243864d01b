import Big from 'big.js';
import { LeadEtlError } from '../core/errors.js';

/**
 * The one decimal module, for mapping and validation alike. Money travels as decimal strings (what pg and
 * PGlite hand back for numeric) and is written in major units with exactly the currency's minor digits:
 * `12.50`, `-3.00`, `0.00`. No step goes through a JS number, so 0.1 + 0.2 style drift cannot happen and
 * amounts of any size stay exact.
 *
 * Two paths: writing and checking an amount's text is string work (a scan, a slice), with no allocation
 * but the output, because it runs for every money cell; arithmetic (roll-forward sums, compositions,
 * rounding) is big.js, whose add and subtract are exact at any size.
 */
export type ExcessPrecision = 'error' | 'round-half-even';

/** A decimal number for arithmetic. big.js objects are immutable. */
export type Decimal = Big.Big;

/** big.js on its own constructor: strict (a JS number is refused), and never in exponential notation. */
const Dec = Big();
Dec.strict = true;
Dec.NE = -1_000_000;
Dec.PE = 1_000_000;

const ROUND_HALF_EVEN = 2;

// ---- Currencies ---------------------------------------------------------------------------------------

let knownCurrencies: Set<string> | undefined;
const digitsByCurrency = new Map<string, number>();

/** Whether `code` is an upper-case ISO 4217 code this runtime knows: one set lookup per cell. */
export function isKnownCurrency(code: string): boolean {
  // Only upper-case three-letter codes are kept, so membership is the whole check.
  knownCurrencies ??= new Set(Intl.supportedValuesOf('currency').filter((c) => /^[A-Z]{3}$/.test(c)));
  return knownCurrencies.has(code);
}

/** The currency's minor digits (ISO 4217: USD 2, JPY 0, KWD 3), worked out once per currency. */
export function minorDigits(currencyCode: string): number {
  const cached = digitsByCurrency.get(currencyCode);
  if (cached !== undefined) return cached;
  if (!isKnownCurrency(currencyCode)) {
    throw new LeadEtlError('ROW_INVALID', `"${currencyCode}" is not an ISO 4217 currency code`);
  }
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency: currencyCode }).resolvedOptions().maximumFractionDigits ?? 2;
  digitsByCurrency.set(currencyCode, digits);
  return digits;
}

// ---- Decimal text ---------------------------------------------------------------------------------------

const ZERO_CODE = 48;
const NINE_CODE = 57;
const isDigit = (code: number) => code >= ZERO_CODE && code <= NINE_CODE;

/**
 * Where the `.` of a plain decimal (`-0012.3400`) is, found by one scan: an optional sign, digits, and
 * an optional fraction of one or more digits. The text's length when there is no `.`; -1 for anything
 * else (`1e3`, `12,50`, ` 1`, `.5`). A number, not an object: it runs for every money cell.
 */
function dotOf(text: string, allowPlus: boolean): number {
  const whole = wholeOf(text, allowPlus);
  let i = whole;
  while (i < text.length && isDigit(text.charCodeAt(i))) i += 1;
  if (i === whole) return -1;
  const dot = i;
  if (i === text.length) return dot;
  if (text.charCodeAt(i) !== 46 /* . */) return -1;
  i += 1;
  if (i === text.length) return -1;
  while (i < text.length && isDigit(text.charCodeAt(i))) i += 1;
  return i === text.length ? dot : -1;
}

/** Index of the first digit of the whole part (after the sign). */
function wholeOf(text: string, allowPlus: boolean): number {
  const first = text.charCodeAt(0);
  return first === 45 /* - */ || (allowPlus && first === 43) /* + */ ? 1 : 0;
}

/** Whether text is a plain decimal number: `-12.50`, `7`, `0.001` (no `+`, no exponent, no separators). */
export function isPlainDecimal(text: string): boolean {
  return dotOf(text, false) >= 0;
}

/** The number of decimals a plain decimal is written with (`11.500` has 3); undefined when it is not one. */
export function decimalsOf(text: string): number | undefined {
  const dot = dotOf(text, false);
  return dot < 0 ? undefined : dot === text.length ? 0 : text.length - dot - 1;
}

function allZeros(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i += 1) if (text.charCodeAt(i) !== ZERO_CODE) return false;
  return true;
}

// ---- Writing an amount ------------------------------------------------------------------------------------

export type MoneyProblem = 'not-decimal' | 'float' | 'precision';

export type MoneyResult = { ok: true; text: string } | { ok: false; problem: MoneyProblem; detail: string };

export interface MoneyFailure {
  readonly problem: MoneyProblem;
  readonly detail: string;
}

/**
 * Formats a decimal amount with `digits` minor digits. Extra digits that are zero are dropped; extra
 * digits that are not zero are an error by default (the ledger holds value Lead's file cannot carry),
 * or rounded half-to-even when the program chose that.
 */
export function formatMoney(value: unknown, digits: number, excess: ExcessPrecision = 'error'): MoneyResult {
  const result = moneyText(value, digits, excess);
  return typeof result === 'string' ? { ok: true, text: result } : { ok: false, ...result };
}

/** formatMoney for the hot path: the text itself, or why not (nothing else is allocated for a good amount). */
export function moneyText(value: unknown, digits: number, excess: ExcessPrecision = 'error'): string | MoneyFailure {
  if (typeof value === 'number') {
    return { problem: 'float', detail: 'arrived as a JS number; return money as numeric or text from the query' };
  }
  const text = typeof value === 'bigint' ? value.toString() : typeof value === 'string' ? trimmed(value) : undefined;
  const dot = text === undefined ? -1 : dotOf(text, true);
  if (text === undefined || dot < 0) return { problem: 'not-decimal', detail: 'is not a plain decimal number' };
  const fraction = dot === text.length ? 0 : text.length - dot - 1;
  const kept = dot + 1 + digits;
  if (fraction > digits && !allZeros(text, kept, text.length)) {
    if (excess === 'error') {
      return { problem: 'precision', detail: `has ${fraction} decimals, more than the currency's ${digits}` };
    }
    return withoutNegativeZero(new Dec(text.charCodeAt(0) === 43 ? text.slice(1) : text).round(digits, ROUND_HALF_EVEN).toFixed(digits));
  }
  return normalized(text, wholeOf(text, true), dot, fraction, digits);
}

/** The text without surrounding white space; the ledger's usual text has none, and is returned as it is. */
function trimmed(value: string): string {
  const first = value.charCodeAt(0);
  return (isDigit(first) || first === 45 || first === 43) && isDigit(value.charCodeAt(value.length - 1)) ? value : value.trim();
}

/**
 * The amount written with exactly `digits` decimals, its value unchanged (the digits past them are zeros):
 * no `+`, no leading zeros, never `-0.00`. The ledger's usual `-12.3400` is one slice.
 */
function normalized(text: string, whole: number, dot: number, fraction: number, digits: number): string {
  let start = whole;
  while (start < dot - 1 && text.charCodeAt(start) === ZERO_CODE) start += 1;
  const kept = Math.min(fraction, digits);
  const end = kept === 0 ? dot : dot + 1 + kept;
  const isZero = allZeros(text, start, dot) && allZeros(text, dot + 1, end);
  const negative = text.charCodeAt(0) === 45 && !isZero;
  if (kept === digits && start === whole && (negative || whole === 0)) return digits === 0 ? text.slice(0, dot) : text.slice(0, end);
  const body = digits === 0 ? text.slice(start, dot) : `${text.slice(start, dot)}.${kept > 0 ? text.slice(dot + 1, end) : ''}${'0'.repeat(digits - kept)}`;
  return negative ? `-${body}` : body;
}

function withoutNegativeZero(text: string): string {
  return text.charCodeAt(0) === 45 && /^-[0.]*$/.test(text) ? text.slice(1) : text;
}

// ---- Integer minor units ----------------------------------------------------------------------------------

/** Integer minor units to a decimal string: 1250n, 2 → "12.50"; never "-0.00". */
export function unitsToDecimal(units: bigint, digits: number): string {
  const negative = units < 0n;
  const abs = (negative ? -units : units).toString().padStart(digits + 1, '0');
  const whole = abs.slice(0, abs.length - digits);
  const fraction = abs.slice(abs.length - digits);
  const body = digits > 0 ? `${whole}.${fraction}` : whole;
  return negative && units !== 0n ? `-${body}` : body;
}

const POWERS_OF_TEN: bigint[] = [1n];

/** 10^n as a BigInt, to bring integer units from one scale to a larger one (kept once computed). */
export function powerOfTen(n: number): bigint {
  while (POWERS_OF_TEN.length <= n) POWERS_OF_TEN.push(POWERS_OF_TEN[POWERS_OF_TEN.length - 1]! * 10n);
  return POWERS_OF_TEN[n]!;
}

/** A decimal string to integer units at `digits` (exact; the caller has formatted it first). */
export function decimalToUnits(text: string, digits: number): bigint {
  const plain = text.trim();
  const dot = dotOf(plain, true);
  if (dot < 0) throw new LeadEtlError('ROW_INVALID', `"${text}" is not a decimal number`);
  const fraction = (dot === plain.length ? '' : plain.slice(dot + 1)).padEnd(digits, '0');
  if (!allZeros(fraction, digits, fraction.length)) throw new LeadEtlError('ROW_INVALID', `"${text}" has more than ${digits} decimals`);
  const units = BigInt(plain.slice(wholeOf(plain, true), dot) + fraction.slice(0, digits));
  return plain.charCodeAt(0) === 45 ? -units : units;
}

// ---- Arithmetic (big.js) -------------------------------------------------------------------------------------

export const ZERO: Decimal = new Dec('0');

/** A plain decimal string to a Decimal; undefined when it is not one (the format stage says why). */
export function parseDecimal(text: string): Decimal | undefined {
  return isPlainDecimal(text) ? new Dec(text) : undefined;
}

export const add = (a: Decimal, b: Decimal): Decimal => a.plus(b);
export const subtract = (a: Decimal, b: Decimal): Decimal => a.minus(b);
export const negate = (a: Decimal): Decimal => a.neg();
export const equals = (a: Decimal, b: Decimal): boolean => a.eq(b);
export const sign = (value: Decimal): -1 | 0 | 1 => value.cmp(ZERO);

/** At least `minScale` decimals, for messages: 5408.6 at 2 → "5408.60", 11.005 → "11.005". */
export function formatDecimal(value: Decimal, minScale = 2): string {
  // big.js keeps digits in `c` and the exponent in `e`: the decimals written are the digits past the point.
  const decimals = Math.max(0, value.c.length - value.e - 1);
  return withoutNegativeZero(value.toFixed(Math.max(decimals, minScale)));
}
