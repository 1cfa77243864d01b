import { add, decimalsOf, decimalToUnits, equals, formatDecimal, parseDecimal, powerOfTen, unitsToDecimal, ZERO, type Decimal } from '../money.js';
import { rule } from './rule-kit.js';
import type { RuleInfo } from './rule-types.js';

/**
 * Lead's balance roll-forwards (financial-validations.md §3 deposit, §4 credit) and their arithmetic: a
 * Balances column must equal yesterday's value plus a sum of the day's transactions. The Balances file
 * type checks them when the date ends (balances.ts); the Transactions file sums its day for them as its
 * rows go by (transactions.ts), one exact sum per balance and formula, so what a big day keeps is a few
 * integers per balance rather than a decimal object per balance, transaction type and column.
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

/** Lead's roll-forwards, as far as its pages give them whole (the credit fee, interest, past-due, dispute and charge-off rules were cut off). */
export const ROLLFORWARDS: readonly Rollforward[] = [
  {
    rule: rule('cross.rollforward.deposit', 'doc', 'Deposit: balance(t) = balance(t-1) + Σ amount of the day\'s transactions, except interest_accrued and dispute_won.', 'financial-validations.md §3'),
    balanceType: 'deposit', column: 'balance', empty: 'skip', terms: [{ sum: 'amount', types: { except: ['interest_accrued', 'dispute_won'] } }],
  },
  {
    rule: rule('cross.rollforward.deposit_rewards', 'doc', 'Deposit: rewards_balance(t) = rewards_balance(t-1) + Σ rewards_amount of rewards_earned, rewards_spent, rewards_redeemed, debit, refund, credit.', 'financial-validations.md §3'),
    balanceType: 'deposit', column: 'rewards_balance', empty: 'skip',
    terms: [{ sum: 'rewards_amount', types: { only: ['rewards_earned', 'rewards_spent', 'rewards_redeemed', 'debit', 'refund', 'credit'] } }],
  },
  {
    rule: rule('cross.rollforward.deposit_interest', 'doc', 'Deposit: interest_accrued_balance(t) = interest_accrued_balance(t-1) + Σ interest_accrued amounts − Σ interest_paid amounts.', 'financial-validations.md §3'),
    balanceType: 'deposit', column: 'interest_accrued_balance', empty: 'skip',
    terms: [{ sum: 'amount', types: { only: ['interest_accrued'] } }, { sum: 'amount', types: { only: ['interest_paid'] }, negate: true }],
  },
  // Lead has not said how dispute_won is signed (financial-validations.md §3): the formula is checked as written.
  {
    rule: rule('cross.rollforward.deposit_dispute', 'doc', 'Deposit: dispute_balance(t) = dispute_balance(t-1) + Σ amount of dispute_provisional, dispute_won, dispute_lost.', 'financial-validations.md §3'),
    balanceType: 'deposit', column: 'dispute_balance', empty: 'skip', terms: [{ sum: 'amount', types: { only: ['dispute_provisional', 'dispute_won', 'dispute_lost'] } }],
  },
  {
    rule: rule('cross.rollforward.deposit_charge_off', 'doc', 'Deposit: charge_off_balance(t) = charge_off_balance(t-1) + Σ amount of charge_off, charge_off_recovery.', 'financial-validations.md §3'),
    balanceType: 'deposit', column: 'charge_off_balance', empty: 'skip', terms: [{ sum: 'amount', types: { only: ['charge_off', 'charge_off_recovery'] } }],
  },
  {
    rule: rule('cross.rollforward.credit', 'doc', 'Credit: balance(t) = balance(t-1) + Σ amount of the day\'s transactions, except charge_off_recovery and dispute_won.', 'financial-validations.md §4'),
    balanceType: 'credit', column: 'balance', empty: 'skip', terms: [{ sum: 'amount', types: { except: ['charge_off_recovery', 'dispute_won'] } }],
  },
  {
    rule: rule('cross.rollforward.credit_principal', 'doc', 'Credit: outstanding_principal(t) = outstanding_principal(t-1) + Σ principal_amount, except fee, interest_accrued, charge_off_recovery, dispute_won.', 'financial-validations.md §4'),
    balanceType: 'credit', column: 'outstanding_principal', empty: 'zero',
    terms: [{ sum: 'principal_amount', types: { except: ['fee', 'interest_accrued', 'charge_off_recovery', 'dispute_won'] } }],
  },
];

