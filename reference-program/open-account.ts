import type { DateTime } from 'luxon';
import { issueCard } from './cards.js';
import { isoInstant } from './ledger-day.js';
import type { LedgerWriter } from './ledger-writer.js';
import type { PartyRole } from './ledger-rows.js';
import { CONTROL_TITLES, EMPLOYERS } from './names.js';
import { addBusiness, addPerson, addRelationship, type PeopleContext, type RelationshipPlan } from './people.js';
import type { Prng } from './prng.js';
import type { AccountState, ApplicationPlan, BalanceState, CardState, Party, PayrollPlan } from './program-model.js';
import type { Simulation } from './simulation.js';

/**
 * Onboards a deposit application at `openedAt`: its customers (a few minutes earlier, as KYC comes
 * first) and, for a business, the people behind it; the account with its parties, a Checking balance
 * (and Savings when planned), and debit cards a minute later. Money arrives separately: see the opening
 * deposit in simulate-day.ts. The account joins the program's lists (where P2P payments find it) only
 * when its opening instant comes: simulate-day.ts.
 */
const CONSUMER_BIN = '423871';
const BUSINESS_BIN = '485340';

export function openAccount(sim: Simulation, plan: ApplicationPlan, openedAt: DateTime, dayIndex: number): AccountState {
  const { prng, extras, book, writer } = sim;
  const onboarded = openedAt.minus({ minutes: prng.int(5, 40) });
  const commercial = plan.holderType === 'commercial';
  const soleProp = commercial && extras.chance(0.25);

  const holder = commercial
    ? addBusiness(sim, prng, extras, onboarded, soleProp ? 'sole_prop' : 'business')
    : addPerson(sim, prng, extras, onboarded, ['account_holder']);
  // A business acts through its owner: the control person, the signer Lead requires, and the person
  // who carries its card (so an authorized user too: a card's holder must be a holder or user).
  const owner = commercial ? addPerson(sim, prng, extras, onboarded, ['authorized_signer', 'authorized_user']) : undefined;
  const joint = plan.jointHolder ? addPerson(sim, prng, extras, onboarded, ['account_holder']) : undefined;
  const user = plan.authorizedUser ? addPerson(sim, prng, extras, onboarded, ['authorized_user'], 'contact-only') : undefined;
  if (owner) addOwnership(sim, extras, holder, owner, soleProp, onboarded, extras.weighted([45, 40, 15]));

  const accountId = book.newId('account');
  const opened = isoInstant(openedAt);
  writer.add('accounts', {
    account_id: accountId,
    application_id: null,
    product_name: commercial ? 'Business Checking' : 'Everyday Checking',
    currency: book.currency,
    holder_type: plan.holderType,
    opened_at: opened,
  });
  writer.add('account_status_history', {
    account_id: accountId, changed_at: opened, status: 'active', status_reason: 'active',
    aan_delivered_at: null, aan_reason: null, aan_delivery_method: null,
  });
  addParties(writer, accountId, opened, [
    [holder, 'holder'],
    [joint, 'holder'],
    [owner, 'signer'],
    [owner, 'user'],
    [user, 'user'],
  ]);

  const account: AccountState = {
    id: accountId,
    displayName: holder.name,
    plan,
    openedDay: dayIndex,
    fate: { ...plan.fate },
    status: 'active',
    draining: false,
    cycleDay: prng.int(1, 28),
    maintenanceFee: commercial ? 1500n : prng.chance(0.4) ? 495n : 0n,
    payroll: commercial ? undefined : planPayroll(sim),
    cards: [],
    users: [owner, user].filter((party) => party !== undefined),
    // An account and its balances point at each other: the checking balance is attached just below.
    checking: undefined as unknown as BalanceState,
    savings: undefined,
    pendingCount: 0,
  };
  (account as { checking: BalanceState }).checking = addBalance(sim, account, 'checking', openedAt);
  if (plan.savingsAtOpening) account.savings = addBalance(sim, account, 'savings', openedAt);

  if (plan.withCard) {
    const issuedAt = openedAt.plus({ minutes: 1 });
    const cardholders = [owner ?? holder, joint && prng.chance(0.7) ? joint : undefined, user];
    for (const cardholder of cardholders) {
      if (cardholder) account.cards.push(issueDebitCard(sim, prng, account.id, cardholder, issuedAt, commercial));
    }
  }
  return account;
}

