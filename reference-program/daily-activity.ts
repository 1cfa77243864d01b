import type { DateTime } from 'luxon';
import type { FileDate } from '../core/file-date.js';
import { transferBetween } from './account-lifecycle.js';
import type { DayTimeline } from './day-timeline.js';
import { instantAt, nextBusinessDate, secondAtLocalTime, type LedgerDay } from './ledger-day.js';
import { ATM_LOCATIONS, BILLERS, BUSINESS_MERCHANTS, MERCHANTS } from './names.js';
import type { Prng } from './prng.js';
import {
  INTEREST_DENOMINATOR, SAVINGS_APY_BASIS_POINTS, currentCard, isOpenForActivity, type AccountState, type BalanceState, type CardState,
} from './program-model.js';
import type { Simulation } from './simulation.js';

/**
 * One day of an open account's money movements, planned with the day's chance and checked again when
 * each one runs: purchases and refunds with the debit card (cashback on some), ATM cash and its fee,
 * pay and other transfers arriving by ACH (pending first), bills going out by ACH, P2P payments, moves
 * to and from savings, wires for businesses, the monthly cycle (fee, interest payout, cashback
 * redemption) and the nightly interest accrual on savings. Anything the balance cannot cover is
 * declined, so no balance ever goes below zero.
 *
 * Two irregularities come from `sim.extras`: a few card purchases clear late (the ledger records them a
 * day or two after they happened, after that day's files went out), and a few ACH debits and wires
 * settle a business day later than first recorded (a settlement correction, made on a later day).
 */
// Card and ATM activity by local hour: quiet at night, busy at lunch and after work.
const HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 6, 8, 9, 10, 11, 12, 11, 10, 10, 10, 11, 12, 11, 9, 7, 4, 2];
const RECENT_PURCHASES_KEPT = 10;
const STANDARD_NOTE = 'Settled into the FBO after the 17:00 CT posting cutoff; posts to the customer in the next business-day batch';
const UNMATCHED_NOTE = 'Beneficiary name does not match the receiving account; held for review before posting';
const LATE_CLEARING_CHANCE = 0.02;
const SETTLEMENT_CORRECTION_CHANCE = 0.12;

export function planAccountActivity(sim: Simulation, day: LedgerDay, account: AccountState, timeline: DayTimeline): void {
  const commercial = account.plan.holderType === 'commercial';
  planCycle(sim, day, account, timeline);
  if (commercial) planBusinessDay(sim, day, account, timeline);
  else planConsumerDay(sim, day, account, timeline);
  if (account.savings) planSavingsDay(sim, day, account, account.savings, timeline);
}

function planConsumerDay(sim: Simulation, day: LedgerDay, account: AccountState, timeline: DayTimeline): void {
  const { prng } = sim;
  const checking = account.checking;
  const purchases = prng.weighted([35, 30, 20, 10, 5]);
  for (let i = 0; i < purchases; i += 1) planPurchase(sim, day, account, timeline, purchaseCents(prng), prng.pick(MERCHANTS));
  if (prng.chance(0.04)) {
    const second = daytimeSecond(prng, day);
    timeline.at(second, () => refundRecentPurchase(sim, day, checking, second));
  }
  if (prng.chance(0.07)) planAtm(sim, day, account, timeline);
  if (day.isBusinessDay && prng.chance(0.08)) {
    planAchWithdrawal(sim, day, checking, timeline, cents(prng, 2_500, 180_000), prng.pick(BILLERS));
  }
  if (day.isBusinessDay && prng.chance(0.05)) {
    planAchDeposit(sim, day, checking, timeline, cents(prng, 5_000, 150_000), 'TRANSFER FROM EXT ACCT', prng.chance(0.1));
  }
  const payroll = account.payroll;
  if (payroll && day.isBusinessDay && day.weekday === payroll.weekday && (!payroll.everyOtherWeek || day.weekNumber % 2 === 0)) {
    planAchDeposit(sim, day, checking, timeline, payroll.cents, `PAYROLL ${payroll.employer}`, false);
  }
  if (prng.chance(0.07)) planP2p(sim, day, checking, timeline, cents(prng, 500, 30_000));
}

function planBusinessDay(sim: Simulation, day: LedgerDay, account: AccountState, timeline: DayTimeline): void {
  const { prng } = sim;
  const checking = account.checking;
  const purchases = prng.weighted([40, 30, 20, 10]);
  for (let i = 0; i < purchases; i += 1) {
    planPurchase(sim, day, account, timeline, cents(prng, 2_000, 250_000), prng.pick(BUSINESS_MERCHANTS));
  }
  if (prng.chance(0.02)) planAtm(sim, day, account, timeline);
  if (!day.isBusinessDay) return;
  if (prng.chance(0.45)) {
    planAchDeposit(sim, day, checking, timeline, cents(prng, 25_000, 2_500_000), 'CUSTOMER PAYMENT ACH', prng.chance(0.05));
  }
  if (prng.chance(0.35)) {
    planAchWithdrawal(sim, day, checking, timeline, cents(prng, 20_000, 1_500_000), prng.chance(0.5) ? 'PAYROLL GUSTO' : 'VENDOR PAYMENT');
  }
  if (prng.chance(0.04)) planWire(sim, day, checking, timeline, prng.chance(0.2) ? 25_000_000n : cents(prng, 1_000_000, 12_000_000));
}

