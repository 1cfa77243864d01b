import { describe, expect, it } from 'vitest';
import { decimalToUnits, formatMoney, minorDigits, unitsToDecimal } from '../../transform/money.js';

const ok = (text: string) => ({ ok: true, text });

describe('money formatting', () => {
  it('pads to the currency minor digits', () => {
    expect(formatMoney('12.5', 2)).toEqual(ok('12.50'));
    expect(formatMoney('7', 2)).toEqual(ok('7.00'));
    expect(formatMoney('1500', 0)).toEqual(ok('1500'));
    expect(formatMoney('1.2', 3)).toEqual(ok('1.200'));
  });

  it('keeps the sign of negatives and never writes -0.00', () => {
    expect(formatMoney('-3', 2)).toEqual(ok('-3.00'));
    expect(formatMoney('-0.001', 2, 'round-half-even')).toEqual(ok('0.00'));
    expect(formatMoney('-0.0000', 2)).toEqual(ok('0.00'));
    expect(formatMoney('0', 2)).toEqual(ok('0.00'));
    expect(formatMoney('-0.05', 2)).toEqual(ok('-0.05'));
  });

  it('stays exact far beyond the range of a double', () => {
    expect(formatMoney('123456789012345678901234567.89', 2)).toEqual(ok('123456789012345678901234567.89'));
    expect(formatMoney('9007199254740993.01', 2)).toEqual(ok('9007199254740993.01'));
  });

  it('drops extra decimals that are zero and refuses ones that carry value', () => {
    expect(formatMoney('12.5000', 2)).toEqual(ok('12.50'));
    const result = formatMoney('12.345', 2);
    expect(result).toMatchObject({ ok: false, problem: 'precision' });
  });

  it('rounds half to even when the program asks for it', () => {
    expect(formatMoney('0.125', 2, 'round-half-even')).toEqual(ok('0.12'));
    expect(formatMoney('0.135', 2, 'round-half-even')).toEqual(ok('0.14'));
    expect(formatMoney('0.1251', 2, 'round-half-even')).toEqual(ok('0.13'));
    expect(formatMoney('-2.675', 2, 'round-half-even')).toEqual(ok('-2.68'));
    expect(formatMoney('9.999', 2, 'round-half-even')).toEqual(ok('10.00'));
  });

  it('refuses JS numbers and non-decimal text', () => {
    expect(formatMoney(12.5, 2)).toMatchObject({ ok: false, problem: 'float' });
    expect(formatMoney('1e3', 2)).toMatchObject({ ok: false, problem: 'not-decimal' });
    expect(formatMoney('12,50', 2)).toMatchObject({ ok: false, problem: 'not-decimal' });
    expect(formatMoney('', 2)).toMatchObject({ ok: false, problem: 'not-decimal' });
  });

  it('knows minor digits from ISO 4217', () => {
    expect(minorDigits('USD')).toBe(2);
    expect(minorDigits('JPY')).toBe(0);
    expect(minorDigits('KWD')).toBe(3);
    expect(() => minorDigits('XYZ')).toThrow(/ISO 4217/);
  });

  it('converts between units and decimals exactly', () => {
    expect(unitsToDecimal(1250n, 2)).toBe('12.50');
    expect(unitsToDecimal(-5n, 2)).toBe('-0.05');
    expect(unitsToDecimal(0n, 2)).toBe('0.00');
    expect(decimalToUnits('-12.50', 2)).toBe(-1250n);
    expect(decimalToUnits('0.1', 2) + decimalToUnits('0.2', 2)).toBe(30n);
  });
});
