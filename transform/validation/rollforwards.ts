import { add, equals, formatDecimal, negate, ZERO, type Decimal } from '../money.js';
import type { RuleInfo } from './rule-types.js';

/**
 * How a balance roll-forward is computed (financial-validations.md §3 deposit, §4 credit): a Balances
 * column must equal yesterday's value plus a sum of the day's transactions. The formulas themselves are
 * the Balances file type's rules (transform/file-types/balances.ts); this is the arithmetic.
 */
export type SummedColumn = 'amount' | 'principal_amount' | 'rewards_amount';

export interface Term {
  readonly sum: SummedColumn;
  readonly types: { readonly only: readonly string[] } | { readonly except: readonly string[] };
  readonly negate?: boolean;
}

export interface Rollforward {
  readonly rule: RuleInfo;
  readonly balanceType: 'deposit' | 'credit';
  /** Lead's name of the Balances column rolled forward. */
  readonly column: string;
  readonly terms: readonly Term[];
  /** An empty value today: skip the check (an optional column not reported) or read it as 0. */
  readonly empty: 'skip' | 'zero';
}

/** One balance's transactions of a day, summed per transaction type. */
export type DayActivity = Map<string, Readonly<Record<SummedColumn, Decimal>>>;

export function addActivity(activity: DayActivity, type: string, values: Readonly<Record<SummedColumn, Decimal>>): void {
  const sums = activity.get(type) ?? { amount: ZERO, principal_amount: ZERO, rewards_amount: ZERO };
  activity.set(type, {
    amount: add(sums.amount, values.amount),
    principal_amount: add(sums.principal_amount, values.principal_amount),
    rewards_amount: add(sums.rewards_amount, values.rewards_amount),
  });
}

export function activityFor(rule: Rollforward, activity: DayActivity | undefined): Decimal {
  let total = ZERO;
  for (const term of rule.terms) {
    for (const [type, sums] of activity ?? []) {
      const counted = 'only' in term.types ? term.types.only.includes(type) : !term.types.except.includes(type);
      if (!counted) continue;
      const value = sums[term.sum];
      total = add(total, term.negate ? negate(value) : value);
    }
  }
  return total;
}

/** Whether today's value is yesterday's plus the day's activity; the message when it is not. */
export function rollForward(rule: Rollforward, balanceId: string, today: Decimal, yesterday: Decimal, activity: Decimal, dates: { today: string; yesterday: string }): string | undefined {
  const expected = add(yesterday, activity);
  if (equals(today, expected)) return undefined;
  const what = rule.terms
    .map((t) => `${t.negate ? '− ' : ''}Σ ${t.sum} ${'only' in t.types ? `of ${t.types.only.join(', ')}` : `except ${t.types.except.join(', ')}`}`)
    .join(' ');
  return `${rule.column} of ${balanceId} is ${formatDecimal(today)}; ${formatDecimal(yesterday)} in the file of ${dates.yesterday} + ${formatDecimal(activity)} from the transactions of ${dates.today} (${what}) = ${formatDecimal(expected)}`;
}
