import type { DateTime } from 'luxon';
import { unitsToDecimal } from '../transform/money.js';
import { closeCard, issueCard, replaceCard, setCardsActive } from './cards.js';
import {
  CARD_INTEREST_DENOMINATOR, allocatePayment, type CreditAccountState, type CreditApplicationPlan, type CreditSimulation,
  type OpenApplication,
} from './credit-model.js';
import { createDayTimeline, type DayTimeline } from './day-timeline.js';
import { instantAt, isoInstant, nextBusinessDate, secondAtLocalTime, type LedgerDay } from './ledger-day.js';
import type { AanDeliveryMethod, LeadStatus, LeadStatusReason } from './ledger-rows.js';
import { BUSINESS_MERCHANTS, FOREIGN_MERCHANTS, MERCHANTS } from './names.js';
import { addOwnership, addParties } from './open-account.js';
import { addPerson, addBusiness, endRelationship, planContactChanges } from './people.js';
import type { Prng } from './prng.js';
import { currentCard, isUsable, owed, type CardState, type Party } from './program-model.js';

/**
 * One local day of the credit-card program: decisions on applications a person reviewed, payments the
 * customer's bank returns, each card account's lifecycle steps and activity, the day's new applications
 * (most decided within minutes, the approved ones opened at once), and customers updating their contact
 * details. Everything draws from the program's own PRNG.
 *
 * Money rules: a purchase the line cannot take is declined; interest accrues daily on the outstanding
 * principal (no grace period is modelled); a payment goes to fees, then interest, then principal and
 * never exceeds what is owed; a refund only returns principal still owed. So every part of what a card
 * owes stays at zero or above, and the balance is always principal + interest + fees.
 */
const RECENT_PURCHASES_KEPT = 10;
const RETURNED_PAYMENT_FEE = 2_500n;
const HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 6, 8, 9, 10, 11, 12, 11, 10, 10, 10, 11, 12, 11, 9, 7, 4, 2];
const money = (cents: bigint) => unitsToDecimal(cents, 2);

export function simulateCreditDay(cs: CreditSimulation, day: LedgerDay, applications: readonly CreditApplicationPlan[]): void {
  const timeline = createDayTimeline();
  planReviewedDecisions(cs, day, timeline);
  planPaymentReturns(cs, day, timeline);
  for (const account of cs.accounts) planAccountDay(cs, day, account, timeline);
  for (const plan of applications) planApplication(cs, day, plan, timeline);
  planContactChanges(cs, cs.prng, day, timeline, 0.004);
  timeline.run();
}

// ---------------------------------------------------------------------------------------------------
// Applications

function planApplication(cs: CreditSimulation, day: LedgerDay, plan: CreditApplicationPlan, timeline: DayTimeline): void {
  const { prng } = cs;
  const start = secondAtLocalTime(day, prng.int(8, 21), prng.int(0, 59), prng.int(0, 59));
  const submitted = start + prng.int(180, 1_500);
  const reviewStarted = plan.reviewDays > 0 ? submitted + prng.int(60, 180) : undefined;
  const application: OpenApplication = { plan, id: '', holders: [], signer: undefined, partners: [], account: undefined };
  timeline.at(start, () => startApplication(cs, day, application, start, submitted, reviewStarted));
  if (plan.reviewDays === 0) planDecision(cs, day, application, submitted + prng.int(60, 240), timeline);
  else cs.reviews.push({ decideOn: day.index + plan.reviewDays, application });
}

function planReviewedDecisions(cs: CreditSimulation, day: LedgerDay, timeline: DayTimeline): void {
  const due = cs.reviews.filter((review) => review.decideOn === day.index);
  for (const { application } of due) {
    planDecision(cs, day, application, secondAtLocalTime(day, cs.prng.int(9, 16), cs.prng.int(0, 59), cs.prng.int(0, 59)), timeline);
  }
  const rest = cs.reviews.filter((review) => review.decideOn !== day.index);
  cs.reviews.splice(0, cs.reviews.length, ...rest);
}

