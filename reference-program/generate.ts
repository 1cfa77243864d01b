import { sql } from 'kysely';
import type { Database } from '../core/database.js';
import { LeadEtlError } from '../core/errors.js';
import { addDays, LEAD_ZONE, parseFileDate } from '../core/file-date.js';
import { simulateCreditDay } from './credit-day.js';
import type { CreditApplicationPlan, CreditSimulation } from './credit-model.js';
import { installReferenceLedgerSchema } from './install-schema.js';
import { ledgerDay } from './ledger-day.js';
import { createLedgerBook } from './ledger-book.js';
import { createLedgerWriter } from './ledger-writer.js';
import { createPeopleRegistry } from './people.js';
import { planApplications } from './plan-applications.js';
import { planCreditApplications } from './plan-credit-applications.js';
import { createPrng } from './prng.js';
import type { ApplicationPlan } from './program-model.js';
import { simulateDay } from './simulate-day.js';
import type { Simulation } from './simulation.js';

export { installReferenceLedgerSchema } from './install-schema.js';

/**
 * Fills the reference ledger day by day, deterministically: the same options give byte-identical rows
 * (seeded PRNGs, no wall clock), so tests and demos can regenerate any ledger they need.
 *
 *   deposit  a deposit program with debit cards (consumer and business checking and savings)
 *   credit   a credit-card program: applications and their decisions, consumer, secured and business
 *            cards with their lines, payments, interest, fees and collateral; it opens the day after the
 *            first activity day, so its Day 0 files are header-only as Lead's credit Day 0 expects
 *   all      both in one ledger: ids never collide, and each program draws from its own PRNG stream,
 *            so each is the same as when generated alone but for its ids
 */
/** The programs the reference ledger generates; each has a built-in profile of the same name. */
export const REFERENCE_PROGRAMS = ['deposit', 'credit', 'all'] as const;
export type ReferenceProgram = (typeof REFERENCE_PROGRAMS)[number];

export interface GenerateOptions {
  /** Activity days to simulate, from firstActivityDate on. */
  days: number;
  /** 1 is about 100 customers; 10 is about 1,000. */
  scale: number;
  seed: number;
  /** The first local activity day, `YYYY-MM-DD`; 2026-03-05, so a default run crosses the 2026-03-08 DST start. */
  firstActivityDate?: string;
  /** The zone whose calendar days are simulated; America/Chicago. */
  zone?: string;
  /** Which program(s) to generate; 'deposit' by default. */
  program?: ReferenceProgram;
  /** Called once each activity day is written (`done` of `days`), for a progress display. */
  onDay?: (done: number, activityDate: string) => void;
}

export interface GenerateSummary {
  program: ReferenceProgram;
  customers: number;
  applications: number;
  accounts: number;
  balances: number;
  cards: number;
  entries: number;
  pending: number;
  firstActivityDate: string;
  lastActivityDate: string;
}

export const DEFAULT_FIRST_ACTIVITY_DATE = '2026-03-05';
const PROGRAM_CURRENCY = 'USD';
// PRNG streams: 0 is the deposit program as first written; later parts draw from their own.
const DEPOSIT_EXTRAS_STREAM = 1;
const CREDIT_STREAM = 2;

export async function generateReferenceLedger(database: Database, options: GenerateOptions): Promise<GenerateSummary> {
  checkOptions(options);
  const firstDate = parseFileDate(options.firstActivityDate ?? DEFAULT_FIRST_ACTIVITY_DATE, 'firstActivityDate');
  const zone = options.zone ?? LEAD_ZONE;
  const program = options.program ?? 'deposit';
  await installReferenceLedgerSchema(database);

  return database.db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ used: boolean }>`select exists (select 1 from ledger.customers) as used`.execute(trx);
    if (rows[0]?.used) {
      throw new LeadEtlError('USAGE', `the ledger in ${database.label} already holds data; add --reset to lead-etl seed to generate it again`);
    }
    const writer = createLedgerWriter(trx);
    const book = createLedgerBook(writer, PROGRAM_CURRENCY);
    const deposit: Simulation | undefined = program === 'credit' ? undefined : {
      prng: createPrng(options.seed), extras: createPrng(options.seed, DEPOSIT_EXTRAS_STREAM), book, writer,
      people: createPeopleRegistry(), accounts: [], checkings: [], corrections: [],
    };
    const credit: CreditSimulation | undefined = program === 'deposit' ? undefined : {
      prng: createPrng(options.seed, CREDIT_STREAM), book, writer, people: createPeopleRegistry(), accounts: [], reviews: [], returns: [],
    };

    const openingsByDay = deposit ? groupByDay(planApplications(deposit.prng, options.scale, options.days), options.days) : [];
    const applicationsByDay = credit ? groupByDay(planCreditApplications(credit.prng, options.scale, options.days), options.days) : [];
    for (let index = 0; index < options.days; index += 1) {
      const day = ledgerDay(firstDate, index, zone);
      if (deposit) simulateDay(deposit, day, openingsByDay[index]!);
      if (credit) simulateCreditDay(credit, day, applicationsByDay[index]!);
      await writer.flush();
      options.onDay?.(index + 1, addDays(firstDate, index));
    }
    book.writeUnposted();
    await writer.flush();

    return {
      program,
      customers: book.count('customer'),
      applications: book.count('application'),
      accounts: book.count('account'),
      balances: book.count('balance'),
      cards: book.count('card'),
      entries: book.entryCount(),
      pending: book.pendingCount(),
      firstActivityDate: firstDate,
      lastActivityDate: addDays(firstDate, options.days - 1),
    };
  });
}

function checkOptions(options: GenerateOptions): void {
  const problems = [
    Number.isInteger(options.days) && options.days >= 1 && options.days <= 3660 ? '' : 'days must be a whole number from 1 to 3660',
    Number.isFinite(options.scale) && options.scale > 0 && options.scale <= 1000 ? '' : 'scale must be a number above 0 (at most 1000)',
    Number.isSafeInteger(options.seed) ? '' : 'seed must be a whole number',
    options.program === undefined || REFERENCE_PROGRAMS.includes(options.program) ? '' : `program must be one of ${REFERENCE_PROGRAMS.join(', ')}`,
  ].filter(Boolean);
  if (problems.length > 0) throw new LeadEtlError('USAGE', `cannot generate the reference ledger: ${problems.join('; ')}`);
}

function groupByDay<T extends ApplicationPlan | CreditApplicationPlan>(plans: readonly T[], days: number): T[][] {
  const byDay: T[][] = Array.from({ length: days }, () => []);
  for (const plan of plans) byDay[plan.day]!.push(plan);
  return byDay;
}
