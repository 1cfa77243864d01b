import { LeadEtlError } from '../core/errors.js';

/**
 * Money travels as decimal strings (what pg and PGlite hand back for numeric) and is written in major
 * units with exactly the currency's minor digits: `12.50`, `-3.00`, `0.00`. No step goes through a JS
 * number, so 0.1 + 0.2 style drift cannot happen and amounts of any size stay exact.
 */
export type ExcessPrecision = 'error' | 'round-half-even';

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

export function minorDigits(currencyCode: string): number {
  if (!isKnownCurrency(currencyCode)) {
    throw new LeadEtlError('ROW_INVALID', `"${currencyCode}" is not an ISO 4217 currency code`);
  }
  return new Intl.NumberFormat('en', { style: 'currency', currency: currencyCode }).resolvedOptions().maximumFractionDigits ?? 2;
}

let knownCurrencies: Set<string> | undefined;
export function isKnownCurrency(code: string): boolean {
  knownCurrencies ??= new Set(Intl.supportedValuesOf('currency'));
  return /^[A-Z]{3}$/.test(code) && knownCurrencies.has(code);
}

export type MoneyProblem = 'not-decimal' | 'float' | 'precision';

export type MoneyResult = { ok: true; text: string } | { ok: false; problem: MoneyProblem; detail: string };

/**
 * Formats a decimal amount with `digits` minor digits. Extra digits that are zero are dropped; extra
 * digits that are not zero are an error by default (the ledger holds value Lead's file cannot carry),
 * or rounded half-to-even when the program chose that.
 */
export function formatMoney(value: unknown, digits: number, excess: ExcessPrecision = 'error'): MoneyResult {
  if (typeof value === 'number') {
    return { ok: false, problem: 'float', detail: 'arrived as a JS number; return money as numeric or text from the query' };
  }
  const text = typeof value === 'bigint' ? value.toString() : typeof value === 'string' ? value.trim() : undefined;
  const match = text === undefined ? null : DECIMAL.exec(text);
  if (!match) return { ok: false, problem: 'not-decimal', detail: 'is not a plain decimal number' };
  const negative = match[1] === '-';
  const whole = match[2]!;
  const fraction = match[3] ?? '';

  let units = BigInt(whole + fraction.padEnd(digits, '0').slice(0, digits));
  const dropped = fraction.slice(digits);
  if (/[1-9]/.test(dropped)) {
    if (excess === 'error') {
      return { ok: false, problem: 'precision', detail: `has ${fraction.length} decimals, more than the currency's ${digits}` };
    }
    units = roundHalfEven(units, dropped);
  }
  return { ok: true, text: unitsToDecimal(negative ? -units : units, digits) };
}

function roundHalfEven(units: bigint, dropped: string): bigint {
  const first = dropped[0]!;
  const rest = dropped.slice(1);
  if (first > '5' || (first === '5' && /[1-9]/.test(rest))) return units + 1n;
  if (first === '5' && units % 2n === 1n) return units + 1n;
  return units;
}

/** Integer minor units to a decimal string: 1250n, 2 → "12.50"; never "-0.00". */
export function unitsToDecimal(units: bigint, digits: number): string {
  const negative = units < 0n;
  const abs = (negative ? -units : units).toString().padStart(digits + 1, '0');
  const whole = abs.slice(0, abs.length - digits);
  const fraction = abs.slice(abs.length - digits);
  const body = digits > 0 ? `${whole}.${fraction}` : whole;
  return negative && units !== 0n ? `-${body}` : body;
}

/** A decimal string to integer units at `digits` (exact; the caller has formatted it first). */
export function decimalToUnits(text: string, digits: number): bigint {
  const match = DECIMAL.exec(text.trim());
  if (!match) throw new LeadEtlError('ROW_INVALID', `"${text}" is not a decimal number`);
  const fraction = (match[3] ?? '').padEnd(digits, '0');
  if (/[1-9]/.test(fraction.slice(digits))) throw new LeadEtlError('ROW_INVALID', `"${text}" has more than ${digits} decimals`);
  const units = BigInt(match[2]! + fraction.slice(0, digits));
  return match[1] === '-' ? -units : units;
}
