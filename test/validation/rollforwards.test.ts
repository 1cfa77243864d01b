import { describe, expect, it } from 'vitest';
import { add, formatDecimal, negate, parseDecimal, ZERO, type Decimal } from '../../transform/money.js';
import { activityFor, addActivity, DayActivities, ROLLFORWARDS, type DayActivity, type SummedColumn } from '../../transform/validation/rollforwards.js';

const TYPES = ['credit', 'debit', 'interest_accrued', 'interest_paid', 'dispute_provisional', 'dispute_won', 'dispute_lost', 'charge_off', 'charge_off_recovery', 'rewards_earned', 'fee', 'disbursement'];

/** The formula's sum as Lead writes it: each transaction of a counted type, its column, signed. */
function expected(formula: (typeof ROLLFORWARDS)[number], transactions: readonly { type: string; values: Record<SummedColumn, string> }[]): Decimal {
  let total = ZERO;
  for (const { type, values } of transactions) {
    for (const term of formula.terms) {
      const counted = 'only' in term.types ? term.types.only.includes(type) : !term.types.except.includes(type);
      if (!counted || values[term.sum] === '') continue;
      const value = parseDecimal(values[term.sum])!;
      total = add(total, term.negate ? negate(value) : value);
    }
  }
  return total;
}

describe('roll-forward activity', () => {
  it('sums a balance\'s day per formula exactly, whatever decimals its amounts are written with', () => {
    // Amounts with 0 to 6 decimals, negative ones, empty ones and long ones, in an order that raises the scale midway.
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647);
    const amount = () => {
      const roll = next() % 10;
      if (roll === 0) return '';
      const decimals = next() % 7;
      const digits = String(next()).padStart(decimals + 1, '0');
      const text = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
      return next() % 3 === 0 ? `-${text}` : text;
    };
    const transactions = Array.from({ length: 400 }, () => ({
      type: TYPES[next() % TYPES.length]!,
      values: { amount: amount() || '0', principal_amount: amount(), rewards_amount: amount() },
    }));
    let day: DayActivity | undefined;
    for (const { type, values } of transactions) day = addActivity(day, type, values);
    for (const formula of ROLLFORWARDS) {
      expect(formatDecimal(activityFor(formula, day)), formula.rule.code).toBe(formatDecimal(expected(formula, transactions)));
    }
    // The scale went up as longer amounts came: sums kept earlier are not cut or shifted by it.
    expect(day!.scale).toBe(6);
  });

  it('is 0 for a balance with no transactions, and for a type no formula counts', () => {
    const day = addActivity(undefined, 'interest_accrued', { amount: '0.05', principal_amount: '', rewards_amount: '' });
    const deposit = ROLLFORWARDS.find((f) => f.rule.code === 'cross.rollforward.deposit')!;
    const interest = ROLLFORWARDS.find((f) => f.rule.code === 'cross.rollforward.deposit_interest')!;
    expect(formatDecimal(activityFor(deposit, day))).toBe('0.00');
    expect(formatDecimal(activityFor(interest, day))).toBe('0.05');
    expect(formatDecimal(activityFor(deposit, undefined))).toBe('0.00');
    // interest_paid takes away from the interest accrued.
    const paid = addActivity(day, 'interest_paid', { amount: '0.125', principal_amount: '', rewards_amount: '' });
    expect(formatDecimal(activityFor(interest, paid))).toBe('-0.075');
  });

  it('packed per balance, gives each balance the day addActivity gives it, scale included', () => {
    let seed = 11;
    const next = () => (seed = (seed * 48271) % 2147483647);
    const amount = () => {
      if (next() % 8 === 0) return '';
      const decimals = next() % 5;
      const digits = String(next()).padStart(decimals + 1, '0');
      const text = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
      return next() % 3 === 0 ? `-${text}` : text;
    };
    // More balances than one block of slots, with types no formula counts among them.
    const packed = new DayActivities();
    const loose = new Map<string, DayActivity>();
    for (let i = 0; i < 30000; i += 1) {
      const id = `b${next() % 5000}`;
      const type = [...TYPES, 'card_authorization'][next() % (TYPES.length + 1)]!;
      const values = { amount: amount() || '0', principal_amount: amount(), rewards_amount: amount() };
      packed.add(id, type, values);
      loose.set(id, addActivity(loose.get(id), type, values));
    }
    expect(packed.size).toBe(loose.size);
    for (const [id, day] of loose) expect(packed.get(id), id).toEqual(day);
    expect(packed.get('never-seen')).toBeUndefined();
  });

  it('packed, keeps a sum past int64, or a scale past a byte, exact', () => {
    const credit = ROLLFORWARDS.find((f) => f.rule.code === 'cross.rollforward.credit')!;
    const cases: { name: string; amounts: string[] }[] = [
      // Each fits int64 in minor units; their sum does not (int64 max is 9223372036854775807).
      { name: 'sum', amounts: ['92233720368547758.07', '0.01'] },
      // Out and back in: int64 arithmetic would wrap twice and look right; the exact copy is right.
      { name: 'back', amounts: ['92233720368547758.07', '0.01', '-1.5'] },
      { name: 'rescale', amounts: ['92233720368547758', '0.001'] },
      { name: 'negative', amounts: ['-92233720368547758.08', '-0.01'] },
      { name: 'one too big', amounts: ['1', '99999999999999999999999.99'] },
      { name: 'scale', amounts: ['1.5', `0.${'0'.repeat(300)}1`, '2'] },
    ];
    for (const { name, amounts } of cases) {
      const packed = new DayActivities();
      let loose: DayActivity | undefined;
      for (const text of amounts) {
        const values = { amount: text, principal_amount: '', rewards_amount: '' };
        packed.add(name, 'debit', values);
        packed.add('small', 'debit', { amount: '1.25', principal_amount: '', rewards_amount: '' });
        loose = addActivity(loose, 'debit', values);
      }
      expect(packed.get(name), name).toEqual(loose);
      expect(formatDecimal(activityFor(credit, packed.get(name))), name).toBe(formatDecimal(expected(credit, amounts.map((amount) => ({ type: 'debit', values: { amount, principal_amount: '', rewards_amount: '' } })))));
      // Another balance in the same block is not moved along with it.
      expect(packed.get('small')).toEqual({ scale: 2, sums: ROLLFORWARDS.map((f) => (f.rule.code.endsWith('.deposit') || f === credit ? 125n * BigInt(amounts.length) : 0n)) });
    }
  });
});