/** The applicants are onboarded as customers when they start, with the KYC their roles need. */
function startApplication(
  cs: CreditSimulation, day: LedgerDay, application: OpenApplication, start: number, submitted: number, reviewStarted: number | undefined,
): void {
  const { prng, book, writer } = cs;
  const { plan } = application;
  const createdAt = instantAt(day, start);
  if (plan.product.holderType === 'commercial') {
    const business = addBusiness(cs, prng, prng, createdAt, plan.soleProp ? 'sole_prop' : 'business');
    const control = addPerson(cs, prng, prng, createdAt, ['authorized_signer', 'authorized_user']);
    application.partners = addOwnership(cs, prng, business, control, plan.soleProp, createdAt, plan.extraOwners);
    application.holders = [business];
    application.signer = control;
  } else {
    const applicant = addPerson(cs, prng, prng, createdAt, ['account_holder']);
    application.holders = plan.coApplicant ? [applicant, addPerson(cs, prng, prng, createdAt, ['account_holder'])] : [applicant];
  }
  application.id = book.newId('application');
  writer.add('applications', {
    application_id: application.id,
    product_name: plan.product.name,
    holder_type: plan.product.holderType,
    is_secured: plan.product.secured,
    currency: book.currency,
    created_at: isoInstant(createdAt),
    submitted_at: isoInstant(instantAt(day, submitted)),
    review_started_at: reviewStarted === undefined ? null : isoInstant(instantAt(day, reviewStarted)),
  });
  for (const holder of application.holders) writer.add('application_parties', { application_id: application.id, customer_id: holder.customerId, role: 'holder' });
  if (application.signer) writer.add('application_parties', { application_id: application.id, customer_id: application.signer.customerId, role: 'signer' });
  if (plan.report) {
    writer.add('credit_reports', {
      application_id: application.id,
      pulled_at: isoInstant(instantAt(day, submitted + 30)),
      score: plan.report.score,
      source: plan.report.source,
    });
  }
}

/**
 * The decision, and for an approval the account a few minutes later (a secured card's deposit two
 * minutes after that). A decline's adverse action notice goes out within half an hour.
 */
function planDecision(cs: CreditSimulation, day: LedgerDay, application: OpenApplication, second: number, timeline: DayTimeline): void {
  const { prng } = cs;
  const { plan } = application;
  const aanSecond = second + prng.int(120, 1_800);
  const aanMethod = (['email', 'text', 'other'] as const)[prng.weighted([75, 20, 5])]!;
  timeline.at(second, () => decide(cs, day, application, second, aanSecond, aanMethod));
  if (plan.outcome !== 'approved') return;
  const openSecond = second + prng.int(120, 600);
  const coHolderCard = prng.chance(0.5);
  timeline.at(openSecond, () => openCardAccount(cs, day, application, openSecond, coHolderCard));
  if (plan.product.secured) {
    timeline.at(openSecond + 120, () => fundSecurityDeposit(cs, day, application.account!, openSecond + 120));
  }
}

function decide(cs: CreditSimulation, day: LedgerDay, application: OpenApplication, second: number, aanSecond: number, method: AanDeliveryMethod): void {
  const { plan } = application;
  const approved = plan.outcome === 'approved';
  const declined = plan.outcome === 'declined';
  cs.writer.add('application_decisions', {
    application_id: application.id,
    decided_at: isoInstant(instantAt(day, second)),
    outcome: plan.outcome,
    decision_reason: plan.decisionReason,
    is_exception_approval: plan.exceptionApproval,
    credit_limit: approved ? money(plan.creditLimit) : null,
    max_credit_limit: approved ? money(plan.maxCreditLimit) : null,
    aan_delivered_at: declined ? isoInstant(instantAt(day, aanSecond)) : null,
    aan_reason: declined ? `We could not approve your application: ${plan.decisionReason.toLowerCase()}` : null,
    aan_delivery_method: declined ? method : null,
  });
}

