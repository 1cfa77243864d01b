import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPglite, openDatabase, pgliteDatabase, type Database } from '../../core/database.js';
import {
  DEFAULT_FIRST_ACTIVITY_DATE, generateReferenceLedger, installReferenceLedgerSchema, type GenerateSummary, type ReferenceProgram,
} from '../../reference-program/generate.js';
import { migrateStateStore } from '../../load/state/state-store.js';
import type { DatabaseKind } from './databases.js';
import { oncePerRun } from './once-per-run.js';
import { adminUrl, databaseUrl, withAdmin } from './postgres-admin.js';

/**
 * Databases prepared once per test run (once-per-run.ts) and cloned by each test that needs one: an
 * initdb'd PGlite, or a generated reference ledger with a migrated state store. Generating a ledger and
 * starting a PGlite from nothing (initdb) cost seconds; a clone costs a fraction of that. Each template is
 * keyed by everything that shapes it (the generation options), so no two tests share one by accident.
 *
 * A PGlite template is the archive of its data directory (dumpDataDir), which a clone starts from
 * (loadDataDir) in memory. A PostgreSQL template is a database no one may connect to, which a clone copies
 * (CREATE DATABASE ... TEMPLATE).
 */
export interface LedgerRecipe {
  readonly days: number;
  readonly seed: number;
  readonly scale?: number;
  readonly program?: ReferenceProgram;
  readonly firstActivityDate?: string;
}

export interface TemplateRecipe {
  /** The reference ledger generated with these options. */
  readonly ledger?: LedgerRecipe;
  /** The state store migrated to the latest migration. */
  readonly stateStore?: boolean;
}

/** A template: its archive (PGlite) or database (PostgreSQL), and what generateReferenceLedger reported for its ledger. */
export type TemplateRef = ({ readonly kind: 'pglite'; readonly archive: string } | { readonly kind: 'postgres'; readonly database: string })
  & { readonly generated?: GenerateSummary };

/** The recipe with every default spelled out, as a stable text: the template's identity. */
function templateKey(kind: DatabaseKind, recipe: TemplateRecipe): string {
  const ledger = recipe.ledger && {
    days: recipe.ledger.days,
    seed: recipe.ledger.seed,
    scale: recipe.ledger.scale ?? 1,
    program: recipe.ledger.program ?? 'deposit',
    firstActivityDate: recipe.ledger.firstActivityDate ?? DEFAULT_FIRST_ACTIVITY_DATE,
  };
  return `${kind} ${JSON.stringify({ ledger: ledger ?? null, stateStore: recipe.stateStore ?? false })}`;
}

/** The template for `recipe`, made once per run. */
export function templateFor(kind: DatabaseKind, recipe: TemplateRecipe): Promise<TemplateRef> {
  return oncePerRun(`template ${templateKey(kind, recipe)}`, async (place) => {
    if (kind === 'pglite') {
      // Every other PGlite template starts from the empty one, so initdb runs once per run.
      const empty = recipe.ledger || recipe.stateStore ? await templateFor('pglite', {}) : undefined;
      const pglite = await createPglite(empty?.kind === 'pglite'
        ? { loadDataDir: new Blob([await readFile(empty.archive)]) }
        // 1 MB WAL segments instead of 16: the one segment a data directory holds is most of its archive.
        : { initDbStartParams: ['--wal-segsize=1'] });
      const database = pgliteDatabase(pglite, 'pglite:template');
      try {
        const filled = await fill(database, recipe);
        // Nothing in lead-etl or its tests makes a database inside PGlite, so the two template databases
        // (a third of what a clone loads) are left out; then a checkpoint, so the archive holds little WAL.
        for (const name of ['template0', 'template1']) {
          await pglite.exec(`update pg_database set datistemplate = false where datname = '${name}'`);
          await pglite.exec(`drop database if exists ${name}`);
        }
        await pglite.exec('checkpoint');
        const archive = join(place.dir, 'data.tar');
        await writeFile(archive, Buffer.from(await (await pglite.dumpDataDir('none')).arrayBuffer()));
        return { kind, archive, ...filled };
      } finally {
        await database.close();
      }
    }
    if (!adminUrl) throw new Error('LEAD_ETL_TEST_DATABASE_URL is not set');
    const admin = adminUrl;
    await withAdmin(admin, (client) => client.query(`create database ${place.database}`));
    const database = await openDatabase({ driver: 'postgres', url: databaseUrl(admin, place.database) });
    let filled: { generated?: GenerateSummary };
    try {
      filled = await fill(database, recipe);
    } finally {
      await database.close();
    }
    // Nobody may connect to a template: a clone is refused while someone is connected to its source.
    await withAdmin(admin, (client) => client.query(`alter database ${place.database} with allow_connections false`));
    return { kind, database: place.database, ...filled };
  });
}

async function fill(database: Database, recipe: TemplateRecipe): Promise<{ generated?: GenerateSummary }> {
  let generated: GenerateSummary | undefined;
  if (recipe.ledger) {
    await installReferenceLedgerSchema(database);
    generated = await generateReferenceLedger(database, { scale: 1, ...recipe.ledger });
  }
  if (recipe.stateStore) {
    const migrated = await migrateStateStore(database.db);
    if (migrated.error) throw migrated.error;
  }
  return generated ? { generated } : {};
}
