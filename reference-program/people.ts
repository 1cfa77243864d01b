import type { DateTime } from 'luxon';
import { unitsToDecimal } from '../transform/money.js';
import type { DayTimeline } from './day-timeline.js';
import { instantAt, isoInstant, secondAtLocalTime, type LedgerDay } from './ledger-day.js';
import type { LedgerBook } from './ledger-book.js';
import type { CustomerContactRow, CustomerRow, IntendedRole, RelationshipType } from './ledger-rows.js';
import type { LedgerWriter } from './ledger-writer.js';
import {
  AREA_CODES, BUSINESS_SUFFIXES, BUSINESS_TRADES, BUSINESS_WORDS, CITIES, EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES,
  OCCUPATIONS, STREETS, SUFFIX_BUSINESS_TYPES, TRADE_NAICS,
} from './names.js';
import type { Prng } from './prng.js';
import type { Party } from './program-model.js';

/**
 * Onboarding customers of either program, and the changes to their contact details later on. Names are
 * drawn from one PRNG and every other detail from another, so the program whose names came first keeps
 * its sequence of draws whatever details are added.
 *
 * KYC follows the role (Lead's Customer overview): holders, signers and the people behind a business
 * get the full set (date of birth, SSN, address, screening); an authorized user gets name and contact
 * only.
 */
export interface PeopleContext {
  readonly book: LedgerBook;
  readonly writer: LedgerWriter;
  readonly people: PeopleRegistry;
}

interface Contactable {
  readonly customerId: string;
  contact: CustomerContactRow;
  /** The part of an email address before the @ that a new address keeps. */
  readonly emailStem: string;
  readonly onboardedMillis: number;
}

export interface PeopleRegistry {
  /** Every customer of the program, in onboarding order. */
  readonly customers: Contactable[];
}

export const createPeopleRegistry = (): PeopleRegistry => ({ customers: [] });

export type Kyc = 'full' | 'contact-only';

export function addPerson(ctx: PeopleContext, names: Prng, details: Prng, createdAt: DateTime, roles: readonly IntendedRole[], kyc: Kyc = 'full'): Party {
  const customerId = ctx.book.newId('customer');
  const first = names.pick(FIRST_NAMES);
  const last = names.pick(LAST_NAMES);
  const full = kyc === 'full';
  const created = isoInstant(createdAt);
  const middle = details.chance(0.35) ? details.pick(FIRST_NAMES) : null;
  const preferred = details.chance(0.08) ? first.slice(0, Math.max(2, Math.min(4, first.length - 1))) : null;
  const row: CustomerRow = {
    ...noBusiness,
    customer_id: customerId,
    kind: 'individual',
    intended_roles: [...roles],
    first_name: first,
    preferred_first_name: preferred,
    middle_name: middle,
    last_name: last,
    date_of_birth: full ? createdAt.minus({ years: details.int(21, 78), days: details.int(0, 364) }).toISODate() : null,
    occupation: full ? details.pick(OCCUPATIONS) : null,
    tax_id_type: full ? 'ssn' : null,
    tax_id: full ? ssn(details) : null,
    ...(full ? screening(details, created) : noScreening),
    created_at: created,
  };
  ctx.writer.add('customers', row);
  const emailStem = `${first}.${last}.${customerId.slice(4)}`.toLowerCase();
  register(ctx, customerId, emailStem, createdAt, {
    customer_id: customerId,
    changed_at: created,
    email: `${emailStem}@example.com`,
    phone: phone(details),
    ...(full ? address(details) : noAddress),
  });
  return { customerId, name: `${first} ${last}`.toUpperCase() };
}

/**
 * A business (or a sole proprietorship, which trades under a name without a legal-form suffix): the
 * account holder of a commercial account, with full KYB. The name takes three draws from `names` either way.
 */
export function addBusiness(ctx: PeopleContext, names: Prng, details: Prng, createdAt: DateTime, kind: 'business' | 'sole_prop'): Party {
  const customerId = ctx.book.newId('customer');
  const word = names.pick(BUSINESS_WORDS);
  const trade = names.pick(BUSINESS_TRADES);
  const suffix = names.pick(BUSINESS_SUFFIXES);
  const name = kind === 'business' ? `${word} ${trade} ${suffix}` : `${word} ${trade}`;
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const created = isoInstant(createdAt);
  ctx.writer.add('customers', {
    ...noPerson,
    customer_id: customerId,
    kind,
    intended_roles: ['account_holder'],
    business_name: name,
    business_type: kind === 'business' ? SUFFIX_BUSINESS_TYPES[suffix] : 'sole_prop',
    doing_business_as: kind === 'business' && details.chance(0.3) ? `${word} ${trade}` : null,
    website: details.chance(0.6) ? `https://www.${slug.replace(/-(llc|inc|co|corp)$/, '')}.example.com` : null,
    naics_code: TRADE_NAICS[BUSINESS_TRADES.indexOf(trade)]!,
    gross_annual_revenue: unitsToDecimal(BigInt(details.int(60, 9_000)) * 100_000n, 4),
    tax_id_type: 'ein',
    tax_id: String(details.int(10, 88)) + String(details.int(0, 9_999_999)).padStart(7, '0'),
    ...screening(details, created),
    created_at: created,
  });
  const emailStem = `billing.${customerId.slice(4)}`;
  register(ctx, customerId, emailStem, createdAt, {
    customer_id: customerId,
    changed_at: created,
    email: `${emailStem}@${slug}.example.com`,
    phone: phone(details),
    ...address(details),
  });
  return { customerId, name: name.toUpperCase() };
}

