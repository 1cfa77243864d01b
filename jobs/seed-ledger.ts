import { sql } from 'kysely';
import type { Config } from '../config/load-config.js';
import { LeadEtlError } from '../core/errors.js';
import {
  generateReferenceLedger, installReferenceLedgerSchema, type GenerateOptions, type GenerateSummary,
} from '../extract/reference-ledger/generate.js';
import { openDatabases } from './job-context.js';

/** `lead-etl seed`: the reference ledger, generated into the configured ledger database. */
export async function seedLedger(
  config: Config,
  options: Omit<GenerateOptions, 'firstActivityDate'> & { firstActivityDate?: string; reset: boolean },
): Promise<GenerateSummary> {
  const databases = await openDatabases(config);
  try {
    const db = databases.ledger.db;
    const existing = await sql<{ n: number }>`select count(*)::int as n from information_schema.schemata where schema_name = 'ledger'`.execute(db);
    if (existing.rows[0]!.n > 0) {
      if (!options.reset) {
        throw new LeadEtlError('USAGE', `${databases.ledger.label} already has a reference ledger (schema "ledger"); add --reset to replace it`);
      }
      await sql`drop schema ledger cascade`.execute(db);
    }
    await installReferenceLedgerSchema(databases.ledger);
    const { reset: _reset, ...generate } = options;
    return await generateReferenceLedger(databases.ledger, { firstActivityDate: '2026-03-05', ...generate });
  } finally {
    await databases.close();
  }
}