function openCardAccount(cs: CreditSimulation, day: LedgerDay, application: OpenApplication, second: number, coHolderCard: boolean): void {
  const { prng, book, writer } = cs;
  const { plan } = application;
  const { product } = plan;
  const commercial = product.holderType === 'commercial';
  const at = instantAt(day, second);
  const opened = isoInstant(at);
  const users = Array.from({ length: plan.usersAtOpening }, () =>
    addPerson(cs, prng, prng, at.minus({ minutes: 1 }), ['authorized_user'], 'contact-only'));

  const accountId = book.newId('account');
  writer.add('accounts', {
    account_id: accountId, application_id: application.id, product_name: product.name, currency: book.currency,
    holder_type: product.holderType, opened_at: opened,
  });
  writer.add('account_status_history', {
    account_id: accountId, changed_at: opened, status: 'active', status_reason: 'active',
    aan_delivered_at: null, aan_reason: null, aan_delivery_method: null,
  });
  const signer = application.signer;
  addParties(writer, accountId, opened, [
    ...application.holders.map((holder) => [holder, 'holder'] as const),
    [signer, 'signer'],
    [signer, 'user'],
    ...users.map((user) => [user, 'user'] as const),
  ]);
  writer.add('credit_limit_history', {
    account_id: accountId, changed_at: opened, credit_limit: money(plan.creditLimit), max_credit_limit: money(plan.maxCreditLimit),
  });

  const balanceId = addCardBalance(cs, accountId, 'Card', 'credit', opened);
  const depositId = product.secured ? addCardBalance(cs, accountId, 'Security Deposit', 'deposit', opened) : undefined;
  const account: CreditAccountState = {
    id: accountId,
    applicationId: application.id,
    plan,
    product,
    openedDay: day.index,
    status: 'active',
    draining: false,
    creditLimit: plan.creditLimit,
    maxCreditLimit: plan.maxCreditLimit,
    balance: undefined as unknown as CreditAccountState['balance'],
    deposit: depositId === undefined
      ? undefined
      : { id: depositId, status: 'active', available: 0n, accruedInterest: 0n, interestCarry: 0n, rewards: 0n, collateralId: undefined },
    signer,
    cards: [],
    users: users.map((party) => ({ party, card: undefined, removed: false })),
    partners: [...application.partners],
  };
  (account as { balance: CreditAccountState['balance'] }).balance = {
    id: balanceId, account, status: 'active', principal: 0n, interest: 0n, fees: 0n, interestCarry: 0n, purchases: [],
  };

  const issuedAt = at.plus({ minutes: 1 });
  const cardholders = commercial
    ? [signer!]
    : [application.holders[0]!, ...(application.holders[1] && coHolderCard ? [application.holders[1]] : [])];
  for (const holder of cardholders) account.cards.push(issueCreditCard(cs, account, holder, issuedAt));
  for (const user of account.users) {
    user.card = issueCreditCard(cs, account, user.party, issuedAt);
    account.cards.push(user.card);
  }
  application.account = account;
  cs.accounts.push(account);
}

function addCardBalance(cs: CreditSimulation, accountId: string, name: string, type: 'credit' | 'deposit', created: string): string {
  const balanceId = cs.book.newId('balance');
  cs.writer.add('balances', { balance_id: balanceId, account_id: accountId, name, type, currency: cs.book.currency, created_at: created });
  cs.writer.add('balance_status_history', { balance_id: balanceId, changed_at: created, status: 'active', status_reason: 'active' });
  return balanceId;
}

function issueCreditCard(cs: CreditSimulation, account: CreditAccountState, holder: Party, at: DateTime): CardState {
  const { product } = account;
  return issueCard(cs, cs.prng, {
    accountId: account.id, holder, productName: product.cardProduct, cardType: product.holderType === 'commercial' ? 'commercial' : 'consumer', bin: product.bin,
  }, at);
}

/** A secured card's deposit arrives by ACH and is pledged to the card line at once: the collateral. */
function fundSecurityDeposit(cs: CreditSimulation, day: LedgerDay, account: CreditAccountState, second: number): void {
  const deposit = account.deposit!;
  const at = instantAt(day, second);
  cs.book.post({
    balance: deposit, eventType: 'SECURITY_DEPOSIT_IN', cents: account.creditLimit, at,
    settlementDate: nextBusinessDate(day.date), description: 'SECURITY DEPOSIT FROM EXT ACCT',
  });
  deposit.collateralId = cs.book.newId('collateral');
  cs.writer.add('collaterals', {
    collateral_id: deposit.collateralId, account_id: account.id, application_id: account.applicationId, balance_id: deposit.id,
    type: 'deposit_balance', created_at: isoInstant(at),
  });
  cs.writer.add('collateral_status_history', { collateral_id: deposit.collateralId, changed_at: isoInstant(at), status: 'active' });
}

