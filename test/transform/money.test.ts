import { describe, expect, it } from 'vitest';
import Big from 'big.js';
import {
  add, decimalsOf, decimalToUnits, equals, formatDecimal, formatMoney, minorDigits, negate, parseDecimal, sign, subtract, unitsToDecimal, ZERO,
} from '../../transform/money.js';

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

describe('the string path agrees with big.js', () => {
  // Every shape of ledger text: signs, leading zeros, no fraction, short and long fractions, zeros.
  const wholes = ['0', '00', '7', '007', '12', '100', '9007199254740993', '123456789012345678901234567'];
  const fractions = ['', '.0', '.5', '.05', '.50', '.5000', '.3400', '.0000', '.001', '.999', '.125', '.135', '.1251'];
  const texts = ['', '-', '+'].flatMap((s) => wholes.flatMap((w) => fractions.map((f) => `${s}${w}${f}`)));

  it('writes every exact amount as big.js does, never -0', () => {
    for (const text of texts) {
      for (const digits of [0, 2, 3]) {
        const result = formatMoney(text, digits);
        const fraction = text.split('.')[1] ?? '';
        if (!/^0*$/.test(fraction.slice(digits))) {
          expect(result, text).toMatchObject({ ok: false, problem: 'precision' });
          continue;
        }
        const expected = new Big(text.replace('+', '')).toFixed(digits).replace(/^-([0.]*)$/, '$1');
        expect(result, `${text} at ${digits}`).toEqual(ok(expected));
      }
    }
  });

  it('rounds every amount half to even as big.js does', () => {
    for (const text of texts) {
      const expected = new Big(text.replace('+', '')).round(2, 2).toFixed(2).replace(/^-([0.]*)$/, '$1');
      expect(formatMoney(text, 2, 'round-half-even'), text).toEqual(ok(expected));
    }
  });

  it('refuses what is not a plain decimal', () => {
    for (const text of ['.5', '5.', '1e3', '--1', '+-1', '1.2.3', '0x10', '１２', 'NaN', 'Infinity', '1_000']) {
      expect(formatMoney(text, 2), text).toMatchObject({ ok: false, problem: 'not-decimal' });
    }
    expect(formatMoney(' 12.50 ', 2)).toEqual(ok('12.50'));
    expect(formatMoney('\u00a012.50\u00a0', 2)).toEqual(ok('12.50'));
    expect(formatMoney(1250n, 2)).toEqual(ok('1250.00'));
  });
});

describe('decimal arithmetic', () => {
  it('adds and subtracts exactly at any size and scale', () => {
    const sum = ['0.1', '0.2', '11.500', '-0.0001', '9007199254740993.01'].map((t) => parseDecimal(t)!).reduce(add, ZERO);
    expect(formatDecimal(sum)).toBe('9007199254741004.8099');
    expect(equals(subtract(parseDecimal('5408.60')!, parseDecimal('5408.6')!), ZERO)).toBe(true);
    expect(formatDecimal(negate(parseDecimal('3')!))).toBe('-3.00');
    expect([sign(parseDecimal('-0.01')!), sign(ZERO), sign(parseDecimal('0.01')!)]).toEqual([-1, 0, 1]);
  });

  it('reads only plain decimals, and writes no exponent and no -0', () => {
    expect(parseDecimal('1e3')).toBeUndefined();
    expect(parseDecimal('+1')).toBeUndefined();
    expect(parseDecimal('12,5')).toBeUndefined();
    expect(formatDecimal(parseDecimal('123456789012345678901234567.89')!)).toBe('123456789012345678901234567.89');
    expect(formatDecimal(parseDecimal('0.00000001')!)).toBe('0.00000001');
    expect(formatDecimal(parseDecimal('-0.00')!)).toBe('0.00');
    expect(decimalsOf('11.500')).toBe(3);
    expect(decimalsOf('11')).toBe(0);
    expect(decimalsOf('1e3')).toBeUndefined();
  });

  it('knows a currency\'s digits once asked, and still refuses an unknown one every time', () => {
    expect(minorDigits('USD')).toBe(2);
    expect(minorDigits('USD')).toBe(2);
    expect(() => minorDigits('usd')).toThrow(/ISO 4217/);
    expect(() => minorDigits('usd')).toThrow(/ISO 4217/);
  });
});
