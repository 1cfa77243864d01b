import type { DateTime } from 'luxon';
import type { FileDate } from '../core/file-date.js';
import { unitsToDecimal } from '../transform/money.js';
import { EVENT_TYPES, signOf, type CreditEventType, type DepositEventType } from './event-types.js';
import { isoInstant } from './ledger-day.js';
import type { LedgerWriter } from './ledger-writer.js';
import type { BalanceState, CardState, CreditBalance, DepositBalance, PendingItem } from './program-model.js';

/**
 * The only way money moves in the generator. Callers give magnitudes in cents (split into principal,
 * interest and fees on a credit balance); the book applies the event type's sign, refuses a debit a
 * deposit balance cannot cover, keeps the program picture in step with the rows it writes, and numbers
 * every record. A bug that would put activity on a closed balance, drive rewards below zero or leave a
 * card owing a negative part throws instead of writing a wrong ledger.
 */
export interface PostRequest {
  readonly balance: DepositBalance;
  readonly eventType: DepositEventType;
  /** Magnitude in cents, > 0. */
  readonly cents: bigint;
  readonly at: DateTime;
  readonly settlementDate: FileDate;
  readonly description: string;
  readonly card?: CardState;
  /** Signed cents of cashback earned (+) or taken back (-) with this entry. */
  readonly rewardsCents?: bigint;
  /** A pending item keeps its id when it posts. */
  readonly id?: string;
  /** When the entry reached the ledger, if later than `at` (a late arrival). */
  readonly recordedAt?: DateTime;
}

/** A credit entry: how it changes each part of what is owed, in signed cents; the amount is their sum. */
export interface CreditPostRequest {
  readonly balance: CreditBalance;
  readonly eventType: CreditEventType;
  readonly principal?: bigint;
  readonly interest?: bigint;
  readonly fees?: bigint;
  readonly at: DateTime;
  readonly settlementDate: FileDate;
  readonly description: string;
  readonly card?: CardState;
}

export interface SettleRequest {
  readonly balance: BalanceState;
  readonly matched: boolean;
  readonly eventType: DepositEventType;
  readonly cents: bigint;
  readonly at: DateTime;
  readonly settlementDate: FileDate;
  readonly postOn: FileDate;
  readonly note: string;
  readonly description: string;
}

export type IdKind = 'customer' | 'application' | 'account' | 'balance' | 'card' | 'collateral' | 'transaction';

export interface LedgerBook {
  readonly currency: string;
  newId(kind: IdKind): string;
  /** Records numbered so far of a kind (transactions: posted and pending ids together). */
  count(kind: IdKind): number;
  entryCount(): number;
  /** Posts a deposit entry; returns its id, or undefined when a debit would overdraw the balance. */
  post(request: PostRequest): string | undefined;
  /** Posts a credit entry; the caller checks limits first, the book only refuses what cannot be. */
  postCredit(request: CreditPostRequest): string;
  settle(request: SettleRequest): PendingItem;
  /** Pending items whose posting date has come, oldest first. */
  duePending(date: FileDate): PendingItem[];
  postPending(item: PendingItem, at: DateTime): void;
  pendingCount(): number;
  /** Writes the items still unposted when the simulation ends. */
  writeUnposted(): void;
}

const ID_FORMATS: Record<IdKind, { prefix: string; digits: number }> = {
  customer: { prefix: 'cus_', digits: 6 },
  application: { prefix: 'app_', digits: 6 },
  account: { prefix: 'acc_', digits: 6 },
  balance: { prefix: 'bal_', digits: 6 },
  card: { prefix: 'crd_', digits: 6 },
  collateral: { prefix: 'col_', digits: 6 },
  transaction: { prefix: 'txn_', digits: 10 },
};

const money = (cents: bigint): string => unitsToDecimal(cents, 2);

