import { add, equals, formatDecimal, negate, ZERO, type Decimal } from './exact-decimal.js';
import type { RuleCode } from './rule-catalog.js';

/**
 * Lead's balance roll-forwards (financial-validations.md §3 deposit, §4 credit) as data: each says which
 * Balances column must equal yesterday's value plus which sum of the day's transactions. Only the
 * formulas Lead's pages give whole are here; the credit fee, interest, past-due, dispute and charge-off
 * rules were cut off on the page we have.
 */
export type SummedColumn = 'amount' | 'principal_amount' | 'rewards_amount';

export interface Term {
  readonly sum: SummedColumn;
  readonly types: { readonly only: readonly string[] } | { readonly except: readonly string[] };
  readonly negate?: boolean;
}

export interface Rollforward {
  readonly code: RuleCode;
  readonly balanceType: 'deposit' | 'credit';
  /** Lead's name of the Balances column rolled forward. */
  readonly column: string;
  readonly terms: readonly Term[];
  /** An empty value today: skip the check (an optional column not reported) or read it as 0. */
  readonly empty: 'skip' | 'zero';
}

export const ROLLFORWARDS: readonly Rollforward[] = [
  { code: 'cross.rollforward.deposit', balanceType: 'deposit', column: 'balance', empty: 'skip', terms: [{ sum: 'amount', types: { except: ['interest_accrued', 'dispute_won'] } }] },
  {
    code: 'cross.rollforward.deposit_rewards', balanceType: 'deposit', column: 'rewards_balance', empty: 'skip',
    terms: [{ sum: 'rewards_amount', types: { only: ['rewards_earned', 'rewards_spent', 'rewards_redeemed', 'debit', 'refund', 'credit'] } }],
  },
  {
    code: 'cross.rollforward.deposit_interest', balanceType: 'deposit', column: 'interest_accrued_balance', empty: 'skip',
    terms: [{ sum: 'amount', types: { only: ['interest_accrued'] } }, { sum: 'amount', types: { only: ['interest_paid'] }, negate: true }],
  },
  // Lead has not said how dispute_won is signed (financial-validations.md §3): the formula is checked as written.
  { code: 'cross.rollforward.deposit_dispute', balanceType: 'deposit', column: 'dispute_balance', empty: 'skip', terms: [{ sum: 'amount', types: { only: ['dispute_provisional', 'dispute_won', 'dispute_lost'] } }] },
  { code: 'cross.rollforward.deposit_charge_off', balanceType: 'deposit', column: 'charge_off_balance', empty: 'skip', terms: [{ sum: 'amount', types: { only: ['charge_off', 'charge_off_recovery'] } }] },
  { code: 'cross.rollforward.credit', balanceType: 'credit', column: 'balance', empty: 'skip', terms: [{ sum: 'amount', types: { except: ['charge_off_recovery', 'dispute_won'] } }] },
  {
    code: 'cross.rollforward.credit_principal', balanceType: 'credit', column: 'outstanding_principal', empty: 'zero',
    terms: [{ sum: 'principal_amount', types: { except: ['fee', 'interest_accrued', 'charge_off_recovery', 'dispute_won'] } }],
  },
];

/** The Balances columns the roll-forwards read, to keep of each balance from one day to the next. */
export const ROLLED_COLUMNS: readonly string[] = [...new Set(ROLLFORWARDS.map((r) => r.column))];

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
