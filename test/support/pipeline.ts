import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPipelineConfig, type PipelineConfig as Config } from '../../jobs/pipeline-config.js';
import { fixedClock } from '../../core/clock.js';
import { silentLogger, type Logger } from '../../core/log.js';
import type { ReferenceProgram } from '../../reference-program/generate.js';
import type { ConfigInput } from '../../config/schema.js';
import type { JobContext } from '../../jobs/job-context.js';
import { openSftpSession } from '../../load/sftp-session.js';
import { ledgerDatabase, type DatabaseKind, type FreshDatabase } from './databases.js';
import { startSftpFixture, type SftpFixture } from './sftp.js';

/**
 * The whole pipeline on real parts for a test: a database of its own (PGlite or PostgreSQL) holding the
 * generated reference ledger (seed 7) and the migrated state store, cloned from a template made once per
 * run, an embedded SFTP server over loopback, and a job
 * context whose clock the test controls.
 */
export const FIRST_ACTIVITY_DATE = '2026-03-05';
export const DAY0 = '2026-03-06';

export interface PipelineFixture {
  readonly ctx: JobContext;
  readonly db: FreshDatabase;
  readonly sftp: SftpFixture;
  readonly dir: string;
  readonly clock: ReturnType<typeof fixedClock>;
  /** A context with other settings over the same databases and server. */
  withConfig(overrides: ConfigInput): JobContext;
  /**
   * A context for a program of the test's own: its profile and partner queries written into the
   * pipeline's folder, the same databases and server.
   */
  withProgram(program: { profile: object; queries: Record<string, string>; firstFileDate: string; config?: ConfigInput }): JobContext;
  dispose(): Promise<void>;
}

export async function startPipeline(
  kind: DatabaseKind,
  options: { days: number; logger?: Logger; config?: ConfigInput; firstActivityDate?: string; startAt?: string; program?: ReferenceProgram },
): Promise<PipelineFixture> {
  // The ledger and the migrated state store are a clone of a template made once per run for these options.
  const [db, sftp, dir] = await Promise.all([
    ledgerDatabase(kind, { days: options.days, seed: 7, firstActivityDate: options.firstActivityDate ?? FIRST_ACTIVITY_DATE, ...(options.program ? { program: options.program } : {}) }),
    startSftpFixture(),
    mkdtemp(join(tmpdir(), 'lead-etl-pipeline-')),
  ]);
  // Late enough that every generated date has settled; tests of time itself pass startAt.
  const clock = fixedClock(options.startAt ?? '2026-12-01T12:00:00Z');
  const logger = options.logger ?? silentLogger();

  const configFor = (overrides: ConfigInput = {}): Config =>
    loadPipelineConfig({
      baseDir: dir,
      env: { LEAD_ETL_SFTP_PRIVATE_KEY: sftp.clientKey.privateKey },
      input: {
        // The four files of a deposit program's core, unless a test names others.
        program: { firstFileDate: DAY0, fileTypes: ['accounts', 'balances', 'transactions', 'non_posted_transactions'], ...options.config?.program, ...overrides.program },
        ledger: { driver: 'pglite', dataDir: 'memory://' },
        archive: { dir: 'archive' },
        sftp: { host: sftp.server.host, port: sftp.server.port, username: sftp.username, hostKeyFingerprint: sftp.server.hostKeyFingerprint, connectTimeoutMs: 10_000, ...overrides.sftp },
        ...(overrides.format ? { format: overrides.format } : {}),
        ...(overrides.upload ? { upload: overrides.upload } : {}),
        ...(overrides.queries ? { queries: overrides.queries } : {}),
        // Most tests look at one date's files as a whole; the workflow waits have their own test.
        workflows: { waitForPrevious: false, ...options.config?.workflows, ...overrides.workflows },
        ...(overrides.documents ? { documents: overrides.documents } : {}),
      },
    });
  const contextFor = (config: Config): JobContext => ({
    config, ledger: db.database, state: db.database, clock, logger,
    connectRemote: () => openSftpSession(config.sftp!, logger),
  });
  return {
    ctx: contextFor(configFor(options.config)),
    db, sftp, dir, clock,
    withConfig: (overrides) => contextFor(configFor(overrides)),
    withProgram: ({ profile, queries, firstFileDate, config }) => {
      const queriesDir = join(dir, `queries-${Object.keys(queries).join('-')}`.slice(0, 100));
      mkdirSync(queriesDir, { recursive: true });
      for (const [name, text] of Object.entries(queries)) writeFileSync(join(queriesDir, name), text);
      writeFileSync(join(dir, 'program-profile.json'), JSON.stringify(profile));
      return contextFor(configFor({
        ...config,
        program: { profile: 'program-profile.json', firstFileDate, fileTypes: (profile as { fileTypes: string[] }).fileTypes, ...config?.program },
        queries: { dir: queriesDir },
      }));
    },
    async dispose() {
      await sftp.dispose();
      await db.dispose();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
