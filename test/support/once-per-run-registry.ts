import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OncePerRunAnswer } from './once-per-run.js';
import { withAdmin } from './postgres-admin.js';

/** The registry of once-per-run.ts, in vitest's main process (global-setup.ts serves it). */
export interface OncePerRunRegistry {
  ask(key: string): Promise<OncePerRunAnswer>;
  made(key: string, outcome: { value: unknown } | { error: string }): void;
  close(): Promise<void>;
}

const DIR_PREFIX = 'lead-etl-run-';
const DATABASE_PREFIX = 'lead_etl_run_';

export async function createOncePerRunRegistry(options: { readonly adminUrl?: string }): Promise<OncePerRunRegistry> {
  sweepDeadRunsFolders();
  if (options.adminUrl) await sweepDeadRunsDatabases(options.adminUrl);
  const root = await mkdtemp(join(tmpdir(), `${DIR_PREFIX}${process.pid}-`));
  const run = `${DATABASE_PREFIX}${process.pid}_${randomBytes(3).toString('hex')}`;
  const entries = new Map<string, { done: Promise<unknown>; settle(outcome: { value: unknown } | { error: string }): void }>();
  const databases: string[] = [];

  return {
    async ask(key) {
      const entry = entries.get(key);
      if (entry) return { ready: await entry.done };
      let settle!: (outcome: { value: unknown } | { error: string }) => void;
      const done = new Promise<unknown>((resolve, reject) => {
        settle = (outcome) => ('value' in outcome ? resolve(outcome.value) : reject(new Error(outcome.error)));
      });
      done.catch(() => undefined);
      entries.set(key, { done, settle });
      const place = { dir: join(root, String(entries.size)), database: `${run}_${entries.size}` };
      mkdirSync(place.dir);
      databases.push(place.database);
      return { build: place };
    },
    made(key, outcome) {
      entries.get(key)?.settle(outcome);
    },
    async close() {
      if (options.adminUrl) {
        await withAdmin(options.adminUrl, async (client) => {
          const { rows } = await client.query<{ datname: string }>('select datname from pg_database where datname = any($1)', [databases]);
          for (const { datname } of rows) await client.query(`drop database if exists ${datname} with (force)`);
        });
      }
      await rm(root, { recursive: true, force: true });
    },
  };
}

function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function sweepDeadRunsFolders(): void {
  for (const entry of readdirSync(tmpdir())) {
    const pid = Number(entry.startsWith(DIR_PREFIX) ? entry.slice(DIR_PREFIX.length).split('-')[0] : NaN);
    if (Number.isInteger(pid) && pid !== process.pid && processIsGone(pid)) rmSync(join(tmpdir(), entry), { recursive: true, force: true });
  }
}

async function sweepDeadRunsDatabases(adminUrl: string): Promise<void> {
  await withAdmin(adminUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(`select datname from pg_database where datname like '${DATABASE_PREFIX}%'`);
    for (const { datname } of rows) {
      const pid = Number(datname.slice(DATABASE_PREFIX.length).split('_')[0]);
      if (Number.isInteger(pid) && pid !== process.pid && processIsGone(pid)) await client.query(`drop database if exists ${datname} with (force)`);
    }
  });
}
