import type { DateTime } from 'luxon';
import { instantAt, isoInstant, nextBusinessDate, type LedgerDay } from './ledger-day.js';
import type { LeadStatus, LeadStatusReason } from './ledger-rows.js';
import { addBalance } from './open-account.js';
import type { AccountState, BalanceState } from './program-model.js';
import type { Simulation } from './simulation.js';

/**
 * Status changes after opening. Account and balances change together, at one instant, so the Accounts
 * and Balances files of a day always agree. Closing is two steps on two days: the drain pays every
 * balance out to exactly zero, then a later close (with nothing in between) ends it, so Lead's last
 * Balances row for it shows 0 before it leaves the file.
 */
export function freeze(sim: Simulation, account: AccountState, at: DateTime): void {
  if (account.status !== 'active' || account.draining) return;
  setStatus(sim, account, at, 'inactive', 'frozen');
}

export function unfreeze(sim: Simulation, account: AccountState, at: DateTime): void {
  if (account.status !== 'inactive') return;
  setStatus(sim, account, at, 'active', 'active');
}

/** Pays everything out at `second`; on a day with credits still pending, tries again the next day. */
export function drain(sim: Simulation, account: AccountState, day: LedgerDay, second: number): void {
  const fate = account.fate;
  if (fate.kind !== 'closing' || account.status !== 'active' || account.draining) return;
  if (account.pendingCount > 0) {
    fate.drainDay += 1;
    fate.closeDay += 1;
    return;
  }
  const { book } = sim;
  const at = (offset: number) => instantAt(day, Math.min(second + offset, day.seconds - 1));
  const savings = account.savings;
  const checking = account.checking;
  if (savings && savings.status === 'active') {
    if (savings.accruedInterest > 0n) {
      book.post({
        balance: savings, eventType: 'INTEREST_PAYOUT', cents: savings.accruedInterest, at: at(0),
        settlementDate: day.date, description: 'INTEREST PAID AT CLOSING',
      });
    }
    savings.interestCarry = 0n;
    if (savings.available > 0n) transferBetween(sim, savings, checking, savings.available, at(1), day, 'CLOSING SWEEP');
  }
  if (checking.rewards > 0n) {
    book.post({
      balance: checking, eventType: 'CASHBACK_REDEMPTION', cents: checking.rewards, rewardsCents: -checking.rewards,
      at: at(2), settlementDate: day.date, description: 'CASHBACK PAID AT CLOSING',
    });
  }
  if (checking.available > 0n) {
    book.post({
      balance: checking, eventType: 'ACH_WITHDRAWAL', cents: checking.available, at: at(3),
      settlementDate: nextBusinessDate(day.date), description: 'ACCOUNT CLOSURE PAYOUT TO EXT ACCT',
    });
  }
  for (const balance of balancesOf(account)) assertEmpty(balance);
  account.draining = true;
}

export function close(sim: Simulation, account: AccountState, at: DateTime): void {
  if (account.status === 'closed' || !account.draining) return;
  for (const balance of balancesOf(account)) assertEmpty(balance);
  setStatus(sim, account, at, 'closed', 'entity_closed');
  for (const card of account.cards) {
    card.closed = true;
    sim.writer.closeCard({ cardId: card.id, closedAt: isoInstant(at), reason: 'account closed at the customer\'s request' });
  }
}

/** A customer adding Savings later: a new balance that appears in that day's file at zero. */
export function addSavingsLater(sim: Simulation, account: AccountState, at: DateTime): void {
  if (account.status !== 'active' || account.draining || account.savings) return;
  account.savings = addBalance(sim, account, 'savings', at);
}

/** Both sides of a move between two balances of one account, or nothing if `from` cannot cover it. */
export function transferBetween(
  sim: Simulation, from: BalanceState, to: BalanceState, cents: bigint, at: DateTime, day: LedgerDay, memo: string,
): boolean {
  const out = sim.book.post({
    balance: from, eventType: 'BOOK_TRANSFER_OUT', cents, at, settlementDate: day.date, description: `${memo} TO ${to.kind.toUpperCase()}`,
  });
  if (out === undefined) return false;
  sim.book.post({
    balance: to, eventType: 'BOOK_TRANSFER_IN', cents, at, settlementDate: day.date, description: `${memo} FROM ${from.kind.toUpperCase()}`,
  });
  return true;
}

function setStatus(sim: Simulation, account: AccountState, at: DateTime, status: LeadStatus, reason: LeadStatusReason): void {
  const changedAt = isoInstant(at);
  account.status = status;
  sim.writer.add('account_status_history', { account_id: account.id, changed_at: changedAt, status, status_reason: reason });
  for (const balance of balancesOf(account)) {
    if (balance.status === 'closed') continue;
    balance.status = status;
    sim.writer.add('balance_status_history', { balance_id: balance.id, changed_at: changedAt, status, status_reason: reason });
  }
}

function balancesOf(account: AccountState): BalanceState[] {
  return account.savings ? [account.checking, account.savings] : [account.checking];
}

function assertEmpty(balance: BalanceState): void {
  if (balance.available !== 0n || balance.accruedInterest !== 0n || balance.rewards !== 0n) {
    throw new Error(`balance ${balance.id} is not empty at closing`);
  }
}