// ---------------------------------------------------------------------------------------------------
// Accounts

function planAccountDay(cs: CreditSimulation, day: LedgerDay, account: CreditAccountState, timeline: DayTimeline): void {
  if (account.status === 'closed') return;
  const { prng } = cs;
  const { plan } = account;
  const fate = plan.fate;
  const after = day.index - account.openedDay;
  const localSecond = (hour: number) => secondAtLocalTime(day, hour, prng.int(0, 59), prng.int(0, 59));
  const at = (second: number) => instantAt(day, second);

  if (fate.kind === 'frozen' && after === fate.freezeAfter) {
    const second = localSecond(11);
    timeline.at(second, () => freeze(cs, account, at(second)));
  }
  if (fate.kind === 'frozen' && after === fate.unfreezeAfter) {
    const second = localSecond(10);
    timeline.at(second, () => unfreeze(cs, account, at(second)));
  }
  if (fate.kind === 'closing' && after === fate.drainAfter) {
    const second = localSecond(15);
    timeline.at(second, () => payOff(cs, day, account, second));
  }
  if (fate.kind === 'closing' && after === fate.closeAfter) {
    const second = localSecond(12);
    const notice = second - prng.int(600, 7_200);
    timeline.at(second, () => close(cs, account, at(second), fate.reason, at(Math.max(0, notice))));
  }
  if (after === plan.limitChangeAfter) {
    const second = localSecond(9);
    const raise = prng.chance(0.75);
    const percent = BigInt(raise ? prng.int(125, 150) : prng.int(60, 80));
    timeline.at(second, () => changeLimit(cs, account, at(second), percent));
  }
  if (after === plan.userAddedAfter) {
    const second = localSecond(prng.int(9, 17));
    timeline.at(second, () => addUser(cs, account, at(second)));
  }
  if (after === plan.userRemovedAfter) {
    const second = localSecond(prng.int(9, 17));
    timeline.at(second, () => removeUser(cs, account, at(second)));
  }
  if (after === plan.ownerLeavesAfter) {
    const second = localSecond(prng.int(9, 17));
    timeline.at(second, () => {
      // Lead's Customer Relationship file keeps the link, marked deleted; the control person stays.
      const partner = account.partners.pop();
      if (partner && account.status !== 'closed') endRelationship(cs, partner, at(second));
    });
  }
  if (after >= 1 && account.status === 'active' && !account.draining) {
    planCardReplacement(cs, day, account, timeline);
    planCardActivity(cs, day, account, timeline, after);
  }
  const accrual = secondAtLocalTime(day, 23, 50);
  timeline.at(accrual, () => accrueInterest(cs, day, account, accrual));
}

function isOpen(account: CreditAccountState): boolean {
  return account.status === 'active' && !account.draining;
}

function planCardActivity(cs: CreditSimulation, day: LedgerDay, account: CreditAccountState, timeline: DayTimeline, after: number): void {
  const { prng } = cs;
  const commercial = account.product.holderType === 'commercial';
  if (after === 1 && account.product.annualFee > 0n) {
    const second = secondAtLocalTime(day, 3, 10);
    timeline.at(second, () => {
      if (!isOpen(account)) return;
      cs.book.postCredit({
        balance: account.balance, eventType: 'CC_ANNUAL_FEE', fees: account.product.annualFee, at: instantAt(day, second),
        settlementDate: day.date, description: 'ANNUAL FEE',
      });
    });
  }
  const purchases = prng.weighted(commercial ? [25, 25, 20, 15, 10, 5] : [40, 28, 17, 10, 5]);
  for (let i = 0; i < purchases; i += 1) {
    const usable = account.cards.filter(isUsable);
    if (usable.length === 0) break;
    const card = prng.pick(usable);
    const cents = commercial ? BigInt(prng.int(2_000, 250_000)) : purchaseCents(prng);
    const foreign = account.product.foreignFeeBasisPoints > 0n && prng.chance(0.05);
    const merchant = foreign ? prng.pick(FOREIGN_MERCHANTS) : prng.pick(commercial ? BUSINESS_MERCHANTS : MERCHANTS);
    const second = daytimeSecond(prng, day);
    timeline.at(second, () => purchase(cs, day, account, card, cents, merchant, foreign, second));
  }
  if (prng.chance(0.04)) {
    const second = daytimeSecond(prng, day);
    const pick = prng.next();
    timeline.at(second, () => refund(cs, day, account, pick, second));
  }
  if (day.isBusinessDay && prng.chance(commercial ? 0.2 : 0.14)) {
    const second = secondAtLocalTime(day, prng.int(6, 21), prng.int(0, 59), prng.int(0, 59));
    const full = prng.chance(0.4);
    const wanted = BigInt(prng.int(2_500, 60_000));
    const returned = prng.chance(0.08);
    timeline.at(second, () => pay(cs, day, account, full ? undefined : wanted, returned, second));
  }
}

