import type { DateTime } from 'luxon';
import { closeCard, replaceCard, setCardsActive } from './cards.js';
import { instantAt, isoInstant, nextBusinessDate, secondAtLocalTime, type LedgerDay } from './ledger-day.js';
import type { LeadStatus, LeadStatusReason } from './ledger-rows.js';
import { addBalance } from './open-account.js';
import type { DayTimeline } from './day-timeline.js';
import { isUsable, type AccountState, type BalanceState } from './program-model.js';
import type { Simulation } from './simulation.js';

/**
 * Status changes after opening. Account, balances and cards change together, at one instant, so the
 * Accounts, Balances and Cards files of a day always agree. Closing is two steps on two days: the drain pays every
 * balance out to exactly zero, then a later close (with nothing in between) ends it, so Lead's last
 * Balances row for it shows 0 before it leaves the file.
 */
export function freeze(sim: Simulation, account: AccountState, at: DateTime): void {
  if (account.status !== 'active' || account.draining) return;
  setStatus(sim, account, at, 'inactive', 'frozen');
  setCardsActive(sim, account.cards, false, at);
}

export function unfreeze(sim: Simulation, account: AccountState, at: DateTime): void {
  if (account.status !== 'inactive') return;
  setStatus(sim, account, at, 'active', 'active');
  setCardsActive(sim, account.cards, true, at);
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
  for (const card of account.cards) closeCard(sim, card, at, 'account closed at the customer\'s request');
  // Lead wants every authorized user of a closed account reported inactive.
  for (const user of account.users) {
    sim.writer.add('account_party_history', { account_id: account.id, customer_id: user.customerId, role: 'user', changed_at: isoInstant(at), status: 'removed' });
  }
}

/**
 * Now and then a cardholder reports a debit card lost or stolen: the card closes in the instant its
 * replacement is issued. Drawn from `extras`; the replacement takes the old card's place, so later
 * purchases pick among the same number of cards as before.
 */
export function planCardReplacement(sim: Simulation, day: LedgerDay, account: AccountState, timeline: DayTimeline): void {
  const { extras } = sim;
  if (!extras.chance(0.004)) return;
  const second = secondAtLocalTime(day, extras.int(8, 20), extras.int(0, 59), extras.int(0, 59));
  const pick = extras.next();
  const reason = extras.chance(0.7) ? 'lost' : 'stolen';
  timeline.at(second, () => {
    const usable = account.cards.filter(isUsable);
    if (account.status !== 'active' || account.draining || usable.length === 0) return;
    const card = usable[Math.floor(pick * usable.length)]!;
    replaceCard(sim, extras, account.cards, card, instantAt(day, second), `reported ${reason}`);
  });
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
  sim.writer.add('account_status_history', {
    account_id: account.id, changed_at: changedAt, status, status_reason: reason,
    aan_delivered_at: null, aan_reason: null, aan_delivery_method: null,
  });
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
