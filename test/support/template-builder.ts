import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createPglite, openDatabase, pgliteDatabase, type Database } from '../../core/database.js';
import { DEFAULT_FIRST_ACTIVITY_DATE, generateReferenceLedger, installReferenceLedgerSchema, type ReferenceProgram } from '../../reference-program/generate.js';
import { migrateStateStore } from '../../load/state/state-store.js';
import type { DatabaseKind } from './databases.js';

/**
 * Databases prepared once per test run and cloned by each test that needs one: an initdb'd PGlite, or a
 * generated reference ledger with a migrated state store. Generating a ledger and starting a PGlite from
 * nothing (initdb) cost seconds; a clone costs a fraction of that. Each template is keyed by everything
 * that shapes it (the generation options), so no two tests share one by accident.
 *
 * A PGlite template is the archive of its data directory (dumpDataDir), which a clone starts from
 * (loadDataDir) in memory. A PostgreSQL template is a database no one may connect to, which a clone copies
 * (CREATE DATABASE ... TEMPLATE). The builder runs in vitest's main process (global-setup.ts), so every
 * template is made once per run whatever the number of workers; its names carry the main process's pid,
 * and a run that finds templates of a process that no longer exists (a run that was killed) drops them.
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

export type TemplateRef =
  | { readonly kind: 'pglite'; readonly archive: string }
  | { readonly kind: 'postgres'; readonly database: string };

/** The recipe with every default spelled out, as a stable text: the template's identity. */
export function templateKey(recipe: TemplateRecipe): string {
  const ledger = recipe.ledger && {
    days: recipe.ledger.days,
    seed: recipe.ledger.seed,
    scale: recipe.ledger.scale ?? 1,
    program: recipe.ledger.program ?? 'deposit',
    firstActivityDate: recipe.ledger.firstActivityDate ?? DEFAULT_FIRST_ACTIVITY_DATE,
  };
  return JSON.stringify({ ledger: ledger ?? null, stateStore: recipe.stateStore ?? false });
}

export interface TemplateBuilder {
  template(kind: DatabaseKind, recipe: TemplateRecipe): Promise<TemplateRef>;
  close(): Promise<void>;
}

const PGLITE_DIR_PREFIX = 'lead-etl-templates-';
const POSTGRES_PREFIX = 'lead_etl_tpl_';

export async function createTemplateBuilder(options: { readonly adminUrl?: string }): Promise<TemplateBuilder> {
  sweepDeadRunsArchives();
  if (options.adminUrl) await sweepDeadRunsDatabases(options.adminUrl);
  const dir = await mkdtemp(join(tmpdir(), `${PGLITE_DIR_PREFIX}${process.pid}-`));
  const run = `${POSTGRES_PREFIX}${process.pid}_${randomBytes(3).toString('hex')}`;
  const made = new Map<string, Promise<TemplateRef>>();
  const databases: string[] = [];
  let count = 0;

  async function fill(database: Database, recipe: TemplateRecipe): Promise<void> {
    if (recipe.ledger) {
      await installReferenceLedgerSchema(database);
      await generateReferenceLedger(database, { scale: 1, ...recipe.ledger });
    }
    if (recipe.stateStore) {
      const migrated = await migrateStateStore(database.db);
      if (migrated.error) throw migrated.error;
    }
  }

  async function buildPglite(recipe: TemplateRecipe): Promise<TemplateRef> {
    // Every template starts from the empty one, so initdb runs once per run.
    const empty = templateKey({}) === templateKey(recipe) ? undefined : await template('pglite', {});
    const pglite = await createPglite(empty?.kind === 'pglite'
      ? { loadDataDir: new Blob([await readFile(empty.archive)]) }
      // 1 MB WAL segments instead of 16: the one segment a data directory holds is most of its archive.
      : { initDbStartParams: ['--wal-segsize=1'] });
    const database = pgliteDatabase(pglite, 'pglite:template');
    try {
      await fill(database, recipe);
      // Nothing in lead-etl or its tests makes a database inside PGlite, so the two template databases
      // (a third of what a clone loads) are left out; then a checkpoint, so the archive holds little WAL.
      for (const name of ['template0', 'template1']) {
        await pglite.exec(`update pg_database set datistemplate = false where datname = '${name}'`);
        await pglite.exec(`drop database if exists ${name}`);
      }
      await pglite.exec('checkpoint');
      const archive = join(dir, `${(count += 1)}.tar`);
      await writeFile(archive, Buffer.from(await (await pglite.dumpDataDir('none')).arrayBuffer()));
      return { kind: 'pglite', archive };
    } finally {
      await database.close();
    }
  }

  async function buildPostgres(recipe: TemplateRecipe): Promise<TemplateRef> {
    const adminUrl = options.adminUrl;
    if (!adminUrl) throw new Error('LEAD_ETL_TEST_DATABASE_URL is not set');
    const name = `${run}_${(count += 1)}`;
    await withAdmin(adminUrl, (client) => client.query(`create database ${name}`));
    databases.push(name);
    const database = await openDatabase({ driver: 'postgres', url: databaseUrl(adminUrl, name) });
    try {
      await fill(database, recipe);
    } finally {
      await database.close();
    }
    // Nobody may connect to a template: a clone is refused while someone is connected to its source.
    await withAdmin(adminUrl, (client) => client.query(`alter database ${name} with allow_connections false`));
    return { kind: 'postgres', database: name };
  }

  function template(kind: DatabaseKind, recipe: TemplateRecipe): Promise<TemplateRef> {
    const key = `${kind} ${templateKey(recipe)}`;
    let ref = made.get(key);
    if (!ref) {
      ref = kind === 'pglite' ? buildPglite(recipe) : buildPostgres(recipe);
      made.set(key, ref);
    }
    return ref;
  }

  return {
    template,
    async close() {
      await Promise.allSettled(made.values());
      if (options.adminUrl && databases.length > 0) {
        await withAdmin(options.adminUrl, async (client) => {
          for (const name of databases) await client.query(`drop database if exists ${name} with (force)`);
        });
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function sweepDeadRunsArchives(): void {
  for (const entry of readdirSync(tmpdir())) {
    const pid = Number(entry.startsWith(PGLITE_DIR_PREFIX) ? entry.slice(PGLITE_DIR_PREFIX.length).split('-')[0] : NaN);
    if (Number.isInteger(pid) && pid !== process.pid && processIsGone(pid)) rmSync(join(tmpdir(), entry), { recursive: true, force: true });
  }
}

async function sweepDeadRunsDatabases(adminUrl: string): Promise<void> {
  await withAdmin(adminUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(`select datname from pg_database where datname like '${POSTGRES_PREFIX}%'`);
    for (const { datname } of rows) {
      const pid = Number(datname.slice(POSTGRES_PREFIX.length).split('_')[0]);
      if (Number.isInteger(pid) && pid !== process.pid && processIsGone(pid)) await client.query(`drop database if exists ${datname} with (force)`);
    }
  });
}