function planSavingsDay(sim: Simulation, day: LedgerDay, account: AccountState, savings: BalanceState, timeline: DayTimeline): void {
  const { prng } = sim;
  const checking = account.checking;
  if (prng.chance(account.plan.holderType === 'commercial' ? 0.05 : 0.06)) {
    const amount = account.plan.holderType === 'commercial' ? cents(prng, 100_000, 2_000_000) : cents(prng, 2_500, 50_000);
    const second = daytimeSecond(prng, day);
    timeline.at(second, () => {
      if (isOpenForActivity(checking) && isOpenForActivity(savings)) {
        transferBetween(sim, checking, savings, amount, instantAt(day, second), day, 'SAVINGS TRANSFER');
      }
    });
  }
  if (prng.chance(0.02)) {
    const wanted = cents(prng, 2_000, 40_000);
    const second = daytimeSecond(prng, day);
    timeline.at(second, () => {
      const amount = wanted < savings.available ? wanted : savings.available;
      if (amount > 0n && isOpenForActivity(checking) && isOpenForActivity(savings)) {
        transferBetween(sim, savings, checking, amount, instantAt(day, second), day, 'SAVINGS WITHDRAWAL');
      }
    });
  }
  // Interest accrues on the late-evening balance; sub-cent interest waits for the next day.
  const accrualSecond = secondAtLocalTime(day, 23, 45);
  timeline.at(accrualSecond, () => {
    if (!isOpenForActivity(savings) || savings.available <= 0n) return;
    savings.interestCarry += savings.available * SAVINGS_APY_BASIS_POINTS;
    const accrued = savings.interestCarry / INTEREST_DENOMINATOR;
    savings.interestCarry %= INTEREST_DENOMINATOR;
    if (accrued > 0n) {
      sim.book.post({
        balance: savings, eventType: 'INTEREST_ACCRUAL', cents: accrued, at: instantAt(day, accrualSecond),
        settlementDate: day.date, description: 'DAILY INTEREST ACCRUAL',
      });
    }
  });
}

/** The account's monthly cycle day, early in the morning: fee, interest payout, cashback. */
function planCycle(sim: Simulation, day: LedgerDay, account: AccountState, timeline: DayTimeline): void {
  if (day.dayOfMonth !== account.cycleDay) return;
  const { book } = sim;
  const checking = account.checking;
  const feeSecond = secondAtLocalTime(day, 3, 15);
  timeline.at(feeSecond, () => {
    // Waived when the balance cannot cover it: the program does not charge customers into overdraft.
    if (account.maintenanceFee > 0n && isOpenForActivity(checking) && checking.available >= account.maintenanceFee) {
      book.post({
        balance: checking, eventType: 'MAINTENANCE_FEE', cents: account.maintenanceFee, at: instantAt(day, feeSecond),
        settlementDate: day.date, description: 'MONTHLY MAINTENANCE FEE',
      });
    }
  });
  const payoutSecond = secondAtLocalTime(day, 3, 20);
  timeline.at(payoutSecond, () => {
    const savings = account.savings;
    if (savings && isOpenForActivity(savings) && savings.accruedInterest > 0n) {
      book.post({
        balance: savings, eventType: 'INTEREST_PAYOUT', cents: savings.accruedInterest, at: instantAt(day, payoutSecond),
        settlementDate: day.date, description: 'INTEREST PAID',
      });
    }
  });
  const cashbackSecond = secondAtLocalTime(day, 3, 25);
  timeline.at(cashbackSecond, () => {
    if (isOpenForActivity(checking) && checking.rewards >= 100n) {
      book.post({
        balance: checking, eventType: 'CASHBACK_REDEMPTION', cents: checking.rewards, rewardsCents: -checking.rewards,
        at: instantAt(day, cashbackSecond), settlementDate: day.date, description: 'CASHBACK REWARDS',
      });
    }
  });
}