export function issueDebitCard(sim: Simulation, prng: Prng, accountId: string, holder: Party, issuedAt: DateTime, commercial: boolean): CardState {
  return issueCard(sim, prng, {
    accountId,
    holder,
    productName: commercial ? 'Business Debit' : 'Everyday Debit',
    cardType: commercial ? 'commercial' : 'consumer',
    bin: commercial ? BUSINESS_BIN : CONSUMER_BIN,
  }, issuedAt);
}

export function addParties(writer: LedgerWriter, accountId: string, at: string, parties: readonly (readonly [Party | undefined, PartyRole])[]): void {
  for (const [party, role] of parties) {
    if (party) writer.add('account_party_history', { account_id: accountId, customer_id: party.customerId, role, changed_at: at, status: 'active' });
  }
}

/**
 * The people behind a commercial holder, as Lead's Customer Relationship file wants them: a sole
 * proprietorship has exactly its sole proprietor; a business has its control person (the owner who
 * signs) and every beneficial owner of 25% or more, the owner often among them. Additional owners are
 * onboarded with full KYC like the owner; their links are returned.
 */
export function addOwnership(
  ctx: PeopleContext, prng: Prng, business: Party, owner: Party, soleProp: boolean, at: DateTime, others: number,
): RelationshipPlan[] {
  const establishedOn = at.minus({ years: prng.int(1, 25), days: prng.int(0, 364) }).toISODate()!;
  if (soleProp) {
    addRelationship(ctx, { business, individual: owner, type: 'sole_proprietor', at, title: 'Owner', establishedOn });
    return [];
  }
  addRelationship(ctx, { business, individual: owner, type: 'control_person', at, title: prng.pick(CONTROL_TITLES), establishedOn });
  let left = 100;
  const partners: RelationshipPlan[] = [];
  if (prng.chance(0.75)) {
    const share = others === 0 ? prng.int(51, 100) : prng.int(25, 100 - 25 * others);
    addRelationship(ctx, { business, individual: owner, type: 'beneficial_owner', at, ownership: share, establishedOn });
    left -= share;
  }
  for (let i = 0; i < others && left >= 25; i += 1) {
    const partner = addPerson(ctx, prng, prng, at, []);
    const share = i === others - 1 ? prng.int(25, left) : 25;
    partners.push(addRelationship(ctx, {
      business, individual: partner, type: 'beneficial_owner', at, ownership: share, establishedOn: at.minus({ years: prng.int(0, 10) }).toISODate()!,
    }));
    left -= share;
  }
  return partners;
}

/** A new balance of an open account, active from `createdAt`, starting at zero. */
export function addBalance(sim: Simulation, account: AccountState, kind: 'checking' | 'savings', createdAt: DateTime): BalanceState {
  const balanceId = sim.book.newId('balance');
  const created = isoInstant(createdAt);
  sim.writer.add('balances', {
    balance_id: balanceId,
    account_id: account.id,
    name: kind === 'checking' ? 'Checking' : 'Savings',
    type: 'deposit',
    currency: sim.book.currency,
    created_at: created,
  });
  sim.writer.add('balance_status_history', { balance_id: balanceId, changed_at: created, status: 'active', status_reason: 'active' });
  return {
    id: balanceId,
    kind,
    account,
    status: 'active',
    available: 0n,
    accruedInterest: 0n,
    interestCarry: 0n,
    rewards: 0n,
    purchases: [],
  };
}

function planPayroll(sim: Simulation): PayrollPlan | undefined {
  const { prng } = sim;
  if (!prng.chance(0.7)) return undefined;
  return {
    weekday: prng.int(1, 5),
    everyOtherWeek: prng.chance(0.6),
    cents: BigInt(prng.int(600, 3500)) * 100n + BigInt(prng.int(0, 99)),
    employer: prng.pick(EMPLOYERS),
  };
}
