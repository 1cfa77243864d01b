import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createPglite, openDatabase, pgliteDatabase, type Database, type DatabaseTarget } from '../../core/database.js';
import type { GenerateSummary } from '../../reference-program/generate.js';
import { adminUrl, databaseUrl, withAdmin } from './postgres-admin.js';
import { templateFor, type LedgerRecipe, type TemplateRecipe } from './templates.js';

/**
 * Database tests run on PGlite always, and also on a real PostgreSQL server when
 * LEAD_ETL_TEST_DATABASE_URL names one (an admin URL; each fresh database is created beside it
 * and dropped afterwards, or kept when LEAD_ETL_TEST_KEEP_DB=1 so its rows can be inspected).
 *
 * A database that starts with something in it (a generated reference ledger, a migrated state store) is
 * a clone of a template made once per run (templates.ts), never built again by each test.
 */
export type DatabaseKind = DatabaseTarget['driver'];
export type { LedgerRecipe } from './templates.js';

export const databaseKinds: DatabaseKind[] = adminUrl ? ['pglite', 'postgres'] : ['pglite'];

export interface FreshDatabase {
  readonly kind: DatabaseKind;
  readonly target: DatabaseTarget;
  readonly database: Database;
  /** For a ledger database: what generateReferenceLedger reported when it generated the template's ledger. */
  readonly generated?: GenerateSummary;
  dispose(): Promise<void>;
}

/** An empty database of its own. */
export async function freshDatabase(kind: DatabaseKind): Promise<FreshDatabase> {
  // On PostgreSQL, CREATE DATABASE copies template1 in a moment; PGlite clones an initdb'd data directory.
  return kind === 'pglite' ? cloneTemplate(kind, {}) : createPostgresDatabase();
}

/**
 * A database holding the reference ledger generated with `ledger`'s options and, unless told otherwise,
 * the state store migrated to the latest migration: what startPipeline and the ledger tests start from.
 */
export async function ledgerDatabase(kind: DatabaseKind, ledger: LedgerRecipe, options: { stateStore?: boolean } = {}): Promise<FreshDatabase> {
  return cloneTemplate(kind, { ledger, stateStore: options.stateStore ?? true });
}

async function cloneTemplate(kind: DatabaseKind, recipe: TemplateRecipe): Promise<FreshDatabase> {
  const ref = await templateFor(kind, recipe);
  const generated = ref.generated ? { generated: ref.generated } : {};
  if (ref.kind === 'pglite') {
    const pglite = await createPglite({ loadDataDir: new Blob([await readFile(ref.archive)]) });
    const database = pgliteDatabase(pglite, 'pglite:memory');
    return { kind, target: { driver: 'pglite' }, database, ...generated, dispose: () => database.close() };
  }
  return { ...(await createPostgresDatabase(ref.database)), ...generated };
}

async function createPostgresDatabase(template?: string): Promise<FreshDatabase> {
  if (!adminUrl) throw new Error('LEAD_ETL_TEST_DATABASE_URL is not set');
  const admin = adminUrl;
  const name = `lead_etl_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin(admin, (client) => client.query(`create database ${name}${template ? ` template ${template}` : ''}`));
  const target: DatabaseTarget = { driver: 'postgres', url: databaseUrl(admin, name) };
  const database = await openDatabase(target);
  return {
    kind: 'postgres',
    target,
    database,
    async dispose() {
      await database.close();
      if (process.env.LEAD_ETL_TEST_KEEP_DB === '1') return;
      await withAdmin(admin, async (client) => {
        // A closed pool's backends may still be on their way out. A plain DROP DATABASE waits for them (a few
        // seconds at most); forcing it at once would hit them with "terminating connection due to
        // administrator command", an unhandled error in the test run. Only what is still there after that
        // (a connection the test leaked) is forced.
        try {
          await client.query(`drop database if exists ${name}`);
        } catch (error) {
          if ((error as { code?: string }).code !== '55006') throw error;
          await client.query(`drop database if exists ${name} with (force)`);
        }
      });
    },
  };
}
