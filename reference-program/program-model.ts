import type { DateTime } from 'luxon';
import type { FileDate } from '../core/file-date.js';
import type { DepositEventType } from './event-types.js';
import type { HolderType } from './ledger-rows.js';

/**
 * The generator's picture of the deposit program while it simulates: what each account and balance
 * holds right now, in integer cents. The database only ever receives rows; these records are how the
 * generator keeps balances from going negative and knows what a closing account has to pay out.
 */
export type { HolderType } from './ledger-rows.js';

/** A customer as the rest of the simulation refers to it. */
export interface Party {
  readonly customerId: string;
  /** As it appears on statements and on the other side of a P2P payment. */
  readonly name: string;
}

/** What becomes of an account after it opens; decided when it is planned, in day indexes. */
export type AccountFate =
  | { readonly kind: 'ordinary' }
  | { readonly kind: 'frozen'; readonly freezeDay: number; readonly unfreezeDay: number | undefined }
  /** Emptied to exactly zero on drainDay, closed on a later closeDay with nothing in between. */
  | { readonly kind: 'closing'; drainDay: number; closeDay: number };

export interface ApplicationPlan {
  readonly day: number;
  readonly holderType: HolderType;
  readonly jointHolder: boolean;
  readonly authorizedUser: boolean;
  readonly savingsAtOpening: boolean;
  /** A savings balance added on a later day: a new, zero balance in that day's file. */
  readonly savingsLaterDay: number | undefined;
  readonly withCard: boolean;
  readonly fate: AccountFate;
}

export interface PayrollPlan {
  /** ISO weekday the pay settles on, 1 = Monday. */
  readonly weekday: number;
  readonly everyOtherWeek: boolean;
  readonly cents: bigint;
  readonly employer: string;
}

export type CardStatus = 'active' | 'inactive' | 'closed';

export interface CardState {
  readonly id: string;
  readonly bin: string;
  readonly accountId: string;
  readonly holder: Party;
  readonly productName: string;
  readonly cardType: 'consumer' | 'commercial';
  /** inactive while its account is frozen; closed is for good. */
  status: CardStatus;
  /** The card that replaced this one, once it was reported lost or stolen. */
  replacedBy?: CardState;
}

/** The card now in use in place of `card`: itself, or the end of its chain of replacements. */
export function currentCard(card: CardState): CardState {
  let current = card;
  while (current.replacedBy) current = current.replacedBy;
  return current;
}

export interface PurchaseMemo {
  readonly cents: bigint;
  readonly cashback: bigint;
  readonly merchant: string;
  readonly card: CardState;
}

export type Status = 'active' | 'inactive' | 'closed';

/** What the book needs of any deposit balance, a secured card's security deposit included. */
export interface DepositBalance {
  readonly id: string;
  status: Status;
  /** Lead's `balance`: every posted amount except interest accrued. Never below zero. */
  available: bigint;
  /** Lead's `interest_accrued_balance`: accrued, not yet paid. */
  accruedInterest: bigint;
  /** Interest smaller than a cent, carried to the next day as a numerator over INTEREST_DENOMINATOR. */
  interestCarry: bigint;
  /** Lead's `rewards_balance`: cashback earned and not yet redeemed. */
  rewards: bigint;
}

/** What the book needs of a credit balance: what is owed, split as Lead's Balances file splits it. */
export interface CreditBalance {
  readonly id: string;
  status: Status;
  principal: bigint;
  interest: bigint;
  fees: bigint;
}

export const owed = (balance: CreditBalance): bigint => balance.principal + balance.interest + balance.fees;

export interface BalanceState extends DepositBalance {
  readonly kind: 'checking' | 'savings';
  readonly account: AccountState;
  /** Recent card purchases, for refunds. */
  readonly purchases: PurchaseMemo[];
}

export interface AccountState {
  readonly id: string;
  /** The holder's name as it appears on statements and on the other side of a P2P payment. */
  readonly displayName: string;
  readonly plan: ApplicationPlan;
  readonly openedDay: number;
  readonly fate: AccountFate;
  status: Status;
  /** From the drain until the close: the balances are empty and must stay so. */
  draining: boolean;
  /** Day of the month fees, interest payouts and cashback redemptions happen (1-28). */
  readonly cycleDay: number;
  /** Monthly maintenance fee in cents; 0 when the plan has none. */
  readonly maintenanceFee: bigint;
  readonly payroll: PayrollPlan | undefined;
  readonly cards: CardState[];
  /** Its authorized users (a business's owner carries its card as one), taken off when it closes. */
  readonly users: Party[];
  readonly checking: BalanceState;
  savings: BalanceState | undefined;
  /** Pending items that will post to this account: it cannot be drained while any remain. */
  pendingCount: number;
}

export interface PendingItem {
  readonly id: string;
  readonly balance: BalanceState;
  /** False while the beneficiary is not yet identified: the row's balance_id is then null. */
  readonly matched: boolean;
  readonly eventType: DepositEventType;
  readonly cents: bigint;
  readonly settledAt: DateTime;
  readonly settlementDate: FileDate;
  /** The first business date it may post; pushed on while the balance cannot take it. */
  postOn: FileDate;
  readonly note: string;
  readonly description: string;
}

/** Daily interest on savings: cents × APY basis points / (10 000 × 365), exact in integers. */
export const SAVINGS_APY_BASIS_POINTS = 375n;
export const INTEREST_DENOMINATOR = 10_000n * 365n;

export function isOpenForActivity(balance: BalanceState): boolean {
  return balance.status === 'active' && !balance.account.draining;
}

export const isUsable = (card: CardState): boolean => card.status === 'active';

