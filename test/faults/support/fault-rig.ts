import { createHash, randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { fixedClock } from '../../../core/clock.js';
import { openDatabase, type Database } from '../../../core/database.js';
import { silentLogger } from '../../../core/log.js';
import type { JobContext, JobHooks } from '../../../jobs/job-context.js';
import { loadPipelineConfig, type PipelineConfig } from '../../../jobs/pipeline-config.js';
import { openSftpSession } from '../../../load/sftp-session.js';
import { REFERENCE_LEDGER_QUERIES_DIR } from '../../../reference-program/paths.js';
import { opensshUnavailable, type OpensshServer } from '../../support/openssh-server.js';
import { templateFor } from '../../support/templates.js';

/**
 * The fault suite's rig, on real parts only: the generated reference ledger seeded once into a template
 * database and cloned per scenario (CREATE DATABASE ... TEMPLATE copies files: a second, not a seed),
 * a migrated state database cloned the same way, a real OpenSSH sshd, and a fixed clock, so a scenario
 * and its clean run write byte-identical files and can be compared file by file.
 */
export const ADMIN_URL = process.env.LEAD_ETL_TEST_DATABASE_URL;
export const DAY0 = '2026-03-06';
export const FIRST_ACTIVITY_DATE = '2026-03-05';
/** Every generated date has settled by then. */
export const CLOCK = '2026-03-20T12:00:00Z';
export const FILE_TYPES = ['accounts', 'balances', 'transactions', 'non_posted_transactions'];

export function faultTierUnavailable(): string | undefined {
  if (!ADMIN_URL) return 'LEAD_ETL_TEST_DATABASE_URL is not set: the fault tier needs a real PostgreSQL server to take away';
  return opensshUnavailable();
}

export async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function urlOf(name: string): string {
  const url = new URL(ADMIN_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabase(name: string): Promise<void> {
  await admin((c) => c.query(`drop database if exists ${name} with (force)`));
}

/** The templates a fault test clones: a seeded ledger and an empty migrated state store. */
export interface Templates {
  readonly ledger: string;
  readonly state: string;
  dispose(): Promise<void>;
}

/** Made once per test run (test/support/templates.ts) and shared by the fault files; the run drops them. */
export async function createTemplates(days: number): Promise<Templates> {
  const [ledger, state] = await Promise.all([
    templateFor('postgres', { ledger: { days, seed: 7, firstActivityDate: FIRST_ACTIVITY_DATE } }),
    templateFor('postgres', { stateStore: true }),
  ]);
  if (ledger.kind !== 'postgres' || state.kind !== 'postgres') throw new Error('the fault tier clones PostgreSQL templates');
  return { ledger: ledger.database, state: state.database, dispose: async () => undefined };
}

export async function cloneDatabase(template: string, role: string): Promise<{ name: string; url: string; dispose(): Promise<void> }> {
  const name = `lead_etl_fault_${role}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`create database ${name} template ${template}`));
  return { name, url: urlOf(name), dispose: () => dropDatabase(name) };
}

/** A real outage (../shared/REAL-PARTS.md): no new connection is accepted and every session is cut. */
export async function takeDatabaseAway(name: string): Promise<void> {
  await admin(async (c) => {
    await c.query(`alter database ${name} allow_connections false`);
    await c.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
  });
}

/**
 * PostgreSQL releases a killed process's advisory locks once its backend notices the socket closed,
 * a moment after the kill: a run started sooner is rightly told LOCK_HELD. Waits for that moment.
 */
export async function locksReleased(name: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const { rows } = await admin((c) => c.query<{ n: number }>(
      "select count(*)::int as n from pg_locks l join pg_database d on d.oid = l.database where l.locktype = 'advisory' and d.datname = $1", [name]));
    if (rows[0]!.n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the advisory locks on ${name} were not released within 10 s of the kill`);
}

export async function bringDatabaseBack(name: string): Promise<void> {
  await admin((c) => c.query(`alter database ${name} allow_connections true`));
}

/** Where one scenario runs: its own ledger, state store, archive and server. */
export interface RigSpec {
  readonly ledgerUrl: string;
  readonly stateUrl: string;
  readonly archiveDir: string;
  readonly sftp: { readonly host: string; readonly port: number; readonly username: string; readonly hostKeyFingerprint: string; readonly remoteRoot: string; readonly privateKey: string };
  readonly clock: string;
}

export function rigSpec(args: { ledgerUrl: string; stateUrl: string; archiveDir: string; server: OpensshServer; clock?: string }): RigSpec {
  const { server } = args;
  return {
    ledgerUrl: args.ledgerUrl, stateUrl: args.stateUrl, archiveDir: args.archiveDir, clock: args.clock ?? CLOCK,
    sftp: { host: server.host, port: server.port, username: server.username, hostKeyFingerprint: server.hostKeyFingerprint, remoteRoot: server.rootDir, privateKey: server.clientPrivateKey },
  };
}

export function rigConfig(spec: RigSpec): PipelineConfig {
  return loadPipelineConfig({
    baseDir: spec.archiveDir,
    env: { LEAD_ETL_SFTP_PRIVATE_KEY: spec.sftp.privateKey },
    input: {
      program: { name: 'fault-deposit', profile: 'deposit', firstFileDate: DAY0, fileTypes: FILE_TYPES },
      ledger: { driver: 'postgres', url: spec.ledgerUrl },
      state: { driver: 'postgres', url: spec.stateUrl },
      queries: { dir: REFERENCE_LEDGER_QUERIES_DIR },
      archive: { dir: spec.archiveDir },
      sftp: {
        host: spec.sftp.host, port: spec.sftp.port, username: spec.sftp.username, hostKeyFingerprint: spec.sftp.hostKeyFingerprint,
        remoteRoot: spec.sftp.remoteRoot, connectTimeoutMs: 5_000, operationTimeoutMs: 10_000, closeTimeoutMs: 1_000,
      },
      workflows: { waitForPrevious: false },
      log: { level: 'silent' },
    },
  });
}

export interface Rig {
  readonly ctx: JobContext;
  readonly ledger: Database;
  readonly state: Database;
  readonly clock: ReturnType<typeof fixedClock>;
  close(): Promise<void>;
}

export async function openRig(spec: RigSpec, hooks?: JobHooks): Promise<Rig> {
  const config = rigConfig(spec);
  const ledger = await openDatabase(config.ledger, 'ledger');
  const state = await openDatabase(config.state, 'state');
  const clock = fixedClock(spec.clock);
  const logger = silentLogger();
  const ctx: JobContext = { config, ledger, state, clock, logger, connectRemote: () => openSftpSession(config.sftp!, logger), ...(hooks ? { hooks } : {}) };
  return {
    ctx, ledger, state, clock,
    async close() {
      await ledger.close();
      await state.close();
    },
  };
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function tree(root: string, skip: (rel: string) => boolean = () => false): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      const rel = relative(root, path);
      if (skip(rel)) continue;
      if (statSync(path).isDirectory()) walk(path);
      else out[rel] = sha(path);
    }
  };
  walk(root);
  return out;
}

