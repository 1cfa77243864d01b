import { sql } from 'kysely';
import type { Database } from '../../core/database.js';
import { LeadEtlError } from '../../core/errors.js';
import { addDays, LEAD_ZONE, parseFileDate } from '../../core/file-date.js';
import { installReferenceLedgerSchema } from './install-schema.js';
import { ledgerDay } from './ledger-day.js';
import { createLedgerBook } from './ledger-book.js';
import { createLedgerWriter } from './ledger-writer.js';
import { planApplications } from './plan-applications.js';
import { createPrng } from './prng.js';
import type { ApplicationPlan } from './program-model.js';
import { simulateDay } from './simulate-day.js';
import type { Simulation } from './simulation.js';

export { installReferenceLedgerSchema, type InstallSchemaOptions } from './install-schema.js';

/**
 * Fills the reference ledger with a deposit program with debit cards, day by day, deterministically:
 * the same options give byte-identical rows (one seeded PRNG, no wall clock), so tests and demos can
 * regenerate any ledger they need.
 */
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
}

export interface GenerateSummary {
  customers: number;
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

export async function generateReferenceLedger(database: Database, options: GenerateOptions): Promise<GenerateSummary> {
  checkOptions(options);
  const firstDate = parseFileDate(options.firstActivityDate ?? DEFAULT_FIRST_ACTIVITY_DATE, 'firstActivityDate');
  const zone = options.zone ?? LEAD_ZONE;
  await installReferenceLedgerSchema(database);

  return database.db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ used: boolean }>`select exists (select 1 from ledger.customers) as used`.execute(trx);
    if (rows[0]?.used) {
      throw new LeadEtlError('USAGE', `the ledger in ${database.label} already holds data; reinstall it with { replace: true } to generate again`);
    }
    const prng = createPrng(options.seed);
    const writer = createLedgerWriter(trx);
    const book = createLedgerBook(writer, PROGRAM_CURRENCY);
    const sim: Simulation = { prng, book, writer, accounts: [], checkings: [] };

    const openingsByDay = groupByDay(planApplications(prng, options.scale, options.days), options.days);
    for (let index = 0; index < options.days; index += 1) {
      simulateDay(sim, ledgerDay(firstDate, index, zone), openingsByDay[index]!);
      await writer.flush();
    }
    book.writeUnposted();
    await writer.flush();

    return {
      customers: book.count('customer'),
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
  ].filter(Boolean);
  if (problems.length > 0) throw new LeadEtlError('USAGE', `cannot generate the reference ledger: ${problems.join('; ')}`);
}

function groupByDay(plans: readonly ApplicationPlan[], days: number): ApplicationPlan[][] {
  const byDay: ApplicationPlan[][] = Array.from({ length: days }, () => []);
  for (const plan of plans) byDay[plan.day]!.push(plan);
  return byDay;
}
