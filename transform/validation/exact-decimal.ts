/**
 * Exact decimal amounts for the roll-forwards: integer units and a scale, summed in BigInt. Deposit
 * transactions may carry more decimals than the currency (`11.500`), so amounts of different scales
 * are added by widening, never by rounding, and never through a JS number.
 */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

export const ZERO: Decimal = { units: 0n, scale: 0 };

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** A plain decimal string to a Decimal; undefined when it is not one (the format stage says why). */
export function parseDecimal(text: string): Decimal | undefined {
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const fraction = match[3] ?? '';
  const units = BigInt(match[2]! + fraction);
  return { units: match[1] ? -units : units, scale: fraction.length };
}

function widen(value: Decimal, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

export function add(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { units: widen(a, scale) + widen(b, scale), scale };
}

export function subtract(a: Decimal, b: Decimal): Decimal {
  return add(a, { units: -b.units, scale: b.scale });
}

export function equals(a: Decimal, b: Decimal): boolean {
  const scale = Math.max(a.scale, b.scale);
  return widen(a, scale) === widen(b, scale);
}

export function sign(value: Decimal): -1 | 0 | 1 {
  return value.units < 0n ? -1 : value.units > 0n ? 1 : 0;
}

/** At least `minScale` decimals, for messages: 5408.6 at 2 → "5408.60". */
export function formatDecimal(value: Decimal, minScale = 2): string {
  const scale = Math.max(value.scale, minScale);
  const units = widen(value, scale);
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const body = scale > 0 ? `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}` : digits;
  return negative ? `-${body}` : body;
}