/**
 * Lead's pickup: every file under its final name moves from the upload folders to Lead's processed
 * area (a file picked up twice under one name is a version delivered twice). Temporary names stay.
 */
export async function pickUp(rootDir: string, processedDir: string): Promise<string[]> {
  const moved: string[] = [];
  for (const rel of Object.keys(tree(rootDir))) {
    if (rel.split('/').at(-1)!.startsWith('.')) continue;
    const target = join(processedDir, rel);
    if (existsSync(target)) throw new Error(`${rel} was delivered twice: Lead picked it up already`);
    await mkdir(dirname(target), { recursive: true });
    await rename(join(rootDir, rel), target);
    moved.push(rel);
  }
  return moved;
}

export interface Snapshot {
  /** What Lead received under final names: still in the upload folders, or picked up. */
  readonly server: Record<string, string>;
  /** Temporary files left in the upload folders. */
  readonly leftovers: readonly string[];
  readonly archive: Record<string, string>;
  readonly files: ReadonlyArray<{ name: string; status: string; sha256: string; rows: number; records: number }>;
}

export async function snapshot(state: Database, rootDir: string, processedDir: string, archiveDir: string): Promise<Snapshot> {
  const upload = tree(rootDir);
  const processed = tree(processedDir);
  const server: Record<string, string> = {};
  const leftovers: string[] = [];
  for (const [rel, hash] of Object.entries(upload)) {
    if (rel.split('/').at(-1)!.startsWith('.')) leftovers.push(rel);
    else server[rel] = hash;
  }
  for (const [rel, hash] of Object.entries(processed)) {
    if (server[rel]) throw new Error(`${rel} is both picked up and in the upload folder: delivered twice`);
    server[rel] = hash;
  }
  const rows = await state.db.withSchema('lead_etl').selectFrom('file as f')
    .select(['f.name', 'f.status', 'f.sha256', 'f.row_count'])
    .select((eb) => eb.selectFrom('lead_etl.submitted_record as s').whereRef('s.file_id', '=', 'f.id').select(eb.fn.countAll<string>().as('n')).as('records'))
    .orderBy('f.file_date').orderBy('f.file_type').orderBy('f.version').execute();
  return {
    server: sortKeys(server),
    leftovers,
    archive: tree(archiveDir, (rel) => rel.startsWith('.building')),
    files: rows.map((r) => ({ name: r.name, status: r.status, sha256: String(r.sha256), rows: Number(r.row_count), records: Number(r.records) })),
  };
}

const sortKeys = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

export async function scratchDir(prefix: string): Promise<{ path: string; dispose(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `lead-etl-fault-${prefix}-`));
  return { path, dispose: () => rm(path, { recursive: true, force: true }) };
}

/** One step a crash child takes. */
export type ChildStep = { readonly run: string } | { readonly ack: string };

export interface ChildPlan {
  readonly spec: RigSpec;
  readonly steps: readonly ChildStep[];
  /** SIGKILL itself at the nth time (1-based) this phase is reached. */
  readonly killAt: { readonly phase: string; readonly nth: number };
}

const BOOT = join(dirname(fileURLToPath(import.meta.url)), 'crash-child-boot.mjs');

/**
 * Runs the pipeline in a child process that SIGKILLs itself at the named phase (an injected hook, no
 * switch in lead-etl). Resolves with how the child ended; a child that finished instead of dying never
 * reached the crash point, and the caller's assertion fails.
 */
export function runCrashChild(plan: ChildPlan): Promise<{ signal: NodeJS.Signals | null; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BOOT], { stdio: ['pipe', 'ignore', 'pipe'], cwd: join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..') });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal, stderr }));
    child.stdin!.end(JSON.stringify(plan));
  });
}
