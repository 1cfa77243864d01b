import { addSavingsLater, close, drain, freeze, planCardReplacement, unfreeze } from './account-lifecycle.js';
import { planAccountActivity, planOpeningAchDeposit, planWire } from './daily-activity.js';
import { createDayTimeline, type DayTimeline } from './day-timeline.js';
import { instantAt, isoInstant, nextBusinessDate, secondAtLocalTime, type LedgerDay } from './ledger-day.js';
import { openAccount } from './open-account.js';
import { planContactChanges } from './people.js';
import { isOpenForActivity, type AccountState, type ApplicationPlan } from './program-model.js';
import type { Simulation } from './simulation.js';

/**
 * Plans and runs one local day of the deposit program: the 07:00 batch that posts credits settled
 * earlier, the settlement corrections due that day, every open account's lifecycle steps and activity,
 * the day's new accounts with their first deposit, and customers updating their contact details.
 */
export function simulateDay(sim: Simulation, day: LedgerDay, openings: readonly ApplicationPlan[]): void {
  const timeline = createDayTimeline();
  planPostingBatch(sim, day, timeline);
  planCorrections(sim, day, timeline);
  for (const account of sim.accounts) planAccountDay(sim, day, account, timeline);
  planOpenings(sim, day, openings, timeline);
  planContactChanges(sim, sim.extras, day, timeline, 0.004);
  timeline.run();
}

/** Corrections are recorded mid-morning of the business day the operations team learns the new date. */
function planCorrections(sim: Simulation, day: LedgerDay, timeline: DayTimeline): void {
  const due = sim.corrections.filter((correction) => correction.correctOn === day.date);
  for (const correction of due) {
    const second = secondAtLocalTime(day, sim.extras.int(9, 11), sim.extras.int(0, 59), sim.extras.int(0, 59));
    timeline.at(second, () => {
      sim.writer.add('settlement_corrections', {
        entry_id: correction.entryId,
        corrected_at: isoInstant(instantAt(day, second)),
        settlement_date: correction.settlementDate,
        reason: correction.reason,
      });
    });
  }
  sim.corrections.splice(0, sim.corrections.length, ...sim.corrections.filter((correction) => correction.correctOn !== day.date));
}

function planPostingBatch(sim: Simulation, day: LedgerDay, timeline: DayTimeline): void {
  for (const item of sim.book.duePending(day.date)) {
    const second = secondAtLocalTime(day, 7, sim.prng.int(0, 29), sim.prng.int(0, 59));
    timeline.at(second, () => {
      // A frozen account takes no postings: the credit stays in the FBO, reported as non-posted.
      if (isOpenForActivity(item.balance)) sim.book.postPending(item, instantAt(day, second));
      else item.postOn = nextBusinessDate(day.date);
    });
  }
}

function planAccountDay(sim: Simulation, day: LedgerDay, account: AccountState, timeline: DayTimeline): void {
  if (account.status === 'closed') return;
  const { prng } = sim;
  const fate = account.fate;
  const localSecond = (hour: number) => secondAtLocalTime(day, hour, prng.int(0, 59), prng.int(0, 59));
  if (fate.kind === 'frozen' && day.index === fate.freezeDay) {
    const second = localSecond(11);
    timeline.at(second, () => freeze(sim, account, instantAt(day, second)));
  }
  if (fate.kind === 'frozen' && day.index === fate.unfreezeDay) {
    const second = localSecond(10);
    timeline.at(second, () => unfreeze(sim, account, instantAt(day, second)));
  }
  if (fate.kind === 'closing' && day.index === fate.drainDay) {
    const second = localSecond(15);
    timeline.at(second, () => drain(sim, account, day, second));
  }
  if (fate.kind === 'closing' && day.index === fate.closeDay) {
    const second = localSecond(12);
    timeline.at(second, () => close(sim, account, instantAt(day, second)));
  }
  if (account.plan.savingsLaterDay === day.index) {
    const second = localSecond(10);
    timeline.at(second, () => addSavingsLater(sim, account, instantAt(day, second)));
  }
  if (account.status === 'active' && !account.draining) {
    planCardReplacement(sim, day, account, timeline);
    planAccountActivity(sim, day, account, timeline);
  }
}

/**
 * New accounts are built in the order they open, so ids follow time. On the first day the program
 * launches with the book it moves from its previous bank: those accounts open before dawn and each
 * balance is brought over by wire (Lead's Day 0: the first Transactions take every balance from zero).
 * Later, businesses fund by wire within an hour or two (a few with 250,000.00) and people push a first
 * ACH that settles in the evening.
 */
function planOpenings(sim: Simulation, day: LedgerDay, openings: readonly ApplicationPlan[], timeline: DayTimeline): void {
  const { prng } = sim;
  const launch = day.index === 0;
  const timed = openings
    .map((plan) => ({
      plan,
      second: secondAtLocalTime(day, launch ? prng.int(5, 6) : prng.int(8, 16), prng.int(0, 59), prng.int(0, 59)),
    }))
    .sort((a, b) => a.second - b.second);
  for (const { plan, second } of timed) {
    const account = openAccount(sim, plan, instantAt(day, second), day.index);
    timeline.at(second, () => {
      sim.accounts.push(account);
      sim.checkings.push(account.checking);
    });
    if (launch) {
      planMigration(sim, day, account, timeline, second + prng.int(60, 600));
    } else if (plan.holderType === 'commercial') {
      const amount = prng.chance(0.15) ? 25_000_000n : BigInt(prng.int(500_000, 6_000_000));
      planWire(sim, day, account.checking, timeline, amount, second + prng.int(1_800, 5_400));
    } else {
      planOpeningAchDeposit(sim, day, account.checking, timeline);
    }
  }
}

function planMigration(sim: Simulation, day: LedgerDay, account: AccountState, timeline: DayTimeline, second: number): void {
  const { prng } = sim;
  const commercial = account.plan.holderType === 'commercial';
  const migrated = [
    { balance: account.checking, cents: BigInt(commercial ? prng.int(500_000, 8_000_000) : prng.int(20_000, 800_000)) },
    ...(account.savings ? [{ balance: account.savings, cents: BigInt(prng.int(50_000, commercial ? 10_000_000 : 2_500_000)) }] : []),
  ];
  timeline.at(second, () => {
    for (const { balance, cents } of migrated) {
      sim.book.post({
        balance, eventType: 'BALANCE_MIGRATION_IN', cents, at: instantAt(day, second), settlementDate: day.date,
        description: 'OPENING BALANCE FROM PRIOR BANK',
      });
    }
  });
}
