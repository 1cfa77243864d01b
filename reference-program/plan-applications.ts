import type { Prng } from './prng.js';
import type { AccountFate, ApplicationPlan, HolderType } from './program-model.js';

/**
 * Decides up front who opens an account on which day and what becomes of it, so the rest of the
 * simulation only follows the plan. A third of the book opens on the first day (a program that
 * launches with a waiting list), the rest arrive one by one over the following days.
 */
export const CUSTOMERS_PER_SCALE = 100;

export function planApplications(prng: Prng, scale: number, days: number): ApplicationPlan[] {
  const target = Math.max(1, Math.round(CUSTOMERS_PER_SCALE * scale));
  const plans: ApplicationPlan[] = [];
  let customers = 0;
  while (customers < target) {
    const plan = planApplication(prng, days);
    plans.push(plan);
    customers += customersOf(plan);
  }
  // Stable sort: same-day applications keep the order they were drawn in.
  return plans.sort((a, b) => a.day - b.day);
}

/** Customers an application onboards: the holder(s), plus a business's owner and any card user. */
export function customersOf(plan: ApplicationPlan): number {
  const owners = plan.holderType === 'commercial' ? 2 : plan.jointHolder ? 2 : 1;
  return owners + (plan.authorizedUser ? 1 : 0);
}

function planApplication(prng: Prng, days: number): ApplicationPlan {
  const day = days === 1 || prng.chance(0.35) ? 0 : prng.int(1, days - 1);
  const holderType: HolderType = prng.chance(0.12) ? 'commercial' : 'consumer';
  const savingsAtOpening = prng.chance(holderType === 'commercial' ? 0.3 : 0.45);
  const laterSavings = !savingsAtOpening && prng.chance(0.15);
  return {
    day,
    holderType,
    jointHolder: holderType === 'consumer' && prng.chance(0.1),
    authorizedUser: prng.chance(holderType === 'commercial' ? 0.3 : 0.05),
    savingsAtOpening,
    savingsLaterDay: laterSavings ? day + prng.int(1, 6) : undefined,
    withCard: prng.chance(holderType === 'commercial' ? 0.95 : 0.88),
    fate: planFate(prng, day),
  };
}

function planFate(prng: Prng, day: number): AccountFate {
  const roll = prng.next();
  if (roll < 0.05) {
    const freezeDay = day + prng.int(1, 5);
    return { kind: 'frozen', freezeDay, unfreezeDay: prng.chance(0.5) ? freezeDay + prng.int(2, 4) : undefined };
  }
  if (roll < 0.11) {
    const drainDay = day + prng.int(1, 5);
    return { kind: 'closing', drainDay, closeDay: drainDay + prng.int(1, 2) };
  }
  return { kind: 'ordinary' };
}
