import { readFile } from 'node:fs/promises';
import { CompiledQuery } from 'kysely';
import type { Database } from '../core/database.js';
import { splitSqlScript } from '../extract/sql-script.js';
import { REFERENCE_LEDGER_SCHEMA_FILE } from './paths.js';

export interface InstallSchemaOptions {
  /** Drop the `ledger` schema and everything in it first, for a clean regeneration. */
  readonly replace?: boolean;
}

/**
 * Creates the reference ledger's `ledger` schema. Without `replace` it only adds what is missing, so it
 * is safe to run on every start; with `replace` the old ledger is gone for good.
 */
export async function installReferenceLedgerSchema(database: Database, options: InstallSchemaOptions = {}): Promise<void> {
  const statements = splitSqlScript(await readFile(REFERENCE_LEDGER_SCHEMA_FILE, 'utf8'));
  await database.db.transaction().execute(async (trx) => {
    if (options.replace) await trx.executeQuery(CompiledQuery.raw('drop schema if exists ledger cascade'));
    for (const statement of statements) await trx.executeQuery(CompiledQuery.raw(statement));
  });
}