export interface RelationshipPlan {
  readonly business: Party;
  readonly individual: Party;
  readonly type: RelationshipType;
  readonly at: DateTime;
  /** Whole percent; beneficial owners only (25 or more, as Lead's beneficial-owner rule goes). */
  readonly ownership?: number;
  readonly title?: string;
  readonly establishedOn: string;
}

export function addRelationship(ctx: PeopleContext, plan: RelationshipPlan): RelationshipPlan {
  writeRelationship(ctx, plan, plan.at, 'active');
  return plan;
}

/** The person left the role (an owner sold their stake): the link is kept, as deleted. */
export function endRelationship(ctx: PeopleContext, plan: RelationshipPlan, at: DateTime): void {
  writeRelationship(ctx, plan, at, 'deleted');
}

function writeRelationship(ctx: PeopleContext, plan: RelationshipPlan, at: DateTime, status: 'active' | 'deleted'): void {
  ctx.writer.add('customer_relationship_history', {
    business_id: plan.business.customerId,
    individual_id: plan.individual.customerId,
    relationship_type: plan.type,
    changed_at: isoInstant(at),
    status,
    ownership_percentage: plan.ownership === undefined ? null : `${plan.ownership}.00`,
    title: plan.title ?? null,
    established_on: plan.establishedOn,
  });
}

/**
 * Customers move and change email now and then: a few a day, at a daytime moment, each a new version
 * of their contact details. Only customers onboarded before the day can change.
 */
export function planContactChanges(ctx: PeopleContext, prng: Prng, day: LedgerDay, timeline: DayTimeline, dailyChance: number): void {
  const known = ctx.people.customers.filter((customer) => customer.onboardedMillis < day.start.toMillis());
  for (const customer of known) {
    if (!prng.chance(dailyChance)) continue;
    const moves = customer.contact.address_line_1 !== null && prng.chance(0.6);
    const second = secondAtLocalTime(day, prng.int(7, 21), prng.int(0, 59), prng.int(0, 59));
    const next = moves ? address(prng) : { email: `${customer.emailStem}.${day.date.replaceAll('-', '')}@${prng.pick(EMAIL_DOMAINS)}` };
    timeline.at(second, () => {
      customer.contact = { ...customer.contact, ...next, changed_at: isoInstant(instantAt(day, second)) };
      ctx.writer.add('customer_contact_history', customer.contact);
    });
  }
}

function register(ctx: PeopleContext, customerId: string, emailStem: string, createdAt: DateTime, contact: CustomerContactRow): void {
  ctx.writer.add('customer_contact_history', contact);
  ctx.people.customers.push({ customerId, contact, emailStem, onboardedMillis: createdAt.toMillis() });
}

const noScreening = { kyc_result: null, ofac_result: null, screened_at: null, risk_score: null } as const;
const noAddress = { address_line_1: null, address_line_2: null, city: null, state: null, postal_code: null, country: null } as const;
const noBusiness = {
  business_name: null, business_type: null, doing_business_as: null, website: null, naics_code: null, gross_annual_revenue: null,
} as const;
const noPerson = {
  first_name: null, preferred_first_name: null, middle_name: null, last_name: null, date_of_birth: null, occupation: null,
} as const;

function screening(prng: Prng, at: string) {
  const risk = prng.weighted([82, 16, 2]);
  return { kyc_result: 'passed', ofac_result: 'passed', screened_at: at, risk_score: (['low', 'medium', 'high'] as const)[risk]! } as const;
}

/** An SSN-shaped number: never area 000, 666 or 9xx, group and serial never zero. */
function ssn(prng: Prng): string {
  let area = prng.int(1, 899);
  if (area === 666) area = 667;
  return String(area).padStart(3, '0') + String(prng.int(1, 99)).padStart(2, '0') + String(prng.int(1, 9_999)).padStart(4, '0');
}

function phone(prng: Prng): string {
  return `+1 ${prng.pick(AREA_CODES)} 555 01${String(prng.int(0, 99)).padStart(2, '0')}`;
}

function address(prng: Prng) {
  const [city, state, zip] = prng.pick(CITIES);
  return {
    address_line_1: `${prng.int(100, 9_899)} ${prng.pick(STREETS)}`,
    address_line_2: prng.chance(0.3) ? `Apt ${prng.int(1, 40)}${prng.pick(['', 'A', 'B', 'C'])}` : null,
    city,
    state,
    postal_code: zip + String(prng.int(1, 99)).padStart(2, '0'),
    country: 'US',
  };
}