function purchase(
  cs: CreditSimulation, day: LedgerDay, account: CreditAccountState, planned: CardState, cents: bigint, merchant: string, foreign: boolean, second: number,
): void {
  const card = currentCard(planned);
  if (!isOpen(account) || card.status !== 'active') return;
  const fee = foreign ? (cents * account.product.foreignFeeBasisPoints) / 10_000n : 0n;
  // Declined when the line cannot take it: no over-limit purchases.
  if (owed(account.balance) + cents + fee > account.creditLimit) return;
  const at = instantAt(day, second);
  cs.book.postCredit({
    balance: account.balance, eventType: 'CC_PURCHASE', principal: cents, at, card, settlementDate: nextBusinessDate(day.date), description: merchant,
  });
  if (fee > 0n) {
    cs.book.postCredit({
      balance: account.balance, eventType: 'CC_FOREIGN_FEE', fees: fee, at, settlementDate: day.date, description: `FOREIGN TRANSACTION FEE ${merchant}`,
    });
  }
  account.balance.purchases.push({ cents, merchant, card });
  if (account.balance.purchases.length > RECENT_PURCHASES_KEPT) account.balance.purchases.shift();
}

/** A merchant refunds a recent purchase, as long as that principal is still owed and the card is open. */
function refund(cs: CreditSimulation, day: LedgerDay, account: CreditAccountState, pick: number, second: number): void {
  const purchases = account.balance.purchases;
  if (!isOpen(account) || purchases.length === 0) return;
  const index = Math.floor(pick * purchases.length);
  const memo = purchases[index]!;
  const card = currentCard(memo.card);
  if (card.status === 'closed' || account.balance.principal < memo.cents) return;
  purchases.splice(index, 1);
  cs.book.postCredit({
    balance: account.balance, eventType: 'CC_REFUND', principal: -memo.cents, at: instantAt(day, second), card,
    settlementDate: nextBusinessDate(day.date), description: `REFUND ${memo.merchant}`,
  });
}

/** A payment by ACH: the whole balance (`wanted` undefined) or part of it, never more than is owed. */
function pay(cs: CreditSimulation, day: LedgerDay, account: CreditAccountState, wanted: bigint | undefined, returned: boolean, second: number): void {
  if (!isOpen(account)) return;
  const due = owed(account.balance);
  const cents = wanted === undefined || wanted > due ? due : wanted;
  if (cents <= 0n) return;
  const parts = allocatePayment(account.balance, cents);
  cs.book.postCredit({
    balance: account.balance, eventType: 'CC_PAYMENT', principal: -parts.principal, interest: -parts.interest, fees: -parts.fees,
    at: instantAt(day, second), settlementDate: nextBusinessDate(day.date), description: 'PAYMENT - THANK YOU',
  });
  // The customer's bank sends it back two business days later (insufficient funds).
  if (returned) cs.returns.push({ on: nextBusinessDate(nextBusinessDate(day.date)), payment: { account, ...parts } });
}

function planPaymentReturns(cs: CreditSimulation, day: LedgerDay, timeline: DayTimeline): void {
  const due = cs.returns.filter((item) => item.on === day.date);
  for (const { payment } of due) {
    const second = secondAtLocalTime(day, 10, cs.prng.int(0, 59), cs.prng.int(0, 59));
    timeline.at(second, () => {
      const { account } = payment;
      if (!isOpen(account)) return;
      const at = instantAt(day, second);
      cs.book.postCredit({
        balance: account.balance, eventType: 'CC_PAYMENT_RETURNED', principal: payment.principal, interest: payment.interest, fees: payment.fees,
        at, settlementDate: day.date, description: 'PAYMENT RETURNED - INSUFFICIENT FUNDS',
      });
      cs.book.postCredit({
        balance: account.balance, eventType: 'CC_RETURNED_PAYMENT_FEE', fees: RETURNED_PAYMENT_FEE, at, settlementDate: day.date,
        description: 'RETURNED PAYMENT FEE',
      });
    });
  }
  const rest = cs.returns.filter((item) => item.on !== day.date);
  cs.returns.splice(0, cs.returns.length, ...rest);
}

