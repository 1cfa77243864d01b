import { CUSTOMERS_PER_SCALE } from './plan-applications.js';
import { CREDIT_PRODUCTS, type CreditApplicationPlan, type CreditFate, type CreditProduct } from './credit-model.js';
import type { ApplicationOutcome, CreditBureau } from './ledger-rows.js';
import { DECLINE_REASONS, WITHDRAWAL_REASONS } from './names.js';
import type { Prng } from './prng.js';

/**
 * Decides up front who applies for which card on which day, how underwriting answers and what becomes
 * of each approved account. The card program opens its doors the day after the first activity day, so
 * Lead's credit Day 0 files (the first file date, carrying the first activity day) hold only headers.
 */
export function planCreditApplications(prng: Prng, scale: number, days: number): CreditApplicationPlan[] {
  if (days < 2) return [];
  const target = Math.max(1, Math.round(CUSTOMERS_PER_SCALE * scale));
  const plans: CreditApplicationPlan[] = [];
  let customers = 0;
  while (customers < target) {
    const plan = planApplication(prng, days);
    plans.push(plan);
    customers += creditCustomersOf(plan);
  }
  return plans.sort((a, b) => a.day - b.day);
}

/** Customers an application onboards: applicants, a business's people, and the card users. */
export function creditCustomersOf(plan: CreditApplicationPlan): number {
  const applicants = plan.product.holderType === 'commercial' ? 2 + plan.extraOwners : plan.coApplicant ? 2 : 1;
  return applicants + plan.usersAtOpening + (plan.userAddedAfter === undefined ? 0 : 1);
}

function planApplication(prng: Prng, days: number): CreditApplicationPlan {
  const day = prng.int(1, days - 1);
  const roll = prng.next();
  const product: CreditProduct = roll < 0.25 ? CREDIT_PRODUCTS.business : roll < 0.5 ? CREDIT_PRODUCTS.secured : CREDIT_PRODUCTS.consumer;
  const commercial = product.holderType === 'commercial';
  const outcome = (['approved', 'declined', 'canceled'] as const)[prng.weighted([68, 24, 8])]!;
  // A withdrawal happens while a person reviews the file; the rest is mostly decided at once.
  const reviewDays = outcome === 'canceled' || prng.chance(0.22) ? prng.int(1, 3) : 0;
  const exceptionApproval = outcome === 'approved' && prng.chance(0.05);
  const pulled = outcome !== 'canceled' || prng.chance(0.5);
  const approved = outcome === 'approved';
  const { creditLimit, maxCreditLimit } = approved ? planLimits(prng, product) : { creditLimit: 0n, maxCreditLimit: 0n };
  const users = approved ? (commercial ? prng.weighted([35, 35, 20, 10]) : prng.chance(0.12) ? 1 : 0) : 0;
  const soleProp = commercial && prng.chance(0.3);
  const extraOwners = commercial && !soleProp ? prng.weighted([40, 40, 20]) : 0;
  return {
    day,
    product,
    soleProp,
    coApplicant: !commercial && !product.secured && prng.chance(0.06),
    reviewDays,
    outcome,
    report: pulled ? { score: score(prng, outcome, exceptionApproval), source: bureau(prng) } : undefined,
    exceptionApproval,
    creditLimit,
    maxCreditLimit,
    decisionReason: approved
      ? exceptionApproval ? 'Approved as an exception to the score cutoff by a credit officer' : 'Meets the program underwriting criteria'
      : outcome === 'declined' ? prng.pick(DECLINE_REASONS) : prng.pick(WITHDRAWAL_REASONS),
    usersAtOpening: users,
    extraOwners,
    fate: approved ? planFate(prng) : { kind: 'ordinary' },
    limitChangeAfter: approved && !product.secured && prng.chance(0.15) ? prng.int(1, 5) : undefined,
    userAddedAfter: approved && commercial && prng.chance(0.25) ? prng.int(1, 4) : undefined,
    userRemovedAfter: approved && users > 0 && prng.chance(0.25) ? prng.int(1, 5) : undefined,
    ownerLeavesAfter: approved && extraOwners > 0 && prng.chance(0.6) ? prng.int(1, 3) : undefined,
  };
}

function planFate(prng: Prng): CreditFate {
  const roll = prng.next();
  if (roll < 0.06) {
    const freezeAfter = prng.int(1, 4);
    return { kind: 'frozen', freezeAfter, unfreezeAfter: prng.chance(0.5) ? freezeAfter + prng.int(1, 3) : undefined };
  }
  if (roll < 0.16) {
    const drainAfter = prng.int(1, 3);
    return { kind: 'closing', drainAfter, closeAfter: drainAfter + prng.int(1, 2), reason: prng.chance(0.5) ? 'paid_off' : 'client_closed' };
  }
  return { kind: 'ordinary' };
}

/** Lines in whole dollars: a secured card's line is its deposit; line management may go up to the maximum. */
function planLimits(prng: Prng, product: CreditProduct): { creditLimit: bigint; maxCreditLimit: bigint } {
  if (product.secured) {
    const deposit = BigInt(prng.int(4, 50)) * 5_000n;
    return { creditLimit: deposit, maxCreditLimit: deposit };
  }
  if (product.holderType === 'commercial') {
    const limit = BigInt(prng.int(5, 75)) * 100_000n;
    return { creditLimit: limit, maxCreditLimit: roundUp((limit * 3n) / 2n, 100_000n) };
  }
  const band = prng.weighted([50, 35, 15]);
  const limit = BigInt(band === 0 ? prng.int(5, 30) : band === 1 ? prng.int(30, 80) : prng.int(80, 150)) * 10_000n;
  const doubled = roundUp(limit * 2n, 50_000n);
  return { creditLimit: limit, maxCreditLimit: doubled < 2_500_000n ? doubled : 2_500_000n };
}

function score(prng: Prng, outcome: ApplicationOutcome, exception: boolean): number {
  if (outcome === 'approved') return exception ? prng.int(620, 659) : prng.int(660, 820);
  if (outcome === 'declined') return prng.int(480, 659);
  return prng.int(560, 800);
}

function bureau(prng: Prng): CreditBureau {
  return (['equifax', 'experian', 'transunion'] as const)[prng.weighted([40, 35, 25])]!;
}

function roundUp(cents: bigint, step: bigint): bigint {
  return ((cents + step - 1n) / step) * step;
}