export function createLedgerBook(writer: LedgerWriter, currency: string): LedgerBook {
  const counters: Record<IdKind, number> = { customer: 0, application: 0, account: 0, balance: 0, card: 0, collateral: 0, transaction: 0 };
  const pending: PendingItem[] = [];
  let settledCount = 0;
  let entryCount = 0;

  function post(request: PostRequest): string | undefined {
    const { balance, eventType, cents } = request;
    if (cents <= 0n) throw new Error(`${eventType} of ${cents} cents: amounts are positive magnitudes`);
    if (balance.status !== 'active') throw new Error(`${eventType} on ${balance.status} balance ${balance.id}`);
    const signed = signOf(eventType) * cents;
    const rewards = request.rewardsCents ?? 0n;
    if (balance.rewards + rewards < 0n) throw new Error(`rewards of ${balance.id} would go below zero`);

    if (eventType === 'INTEREST_ACCRUAL') {
      balance.accruedInterest += cents;
    } else {
      if (balance.available + signed < 0n) return undefined;
      if (eventType === 'INTEREST_PAYOUT') {
        if (cents > balance.accruedInterest) throw new Error(`interest payout above the accrued interest of ${balance.id}`);
        balance.accruedInterest -= cents;
      }
      balance.available += signed;
    }
    balance.rewards += rewards;

    const id = request.id ?? newId('transaction');
    entryCount += 1;
    const at = isoInstant(request.at);
    if (request.recordedAt && request.recordedAt < request.at) throw new Error(`${id} recorded before it happened`);
    writer.add('ledger_entries', {
      entry_id: id,
      balance_id: balance.id,
      event_type: eventType,
      amount: money(signed),
      currency,
      principal_amount: null,
      interest_amount: null,
      fee_amount: null,
      effective_at: at,
      settlement_date: request.settlementDate,
      card_id: request.card?.id ?? null,
      rewards_amount: rewards === 0n ? null : money(rewards),
      recorded_at: request.recordedAt ? isoInstant(request.recordedAt) : at,
      description: request.description,
    });
    return id;
  }

  function postCredit(request: CreditPostRequest): string {
    const { balance, eventType } = request;
    const principal = request.principal ?? 0n;
    const interest = request.interest ?? 0n;
    const fees = request.fees ?? 0n;
    const amount = principal + interest + fees;
    if (EVENT_TYPES[eventType].product !== 'credit') throw new Error(`${eventType} is not a credit event`);
    if (balance.status !== 'active') throw new Error(`${eventType} on ${balance.status} balance ${balance.id}`);
    if (amount === 0n || (amount > 0n ? 1n : -1n) !== signOf(eventType)) {
      throw new Error(`${eventType} of ${amount} cents on ${balance.id}: wrong sign or nothing`);
    }
    if (balance.principal + principal < 0n || balance.interest + interest < 0n || balance.fees + fees < 0n) {
      throw new Error(`${eventType} would leave ${balance.id} owing a negative part`);
    }
    balance.principal += principal;
    balance.interest += interest;
    balance.fees += fees;

    const id = newId('transaction');
    entryCount += 1;
    const at = isoInstant(request.at);
    writer.add('ledger_entries', {
      entry_id: id,
      balance_id: balance.id,
      event_type: eventType,
      amount: money(amount),
      currency,
      principal_amount: money(principal),
      interest_amount: money(interest),
      fee_amount: money(fees),
      effective_at: at,
      settlement_date: request.settlementDate,
      card_id: request.card?.id ?? null,
      rewards_amount: null,
      recorded_at: at,
      description: request.description,
    });
    return id;
  }

  function newId(kind: IdKind): string {
    counters[kind] += 1;
    const { prefix, digits } = ID_FORMATS[kind];
    return prefix + String(counters[kind]).padStart(digits, '0');
  }

  function pendingRow(item: PendingItem, postedAt: string | null) {
    return {
      pending_id: item.id,
      balance_id: item.matched ? item.balance.id : null,
      event_type: item.eventType,
      amount: money(signOf(item.eventType) * item.cents),
      currency,
      settled_at: isoInstant(item.settledAt),
      settlement_date: item.settlementDate,
      posted_at: postedAt,
      posted_entry_id: postedAt === null ? null : item.id,
      reconciliation_note: item.note,
      description: item.description,
    };
  }

  return {
    currency,
    newId,
    count: (kind) => counters[kind],
    entryCount: () => entryCount,
    post,
    postCredit,
    settle(request) {
      if (signOf(request.eventType) !== 1n) throw new Error('only incoming money waits in the FBO');
      const item: PendingItem = {
        id: newId('transaction'),
        balance: request.balance,
        matched: request.matched,
        eventType: request.eventType,
        cents: request.cents,
        settledAt: request.at,
        settlementDate: request.settlementDate,
        postOn: request.postOn,
        note: request.note,
        description: request.description,
      };
      pending.push(item);
      request.balance.account.pendingCount += 1;
      settledCount += 1;
      return item;
    },
    duePending: (date) => pending.filter((item) => item.postOn <= date),
    postPending(item, at) {
      const index = pending.indexOf(item);
      if (index < 0) throw new Error(`pending ${item.id} is not open`);
      const posted = post({
        balance: item.balance,
        eventType: item.eventType,
        cents: item.cents,
        at,
        settlementDate: item.settlementDate,
        description: item.description,
        id: item.id,
      });
      if (posted === undefined) throw new Error(`credit ${item.id} was refused`);
      pending.splice(index, 1);
      item.balance.account.pendingCount -= 1;
      writer.add('pending_entries', pendingRow(item, isoInstant(at)));
    },
    pendingCount: () => settledCount,
    writeUnposted() {
      for (const item of pending) writer.add('pending_entries', pendingRow(item, null));
      pending.length = 0;
    },
  };
}