/** Daily interest on the outstanding principal at the product's APR; sub-cent interest waits a day. */
function accrueInterest(cs: CreditSimulation, day: LedgerDay, account: CreditAccountState, second: number): void {
  const balance = account.balance;
  if (account.status !== 'active' || balance.principal <= 0n) return;
  balance.interestCarry += balance.principal * account.product.aprBasisPoints;
  const accrued = balance.interestCarry / CARD_INTEREST_DENOMINATOR;
  balance.interestCarry %= CARD_INTEREST_DENOMINATOR;
  if (accrued === 0n) return;
  cs.book.postCredit({
    balance, eventType: 'CC_INTEREST', interest: accrued, at: instantAt(day, second), settlementDate: day.date, description: 'INTEREST CHARGE',
  });
}

function planCardReplacement(cs: CreditSimulation, day: LedgerDay, account: CreditAccountState, timeline: DayTimeline): void {
  const { prng } = cs;
  if (!prng.chance(0.005)) return;
  const second = secondAtLocalTime(day, prng.int(8, 20), prng.int(0, 59), prng.int(0, 59));
  const pick = prng.next();
  const reason = prng.chance(0.7) ? 'lost' : 'stolen';
  timeline.at(second, () => {
    const usable = account.cards.filter(isUsable);
    if (!isOpen(account) || usable.length === 0) return;
    replaceCard(cs, prng, account.cards, usable[Math.floor(pick * usable.length)]!, instantAt(day, second), `reported ${reason}`);
  });
}

// ---------------------------------------------------------------------------------------------------
// Lifecycle

function setStatus(cs: CreditSimulation, account: CreditAccountState, at: DateTime, status: LeadStatus, reason: LeadStatusReason, notice?: DateTime): void {
  const changedAt = isoInstant(at);
  account.status = status;
  cs.writer.add('account_status_history', {
    account_id: account.id, changed_at: changedAt, status, status_reason: reason,
    aan_delivered_at: notice ? isoInstant(notice) : null,
    aan_reason: notice ? 'Your card account was closed after a review of your account activity and credit profile' : null,
    aan_delivery_method: notice ? 'email' : null,
  });
  for (const balance of [account.balance, account.deposit]) {
    if (!balance || balance.status === 'closed') continue;
    balance.status = status;
    cs.writer.add('balance_status_history', { balance_id: balance.id, changed_at: changedAt, status, status_reason: reason });
  }
}

function freeze(cs: CreditSimulation, account: CreditAccountState, at: DateTime): void {
  if (!isOpen(account)) return;
  setStatus(cs, account, at, 'inactive', 'frozen');
  setCardsActive(cs, account.cards, false, at);
}

function unfreeze(cs: CreditSimulation, account: CreditAccountState, at: DateTime): void {
  if (account.status !== 'inactive') return;
  setStatus(cs, account, at, 'active', 'active');
  setCardsActive(cs, account.cards, true, at);
}

/** Paid off in full, and a secured card's deposit paid back and released; nothing is charged after. */
function payOff(cs: CreditSimulation, day: LedgerDay, account: CreditAccountState, second: number): void {
  if (!isOpen(account)) return;
  const at = instantAt(day, second);
  const due = owed(account.balance);
  if (due > 0n) {
    const parts = allocatePayment(account.balance, due);
    cs.book.postCredit({
      balance: account.balance, eventType: 'CC_PAYMENT', principal: -parts.principal, interest: -parts.interest, fees: -parts.fees,
      at, settlementDate: nextBusinessDate(day.date), description: 'PAYOFF - THANK YOU',
    });
  }
  const deposit = account.deposit;
  if (deposit && deposit.available > 0n) {
    cs.book.post({
      balance: deposit, eventType: 'SECURITY_DEPOSIT_RETURN', cents: deposit.available, at, settlementDate: nextBusinessDate(day.date),
      description: 'SECURITY DEPOSIT RETURNED TO EXT ACCT',
    });
  }
  if (deposit?.collateralId) cs.writer.add('collateral_status_history', { collateral_id: deposit.collateralId, changed_at: isoInstant(at), status: 'inactive' });
  account.draining = true;
}