function planPurchase(
  sim: Simulation, day: LedgerDay, account: AccountState, timeline: DayTimeline, amount: bigint, merchant: string,
): void {
  const { prng } = sim;
  const card = activeCard(prng, account);
  if (!card) return;
  // Cashback is 1% on merchant offers, for consumer cards only.
  const cashback = account.plan.holderType === 'consumer' && prng.chance(0.3) ? amount / 100n : 0n;
  const second = daytimeSecond(prng, day);
  const recordedAt = lateClearing(sim, day, account);
  timeline.at(second, () => {
    const checking = account.checking;
    const usedCard = currentCard(card);
    if (!isOpenForActivity(checking) || usedCard.status === 'closed') return;
    const posted = sim.book.post({
      balance: checking, eventType: 'CARD_PURCHASE', cents: amount, at: instantAt(day, second), card: usedCard,
      settlementDate: nextBusinessDate(day.date), description: merchant,
      ...(cashback > 0n ? { rewardsCents: cashback } : {}),
      ...(recordedAt ? { recordedAt } : {}),
    });
    if (posted === undefined) return;
    checking.purchases.push({ cents: amount, cashback, merchant, card });
    if (checking.purchases.length > RECENT_PURCHASES_KEPT) checking.purchases.shift();
  });
}

function refundRecentPurchase(sim: Simulation, day: LedgerDay, checking: BalanceState, second: number): void {
  if (!isOpenForActivity(checking) || checking.purchases.length === 0) return;
  const { prng } = sim;
  const index = prng.int(0, checking.purchases.length - 1);
  const purchase = checking.purchases[index]!;
  const card = currentCard(purchase.card);
  if (card.status === 'closed') return;
  checking.purchases.splice(index, 1);
  // The cashback goes back with the refund, as far as it has not been redeemed already.
  const clawback = purchase.cashback < checking.rewards ? purchase.cashback : checking.rewards;
  sim.book.post({
    balance: checking, eventType: 'CARD_REFUND', cents: purchase.cents, at: instantAt(day, second), card,
    settlementDate: nextBusinessDate(day.date), description: `REFUND ${purchase.merchant}`,
    ...(clawback > 0n ? { rewardsCents: -clawback } : {}),
  });
}

function planAtm(sim: Simulation, day: LedgerDay, account: AccountState, timeline: DayTimeline): void {
  const { prng } = sim;
  const card = activeCard(prng, account);
  if (!card) return;
  const amount = BigInt(prng.int(1, 15)) * 2_000n;
  const outOfNetwork = prng.chance(0.4);
  const location = prng.pick(ATM_LOCATIONS);
  const second = daytimeSecond(prng, day);
  timeline.at(second, () => {
    const checking = account.checking;
    const fee = outOfNetwork ? 250n : 0n;
    const usedCard = currentCard(card);
    if (!isOpenForActivity(checking) || usedCard.status === 'closed' || checking.available < amount + fee) return;
    const settlementDate = nextBusinessDate(day.date);
    sim.book.post({
      balance: checking, eventType: 'ATM_WITHDRAWAL', cents: amount, at: instantAt(day, second), card: usedCard, settlementDate,
      description: `ATM WITHDRAWAL ${location}`,
    });
    if (fee > 0n) {
      sim.book.post({
        balance: checking, eventType: 'ATM_FEE', cents: fee, at: instantAt(day, Math.min(second + 1, day.seconds - 1)),
        settlementDate: day.date, description: `OUT-OF-NETWORK ATM FEE ${location}`,
      });
    }
  });
}

function planAchWithdrawal(
  sim: Simulation, day: LedgerDay, checking: BalanceState, timeline: DayTimeline, amount: bigint, payee: string,
): void {
  const second = secondAtLocalTime(day, sim.prng.int(6, 16), sim.prng.int(0, 59), sim.prng.int(0, 59));
  timeline.at(second, () => {
    if (!isOpenForActivity(checking)) return;
    const settlementDate = nextBusinessDate(day.date);
    const id = sim.book.post({
      balance: checking, eventType: 'ACH_WITHDRAWAL', cents: amount, at: instantAt(day, second), settlementDate, description: payee,
    });
    // Held at the receiving bank: it settles a business day after the date first recorded, and the
    // operations team records the new date on the day it should have settled.
    if (id !== undefined && sim.extras.chance(SETTLEMENT_CORRECTION_CHANCE)) {
      scheduleCorrection(sim, id, settlementDate, nextBusinessDate(settlementDate), 'ACH debit held for review at the receiving bank; settled one business day later');
    }
  });
}

/**
 * ACH credits settle into the FBO in the evening and post to the customer the next business morning;
 * an unmatched one waits a business day longer, with no balance shown, while someone reviews it.
 */
