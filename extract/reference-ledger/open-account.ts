import type { DateTime } from 'luxon';
import { isoInstant } from './ledger-day.js';
import type { CustomerRow } from './ledger-rows.js';
import {
  BUSINESS_SUFFIXES, BUSINESS_TRADES, BUSINESS_WORDS, EMPLOYERS, FIRST_NAMES, LAST_NAMES,
} from './names.js';
import type { AccountState, ApplicationPlan, BalanceState, CardState, PayrollPlan } from './program-model.js';
import type { Simulation } from './simulation.js';

/**
 * Onboards an application at `openedAt`: its customers (a few minutes earlier, as KYC comes first), the
 * account with its parties, a Checking balance (and Savings when planned), and debit cards a minute
 * later. Money arrives separately: see the opening deposit in simulate-day.ts. The account joins the
 * program's lists (where P2P payments find it) only when its opening instant comes: simulate-day.ts.
 */
const CONSUMER_BIN = '423871';
const BUSINESS_BIN = '485340';

interface Party {
  readonly customerId: string;
  readonly name: string;
}

export function openAccount(sim: Simulation, plan: ApplicationPlan, openedAt: DateTime, dayIndex: number): AccountState {
  const { prng, book, writer } = sim;
  const onboardedAt = isoInstant(openedAt.minus({ minutes: prng.int(5, 40) }));
  const opened = isoInstant(openedAt);
  const commercial = plan.holderType === 'commercial';

  const holder = commercial ? addBusiness(sim, onboardedAt) : addPerson(sim, onboardedAt);
  const owner = commercial ? addPerson(sim, onboardedAt) : undefined;
  const joint = plan.jointHolder ? addPerson(sim, onboardedAt) : undefined;
  const user = plan.authorizedUser ? addPerson(sim, onboardedAt) : undefined;

  const accountId = book.newId('account');
  writer.add('accounts', {
    account_id: accountId,
    product_name: commercial ? 'Business Checking' : 'Everyday Checking',
    currency: book.currency,
    holder_type: plan.holderType,
    opened_at: opened,
  });
  writer.add('account_status_history', { account_id: accountId, changed_at: opened, status: 'active', status_reason: 'active' });
  const parties: [Party | undefined, 'holder' | 'signer' | 'user'][] = [
    [holder, 'holder'],
    [joint, 'holder'],
    // A business acts through its owner: the signer Lead requires, and the person who carries its card.
    [owner, 'signer'],
    [owner, 'user'],
    [user, 'user'],
  ];
  for (const [party, role] of parties) {
    if (party) writer.add('account_holders', { account_id: accountId, customer_id: party.customerId, role, added_at: opened });
  }

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
      if (cardholder) account.cards.push(issueCard(sim, account, cardholder, issuedAt, commercial));
    }
  }
  return account;
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

function addPerson(sim: Simulation, createdAt: string): Party {
  const { prng, book } = sim;
  const customerId = book.newId('customer');
  const first = prng.pick(FIRST_NAMES);
  const last = prng.pick(LAST_NAMES);
  addCustomer(sim, {
    customer_id: customerId,
    kind: 'individual',
    first_name: first,
    last_name: last,
    business_name: null,
    email: `${first}.${last}.${customerId.slice(4)}@example.com`.toLowerCase(),
    created_at: createdAt,
  });
  return { customerId, name: `${first} ${last}`.toUpperCase() };
}

function addBusiness(sim: Simulation, createdAt: string): Party {
  const { prng, book } = sim;
  const customerId = book.newId('customer');
  const name = `${prng.pick(BUSINESS_WORDS)} ${prng.pick(BUSINESS_TRADES)} ${prng.pick(BUSINESS_SUFFIXES)}`;
  addCustomer(sim, {
    customer_id: customerId,
    kind: 'business',
    first_name: null,
    last_name: null,
    business_name: name,
    email: `billing.${customerId.slice(4)}@${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.example.com`,
    created_at: createdAt,
  });
  return { customerId, name: name.toUpperCase() };
}

function addCustomer(sim: Simulation, row: CustomerRow): void {
  sim.writer.add('customers', row);
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

function issueCard(sim: Simulation, account: AccountState, cardholder: Party, issuedAt: DateTime, commercial: boolean): CardState {
  const { prng, book, writer } = sim;
  const cardId = book.newId('card');
  const bin = commercial ? BUSINESS_BIN : CONSUMER_BIN;
  writer.add('cards', {
    card_id: cardId,
    account_id: account.id,
    customer_id: cardholder.customerId,
    product_name: commercial ? 'Business Debit' : 'Everyday Debit',
    bin,
    last4: String(prng.int(0, 9999)).padStart(4, '0'),
    is_virtual: prng.chance(0.25),
    issued_at: isoInstant(issuedAt),
    expires_on: issuedAt.plus({ years: 4 }).endOf('month').toISODate()!,
    closed_at: null,
    closed_reason: null,
  });
  return { id: cardId, bin, closed: false };
}
