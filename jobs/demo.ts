import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { LeadEtlError } from '../core/errors.js';
import { addDays, parseFileDate, type FileDate } from '../core/file-date.js';
import { createLogger } from '../core/log.js';
import { startEmbeddedSftpServer } from '../load/embedded-sftp-server.js';
import { openSftpSession } from '../load/sftp-session.js';
import { generateKeyPair } from '../load/ssh-keys.js';
import { filesForDate as filesOfDate, migrateStateStore } from '../load/state/state-store.js';
import { acknowledgeDate } from './acknowledge-date.js';
import type { CliIo } from './cli.js';
import { openDatabases, type JobContext } from './job-context.js';
import { runFileDate } from './run-file-date.js';
import { seedLedger } from './seed-ledger.js';
import { postSalesRequest } from '../sandbox/sales-request.js';

/**
 * `lead-etl demo`: the real path, with the two outside parties played in-process: the partner's ledger
 * is the generated reference ledger in PGlite, and Lead's SFTP server is an ssh2 server on loopback with
 * a fresh host key that the client pins exactly as it would pin Lead's.
 */
export interface DemoOptions {
  readonly days: number;
  readonly dir: string;
  readonly scale: number;
  readonly seed: number;
  /** The program the reference ledger generates and the built-in profile that sends it. */
  readonly program?: 'deposit' | 'credit' | 'all';
  readonly logLevel?: string;
  /** First activity day; the first file date (Day 0) is the day after. */
  readonly firstActivityDate?: string;
}

const MARKER = '.lead-etl-demo';
const DEMO_SELF_ACK =
  'demo self-acknowledgement: no Lead sandbox yet, so the demo marks each uploaded day validated itself';

export async function runDemo(options: DemoOptions, io: CliIo): Promise<{ ok: boolean; dir: string; fileDates: FileDate[] }> {
  const dir = resolve(options.dir);
  await prepareDir(dir);
  const firstActivityDate = parseFileDate(options.firstActivityDate ?? '2026-03-05', 'first activity date');
  const day0 = addDays(firstActivityDate, 1);
  const say = (text: string) => io.stdout(`${text}\n`);
  const program = options.program ?? 'deposit';

  const keys = generateKeyPair();
  const keyFile = join(dir, 'keys', 'id_ed25519');
  await mkdir(join(dir, 'keys'), { recursive: true });
  await writeFile(keyFile, keys.privateKey, { mode: 0o600 });
  await chmod(keyFile, 0o600);

  const logger = io.logger ?? createLogger({ level: options.logLevel ?? 'warn' });
  await mkdir(join(dir, 'sftp'), { recursive: true });
  const server = await startEmbeddedSftpServer({ rootDir: join(dir, 'sftp'), username: 'partner', authorizedPublicKeys: [keys.publicKey], logger });
  try {
    const config = loadConfig({
      baseDir: dir,
      env: {},
      input: {
        program: { name: `demo-${program}`, profile: program, firstFileDate: day0 },
        ledger: { driver: 'pglite', dataDir: 'db' },
        archive: { dir: 'archive' },
        sftp: { host: server.host, port: server.port, username: 'partner', privateKeyFile: keyFile, hostKeyFingerprint: server.hostKeyFingerprint, connectTimeoutMs: 10_000 },
        log: { level: (options.logLevel ?? 'warn') as 'warn' },
      },
    });

    say(`lead-etl demo in ${relative(process.cwd(), dir) || '.'}`);
    say(`  ledger   embedded PGlite (${relative(dir, join(dir, 'db'))}/), reference ${program} program, seed ${options.seed}, scale ${options.scale}`);
    say(`  sftp     in-process server sftp://partner@${server.host}:${server.port}/ host key pinned as ${server.hostKeyFingerprint}`);
    const summary = await seedLedger(config, { days: options.days, scale: options.scale, seed: options.seed, firstActivityDate, program, reset: true });
    say(`  seeded   ${summary.customers} customers, ${summary.accounts} accounts, ${summary.entries} entries, activity ${summary.firstActivityDate} .. ${summary.lastActivityDate}`);

    const databases = await openDatabases(config);
    const fileDates: FileDate[] = [];
    try {
      const migrated = await migrateStateStore(databases.state.db);
      if (migrated.error) throw migrated.error;
      const ctx: JobContext = {
        config, ledger: databases.ledger, state: databases.state, clock: io.clock, logger,
        connectRemote: () => openSftpSession(config.sftp!, logger),
      };
      const sells = config.program.files.some((t) => t.spec.id === 'sales_response');
      for (let day = 0; day < options.days; day += 1) {
        const fileDate = addDays(day0, day);
        say(`Day ${day}  ${fileDate}`);
        // Lead's order within a day: each workflow goes once the one before it validated, then Lead
        // posts its Sales Request and the Sales Response answers it. The demo plays Lead's answers.
        let requestPosted = !sells;
        for (let round = 1; round <= 8; round += 1) {
          const result = await runFileDate(ctx, fileDate);
          if (result.outcome === 'failed') {
            for (const p of result.problems) io.stderr(`  ${p.fileType} line ${p.line} record ${p.recordId} column ${p.column}: ${p.rule}: ${p.message}\n`);
            io.stderr(`lead-etl demo: Day ${day} (${fileDate}): ${result.message}\n`);
            return { ok: false, dir, fileDates };
          }
          for (const f of result.uploaded) say(`          sent ${f.remotePath}  (${f.rows} rows, ${f.bytes} bytes, sha256 ${f.sha256.slice(0, 12)}…)`);
          for (const e of result.late) say(`          late entry ${e.fileType} ${e.recordId} belongs to ${e.belongsToFileDate} (already sent): reported, not sent`);
          const waiting = (await filesOfDate(databases.state.db, fileDate)).filter((f) => f.status === 'uploaded');
          if (waiting.length > 0) {
            await acknowledgeDate(databases.state, io.clock, fileDate, { outcome: 'validated', source: 'demo-self-ack', note: DEMO_SELF_ACK });
            say(`          [demo self-ack] marked ${waiting.map((f) => f.fileType).join(', ')} validated; a real run waits for Lead`);
            continue;
          }
          if (!requestPosted) {
            const posted = await postSalesRequest({ sftpRoot: join(dir, 'sftp'), fileDate, generatedAt: io.clock.now() });
            say(`          [demo stand-in for Lead] posted ${relative(join(dir, 'sftp'), posted.path)} (${posted.rows} sale(s))`);
            requestPosted = true;
            continue;
          }
          break;
        }
        fileDates.push(fileDate);
      }
    } finally {
      await databases.close();
    }
    say(`Done: ${fileDates.length} file date(s) sent in order. Files as the server received them: ${relative(process.cwd(), join(dir, 'sftp')) || 'sftp'}/<folder>/<file>`);
    return { ok: true, dir, fileDates };
  } finally {
    await server.close();
  }
}

/** The demo owns its folder: it replaces an earlier demo there, and refuses any other non-empty folder. */
async function prepareDir(dir: string): Promise<void> {
  if (existsSync(dir)) {
    const entries = await readdir(dir);
    if (entries.length > 0 && !entries.includes(MARKER)) {
      throw new LeadEtlError('USAGE', `${dir} is not empty and holds no earlier demo; choose an empty or new --dir`);
    }
    for (const entry of ['db', 'sftp', 'archive', 'keys']) await rm(join(dir, entry), { recursive: true, force: true });
  }
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, MARKER), 'This folder is managed by `lead-etl demo`; the next demo run replaces it.\n');
}