/**
 * One balance's transactions of a day, summed for each formula of ROLLFORWARDS (same index) whatever the
 * balance's type, which the Transactions file does not carry: exact integers at `scale` decimals, the most
 * any of its amounts had. A sum is linear, so adding each transaction to the formulas counting its type is
 * the same as summing per type first.
 */
export interface DayActivity {
  scale: number;
  readonly sums: bigint[];
}

/** What a transaction of a type adds to each formula: the column it reads and its sign, per formula index. */
type Contribution = readonly { readonly formula: number; readonly sum: SummedColumn; readonly negate: boolean }[];
const contributions = new Map<string, Contribution>();

/**
 * A contribution by summed column: each column a type adds is read once per transaction however many
 * formulas count it (`formulas`, `negate`: the same index), where DayActivities adds it.
 */
interface ColumnContribution {
  readonly columns: readonly { readonly sum: SummedColumn; readonly formulas: readonly number[]; readonly negate: readonly boolean[] }[];
}
const columnContributions = new Map<string, ColumnContribution>();

function columnContributionOf(type: string): ColumnContribution {
  let found = columnContributions.get(type);
  if (!found) {
    const columns: { sum: SummedColumn; formulas: number[]; negate: boolean[] }[] = [];
    for (const c of contributionOf(type)) {
      let column = columns.find((candidate) => candidate.sum === c.sum);
      if (!column) columns.push((column = { sum: c.sum, formulas: [], negate: [] }));
      column.formulas.push(c.formula);
      column.negate.push(c.negate);
    }
    columnContributions.set(type, (found = { columns }));
  }
  return found;
}

function contributionOf(type: string): Contribution {
  let found = contributions.get(type);
  if (!found) {
    found = ROLLFORWARDS.flatMap((formula, index) => formula.terms
      .filter((term) => ('only' in term.types ? term.types.only.includes(type) : !term.types.except.includes(type)))
      .map((term) => ({ formula: index, sum: term.sum, negate: term.negate === true })));
    contributions.set(type, found);
  }
  return found;
}

/** Adds one transaction of `type` (its summed columns as plain decimal text; '' counts as 0) to a balance's day. */
export function addActivity(activity: DayActivity | undefined, type: string, values: Readonly<Record<SummedColumn, string>>): DayActivity {
  const day = activity ?? { scale: 0, sums: ROLLFORWARDS.map(() => 0n) };
  const contribution = contributionOf(type);
  if (contribution.length === 0) return day;
  let scale = day.scale;
  for (const c of contribution) scale = Math.max(scale, decimalsOf(values[c.sum]) ?? 0);
  if (scale > day.scale) {
    const factor = powerOfTen(scale - day.scale);
    for (let i = 0; i < day.sums.length; i += 1) day.sums[i]! *= factor;
    day.scale = scale;
  }
  for (const c of contribution) {
    const text = values[c.sum];
    if (text === '') continue;
    const units = decimalToUnits(text, scale);
    day.sums[c.formula]! += c.negate ? -units : units;
  }
  return day;
}

const FORMULAS = ROLLFORWARDS.length;
/** Slots per block of the packed columns: blocks are added as balances come, never copied to grow. */
const BLOCK = 4096;
/** A slot's scale when its sums are kept as a DayActivity instead (they left int64, or the scale did not fit a byte). */
const SPILLED = 255;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const fitsInt64 = (value: bigint): boolean => value >= INT64_MIN && value <= INT64_MAX;

/**
 * The day's activity of every balance, packed: a big day has some 100k balances, and an object with an
 * array of 7 heap BigInts each cost ~250 bytes where 7 int64 columns and a scale byte cost 57. The sums
 * stay exact: a balance whose sum would leave int64 (or whose scale passes 254 decimals) is moved, as it
 * stands, to an exact DayActivity of its own and summed there from then on, with the same result.
 * Still one slot per balance of the day, as the roll-forwards need; only its size is smaller.
 */
export class DayActivities {
  private readonly slots = new Map<string, number>();
  private readonly scales: Uint8Array[] = [];
  private readonly sums: BigInt64Array[] = [];
  private readonly spilled = new Map<number, DayActivity>();
  /** Per formula, the pending new sum of the transaction being added (reused: a fixed size). */
  private readonly pending: bigint[] = ROLLFORWARDS.map(() => 0n);
  private readonly touched: boolean[] = ROLLFORWARDS.map(() => false);

  get size(): number {
    return this.slots.size;
  }