function close(cs: CreditSimulation, account: CreditAccountState, at: DateTime, reason: 'paid_off' | 'client_closed', notice: DateTime): void {
  if (account.status === 'closed' || !account.draining) return;
  if (owed(account.balance) !== 0n || (account.deposit && account.deposit.available !== 0n)) {
    throw new Error(`card account ${account.id} is not settled at closing`);
  }
  setStatus(cs, account, at, 'closed', reason, reason === 'client_closed' ? notice : undefined);
  for (const card of account.cards) closeCard(cs, card, at, reason === 'paid_off' ? 'account closed at the customer\'s request' : 'account closed by the program');
  // Lead wants every authorized user of a closed account reported inactive.
  for (const user of account.users.filter((candidate) => !candidate.removed)) removeFromAccount(cs, account, user.party, at);
  if (account.signer) removeFromAccount(cs, account, account.signer, at);
}

function changeLimit(cs: CreditSimulation, account: CreditAccountState, at: DateTime, percent: bigint): void {
  if (!isOpen(account)) return;
  const step = 10_000n;
  const scaled = (account.creditLimit * percent) / 100n;
  let limit = percent > 100n ? roundUp(scaled, step) : (scaled / step) * step;
  if (limit > account.maxCreditLimit) limit = account.maxCreditLimit;
  // A decrease never leaves the card over its line.
  const floor = roundUp(owed(account.balance), step);
  if (limit < floor) limit = floor;
  if (limit < step) limit = step;
  if (limit === account.creditLimit || limit > account.maxCreditLimit) return;
  account.creditLimit = limit;
  cs.writer.add('credit_limit_history', {
    account_id: account.id, changed_at: isoInstant(at), credit_limit: money(limit), max_credit_limit: money(account.maxCreditLimit),
  });
}

/** A new authorized user (an employee, a family member) with a card of their own. */
function addUser(cs: CreditSimulation, account: CreditAccountState, at: DateTime): void {
  if (!isOpen(account)) return;
  const party = addPerson(cs, cs.prng, cs.prng, at, ['authorized_user'], 'contact-only');
  cs.writer.add('account_party_history', { account_id: account.id, customer_id: party.customerId, role: 'user', changed_at: isoInstant(at), status: 'active' });
  const card = issueCreditCard(cs, account, party, at);
  account.cards.push(card);
  account.users.push({ party, card, removed: false });
}

/** An authorized user taken off the account: their card closes with it. */
function removeUser(cs: CreditSimulation, account: CreditAccountState, at: DateTime): void {
  if (!isOpen(account)) return;
  const user = account.users.find((candidate) => !candidate.removed);
  if (!user) return;
  removeFromAccount(cs, account, user.party, at);
  if (user.card) closeCard(cs, currentCard(user.card), at, 'authorized user removed from the account');
}

function removeFromAccount(cs: CreditSimulation, account: CreditAccountState, party: Party, at: DateTime): void {
  const user = account.users.find((candidate) => candidate.party === party);
  if (user) user.removed = true;
  cs.writer.add('account_party_history', { account_id: account.id, customer_id: party.customerId, role: 'user', changed_at: isoInstant(at), status: 'removed' });
}

function daytimeSecond(prng: Prng, day: LedgerDay): number {
  return secondAtLocalTime(day, prng.weighted(HOUR_WEIGHTS), prng.int(0, 59), prng.int(0, 59));
}

function purchaseCents(prng: Prng): bigint {
  const band = prng.weighted([60, 30, 10]);
  if (band === 0) return BigInt(prng.int(300, 6_000));
  if (band === 1) return BigInt(prng.int(6_000, 25_000));
  return BigInt(prng.int(25_000, 120_000));
}

function roundUp(cents: bigint, step: bigint): bigint {
  return ((cents + step - 1n) / step) * step;
}