function planAchDeposit(
  sim: Simulation, day: LedgerDay, checking: BalanceState, timeline: DayTimeline, amount: bigint, description: string,
  unmatched: boolean,
): void {
  if (windingDown(checking.account, day)) return;
  const second = secondAtLocalTime(day, 18, 0, sim.prng.int(0, 900));
  timeline.at(second, () => {
    if (!isOpenForActivity(checking)) return;
    const postOn = nextBusinessDate(day.date);
    sim.book.settle({
      balance: checking, matched: !unmatched, eventType: 'ACH_DEPOSIT', cents: amount, at: instantAt(day, second),
      settlementDate: day.date, postOn: unmatched ? nextBusinessDate(postOn) : postOn,
      note: unmatched ? UNMATCHED_NOTE : STANDARD_NOTE, description,
    });
  });
}

export function planWire(sim: Simulation, day: LedgerDay, checking: BalanceState, timeline: DayTimeline, amount: bigint, at?: number): void {
  if (!day.isBusinessDay) return;
  const second = at ?? secondAtLocalTime(day, sim.prng.int(8, 16), sim.prng.int(0, 59), sim.prng.int(0, 59));
  timeline.at(second, () => {
    if (!isOpenForActivity(checking)) return;
    const id = sim.book.post({
      balance: checking, eventType: 'WIRE_IN', cents: amount, at: instantAt(day, second), settlementDate: day.date,
      description: 'INCOMING WIRE',
    });
    // Credited to the customer at once, but the funds reached the FBO only the next business day.
    if (id !== undefined && sim.extras.chance(SETTLEMENT_CORRECTION_CHANCE)) {
      const settled = nextBusinessDate(day.date);
      scheduleCorrection(sim, id, settled, settled, 'Incoming wire held in sanctions screening at the sending bank; funds arrived the next business day');
    }
  });
}

export function planOpeningAchDeposit(sim: Simulation, day: LedgerDay, checking: BalanceState, timeline: DayTimeline): void {
  if (!day.isBusinessDay) return;
  planAchDeposit(sim, day, checking, timeline, cents(sim.prng, 2_500, 250_000), 'INITIAL DEPOSIT FROM EXT ACCT', false);
}

function planP2p(sim: Simulation, day: LedgerDay, sender: BalanceState, timeline: DayTimeline, amount: bigint): void {
  const second = daytimeSecond(sim.prng, day);
  timeline.at(second, () => {
    if (!isOpenForActivity(sender)) return;
    const receiver = findCounterparty(sim, sender);
    if (!receiver) return;
    const at = instantAt(day, second);
    const sent = sim.book.post({
      balance: sender, eventType: 'P2P_SEND', cents: amount, at, settlementDate: day.date,
      description: `P2P TO ${receiver.account.displayName}`,
    });
    if (sent === undefined) return;
    sim.book.post({
      balance: receiver, eventType: 'P2P_RECEIVE', cents: amount, at, settlementDate: day.date,
      description: `P2P FROM ${sender.account.displayName}`,
    });
  });
}

function findCounterparty(sim: Simulation, sender: BalanceState): BalanceState | undefined {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const candidate = sim.prng.pick(sim.checkings);
    if (candidate.account !== sender.account && isOpenForActivity(candidate)) return candidate;
  }
  return undefined;
}

/** No new money is let into an account in the days before it is drained, so nothing is left pending. */
function windingDown(account: AccountState, day: LedgerDay): boolean {
  return account.fate.kind === 'closing' && day.index >= account.fate.drainDay - 5;
}

/**
 * When a purchase clears late (an offline terminal, a delayed clearing file), the ledger records it in
 * the early hours of a later day, after the day's files went out. Never on an account about to close.
 */
function lateClearing(sim: Simulation, day: LedgerDay, account: AccountState): DateTime | undefined {
  if (windingDown(account, day) || !sim.extras.chance(LATE_CLEARING_CHANCE)) return undefined;
  return day.start.plus({ days: sim.extras.int(1, 2) }).set({ hour: 4, minute: sim.extras.int(0, 59), second: sim.extras.int(0, 59) });
}

function scheduleCorrection(sim: Simulation, entryId: string, correctOn: FileDate, settlementDate: FileDate, reason: string): void {
  sim.corrections.push({ entryId, correctOn, settlementDate, reason });
}

function activeCard(prng: Prng, account: AccountState): CardState | undefined {
  const cards = account.cards.filter((card) => card.status !== 'closed');
  return cards.length === 0 ? undefined : prng.pick(cards);
}

function daytimeSecond(prng: Prng, day: LedgerDay): number {
  return secondAtLocalTime(day, prng.weighted(HOUR_WEIGHTS), prng.int(0, 59), prng.int(0, 59));
}

function purchaseCents(prng: Prng): bigint {
  const band = prng.weighted([60, 30, 10]);
  if (band === 0) return cents(prng, 300, 6_000);
  if (band === 1) return cents(prng, 6_000, 25_000);
  return cents(prng, 25_000, 150_000);
}

function cents(prng: Prng, min: number, max: number): bigint {
  return BigInt(prng.int(min, max));
}
