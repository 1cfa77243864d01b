import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createPglite, openDatabase, pgliteDatabase, type Database } from '../../core/database.js';
import {
  DEFAULT_FIRST_ACTIVITY_DATE, generateReferenceLedger, installReferenceLedgerSchema, type GenerateSummary, type ReferenceProgram,
} from '../../reference-program/generate.js';
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
 * (CREATE DATABASE ... TEMPLATE).
 *
 * Who builds what is kept in vitest's main process (the registry, served by global-setup.ts): the first
 * worker to ask for a template is told to build it, into a place the registry names, and every later ask
 * waits for it to say it is done. So each template is built once per run, by a worker (the builds of
 * several templates run in parallel), and the registry can drop them all at the end. Its names carry the
 * main process's pid; a run that finds templates of a process that no longer exists (a run that was
 * killed) drops them.
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

/** Where a template is built and kept: an archive file (PGlite) or a database name (PostgreSQL). */
export type TemplatePlace = { readonly kind: 'pglite'; readonly archive: string } | { readonly kind: 'postgres'; readonly database: string };

/** A template, and what generateReferenceLedger reported when it generated the template's ledger. */
export type TemplateRef = TemplatePlace & { readonly generated?: GenerateSummary };

/** What the registry answers: the template, or the place to build it in (then report with `built`). */
export type TemplateAnswer = { readonly ready: TemplateRef } | { readonly build: TemplatePlace };

/** The recipe with every default spelled out, as a stable text: the template's identity. */
export function templateKey(kind: DatabaseKind, recipe: TemplateRecipe): string {
  const ledger = recipe.ledger && {
    days: recipe.ledger.days,
    seed: recipe.ledger.seed,
    scale: recipe.ledger.scale ?? 1,
    program: recipe.ledger.program ?? 'deposit',
    firstActivityDate: recipe.ledger.firstActivityDate ?? DEFAULT_FIRST_ACTIVITY_DATE,
  };
  return `${kind} ${JSON.stringify({ ledger: ledger ?? null, stateStore: recipe.stateStore ?? false })}`;
}

const PGLITE_DIR_PREFIX = 'lead-etl-templates-';
const POSTGRES_PREFIX = 'lead_etl_tpl_';

export interface TemplateRegistry {
  ask(kind: DatabaseKind, recipe: TemplateRecipe): Promise<TemplateAnswer>;
  built(kind: DatabaseKind, recipe: TemplateRecipe, outcome: { ref: TemplateRef } | { error: string }): void;
  close(): Promise<void>;
}

export async function createTemplateRegistry(options: { readonly adminUrl?: string }): Promise<TemplateRegistry> {
  sweepDeadRunsArchives();
  if (options.adminUrl) await sweepDeadRunsDatabases(options.adminUrl);
  const dir = await mkdtemp(join(tmpdir(), `${PGLITE_DIR_PREFIX}${process.pid}-`));
  const run = `${POSTGRES_PREFIX}${process.pid}_${randomBytes(3).toString('hex')}`;
  const entries = new Map<string, { done: Promise<TemplateRef>; settle(outcome: { ref: TemplateRef } | { error: string }): void }>();
  const databases: string[] = [];
  let count = 0;

  return {
    async ask(kind, recipe) {
      const key = templateKey(kind, recipe);
      const entry = entries.get(key);
      if (entry) return { ready: await entry.done };
      let settle!: (outcome: { ref: TemplateRef } | { error: string }) => void;
      const done = new Promise<TemplateRef>((resolve, reject) => {
        settle = (outcome) => ('ref' in outcome ? resolve(outcome.ref) : reject(new Error(outcome.error)));
      });
      done.catch(() => undefined);
      entries.set(key, { done, settle });
      count += 1;
      if (kind === 'pglite') return { build: { kind, archive: join(dir, `${count}.tar`) } };
      if (!options.adminUrl) throw new Error('LEAD_ETL_TEST_DATABASE_URL is not set');
      databases.push(`${run}_${count}`);
      return { build: { kind, database: `${run}_${count}` } };
    },
    built(kind, recipe, outcome) {
      entries.get(templateKey(kind, recipe))?.settle(outcome);
    },
    async close() {
      if (options.adminUrl && databases.length > 0) {
        await withAdmin(options.adminUrl, async (client) => {
          for (const name of databases) await client.query(`drop database if exists ${name} with (force)`);
        });
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Builds a template where the registry said. `emptyPglite` gives the archive of the empty PGlite template,
 * which every other PGlite template starts from, so initdb runs once per run.
 */
export async function buildTemplate(
  place: TemplatePlace, recipe: TemplateRecipe, options: { adminUrl?: string; emptyPglite(): Promise<Blob> },
): Promise<TemplateRef> {
  if (place.kind === 'pglite') {
    const empty = recipe.ledger || recipe.stateStore ? await options.emptyPglite() : undefined;
    // 1 MB WAL segments instead of 16: the one segment a data directory holds is most of its archive.
    const pglite = await createPglite(empty ? { loadDataDir: empty } : { initDbStartParams: ['--wal-segsize=1'] });
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
      await writeFile(place.archive, Buffer.from(await (await pglite.dumpDataDir('none')).arrayBuffer()));
      return { ...place, ...filled };
    } finally {
      await database.close();
    }
  }
  const adminUrl = options.adminUrl;
  if (!adminUrl) throw new Error('LEAD_ETL_TEST_DATABASE_URL is not set');
  await withAdmin(adminUrl, (client) => client.query(`create database ${place.database}`));
  const database = await openDatabase({ driver: 'postgres', url: databaseUrl(adminUrl, place.database) });
  let filled: { generated?: GenerateSummary };
  try {
    filled = await fill(database, recipe);
  } finally {
    await database.close();
  }
  // Nobody may connect to a template: a clone is refused while someone is connected to its source.
  await withAdmin(adminUrl, (client) => client.query(`alter database ${place.database} with allow_connections false`));
  return { ...place, ...filled };
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