  /** As addActivity, for the balance `balanceId`. */
  add(balanceId: string, type: string, values: Readonly<Record<SummedColumn, string>>): void {
    let slot = this.slots.get(balanceId);
    if (slot === undefined) {
      slot = this.slots.size;
      this.slots.set(balanceId, slot);
      if (slot % BLOCK === 0) {
        this.scales.push(new Uint8Array(BLOCK));
        this.sums.push(new BigInt64Array(BLOCK * FORMULAS));
      }
    }
    const { columns } = columnContributionOf(type);
    if (columns.length === 0) return;
    const scales = this.scales[Math.floor(slot / BLOCK)]!;
    const at = slot % BLOCK;
    const old = scales[at]!;
    if (old === SPILLED) {
      addActivity(this.spilled.get(slot), type, values);
      return;
    }
    let scale = old;
    for (let k = 0; k < columns.length; k += 1) scale = Math.max(scale, decimalsOf(values[columns[k]!.sum]) ?? 0);
    const sums = this.sums[Math.floor(slot / BLOCK)]!;
    const base = at * FORMULAS;
    if (scale >= SPILLED) return this.spill(slot, type, values);
    if (scale > old) {
      const factor = powerOfTen(scale - old);
      for (let i = 0; i < FORMULAS; i += 1) if (!fitsInt64(sums[base + i]! * factor)) return this.spill(slot, type, values);
      for (let i = 0; i < FORMULAS; i += 1) sums[base + i]! *= factor;
      scales[at] = scale;
    }
    const { pending, touched } = this;
    for (let k = 0; k < columns.length; k += 1) {
      const { sum, formulas, negate } = columns[k]!;
      const text = values[sum];
      if (text === '') continue;
      const units = decimalToUnits(text, scale);
      for (let f = 0; f < formulas.length; f += 1) {
        const formula = formulas[f]!;
        pending[formula] = (touched[formula] ? pending[formula]! : sums[base + formula]!) + (negate[f] ? -units : units);
        touched[formula] = true;
      }
    }
    let fits = true;
    for (let i = 0; i < FORMULAS; i += 1) if (touched[i] && !fitsInt64(pending[i]!)) fits = false;
    for (let i = 0; i < FORMULAS; i += 1) {
      if (touched[i] && fits) sums[base + i] = pending[i]!;
      touched[i] = false;
    }
    // Nothing of this transaction was written: the exact copy adds it from the sums as they were.
    if (!fits) this.spill(slot, type, values);
  }

  /**
   * The balance's place, for scaleAt and unitsAt: what get() would build, read in place by the
   * roll-forward check of every balance of a day. Undefined when none of its transactions came.
   */
  slotOf(balanceId: string): number | undefined {
    return this.slots.get(balanceId);
  }

  /** The decimals of a slot's sums. */
  scaleAt(slot: number): number {
    const scale = this.scales[Math.floor(slot / BLOCK)]![slot % BLOCK]!;
    return scale === SPILLED ? this.spilled.get(slot)!.scale : scale;
  }

  /** A slot's sum for formula `formula` (ROLLFORWARDS' index), in integer units at scaleAt(slot) decimals. */
  unitsAt(slot: number, formula: number): bigint {
    const block = Math.floor(slot / BLOCK);
    if (this.scales[block]![slot % BLOCK] === SPILLED) return this.spilled.get(slot)!.sums[formula]!;
    return this.sums[block]![(slot % BLOCK) * FORMULAS + formula]!;
  }

  /** The balance's day as addActivity would have made it, or undefined when none of its transactions came. */
  get(balanceId: string): DayActivity | undefined {
    const slot = this.slots.get(balanceId);
    return slot === undefined ? undefined : this.at(slot);
  }

  private at(slot: number): DayActivity {
    const scale = this.scales[Math.floor(slot / BLOCK)]![slot % BLOCK]!;
    if (scale === SPILLED) return this.spilled.get(slot)!;
    const sums = this.sums[Math.floor(slot / BLOCK)]!;
    const base = (slot % BLOCK) * FORMULAS;
    return { scale, sums: ROLLFORWARDS.map((_, i) => sums[base + i]!) };
  }

  private spill(slot: number, type: string, values: Readonly<Record<SummedColumn, string>>): void {
    this.spilled.set(slot, addActivity(this.at(slot), type, values));
    this.scales[Math.floor(slot / BLOCK)]![slot % BLOCK] = SPILLED;
  }
}

/** The day's activity a formula adds to yesterday's value (0 for a balance with no transactions). */
export function activityFor(rule: Rollforward, activity: DayActivity | undefined): Decimal {
  const index = ROLLFORWARDS.indexOf(rule);
  if (!activity || index < 0) return ZERO;
  return parseDecimal(unitsToDecimal(activity.sums[index]!, activity.scale))!;
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
