import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { REFERENCE_LEDGER_QUERIES_DIR } from '../reference-program/paths.js';
import { loadPipelineConfig } from './pipeline-config.js';
import { DEFAULT_SETTLE_MINUTES, type ConfigInput } from '../config/schema.js';
import { LeadEtlError } from '../core/errors.js';
import type { DateTime } from 'luxon';
import { activityWindow, addDays, currentFileDate, LEAD_ZONE, parseFileDate, type FileDate } from '../core/file-date.js';
import { createLogger } from '../core/log.js';
import { createChannelReader } from '../load/slack-channel-history.js';
import { openSftpSession } from '../load/sftp-session.js';
import { filesForDate, isDateValidated, liveFile, migrateStateStore } from '../load/state/state-store.js';
import { startLeadSandbox } from '../sandbox/lead-sandbox.js';
import { parseRejectFault } from '../sandbox/reject-faults.js';
import { directionOf } from '../transform/file-type-spec.js';
import { prepareSandboxKeys } from '../sandbox/sandbox-keys.js';
import { DEMO_CONFIG_FILE, DEMO_MARKER } from './demo-folder.js';
import type { CliIo } from './cli-io.js';
import { openDatabases, type JobContext } from './job-context.js';
import { recordLeadAnswers } from './record-lead-answers.js';
import { rerunDate } from './rerun-date.js';
import { runFileDate } from './run-file-date.js';
import { seedLedger } from './seed-ledger.js';
import type { ReferenceProgram } from '../reference-program/generate.js';

/**
 * `lead-etl demo`: the real path, with the two outside parties played in-process: the partner's ledger
 * is the generated reference ledger in PGlite, and Lead is the local Lead sandbox (sandbox/): an SFTP
 * server on loopback with Lead's folders and a fresh host key that the client pins exactly as it would
 * pin Lead's, which processes each upload and answers in its channel. The demo reads every answer over
 * the channel's HTTP API, records it as an operator would (source `sandbox`), and sends a date only
 * once the one before validated. When Lead rejects a file, it plays the operator: records the
 * rejection, runs the date again (which sends the next version of the rejected file), and goes on.
 *
 * It leaves DIR/lead-etl.json, the config of everything it used (the embedded ledger and state store,
 * the archive, the sandbox's SFTP server with its pinned host key and the partner key in DIR/keys, its
 * channel), so `status`, `doctor`, `run` and the daemon work on the demo's world afterwards. Lead's side
 * stops with the demo; `lead-etl sandbox --dir DIR` with the ports the config names brings it back with
 * the same host key, keys, files and channel.
 */
export interface DemoOptions {
  readonly days: number;
  readonly dir: string;
  readonly scale: number;
  readonly seed: number;
  /** The program the reference ledger generates and the built-in profile that sends it. */
  readonly program?: ReferenceProgram;
  readonly logLevel?: string;
  /** First activity day; the first file date (Day 0) is the day after. Default: so that the last date is the newest one sendable now. */
  readonly firstActivityDate?: string;
  /** `<day index>:<file type>` (or `<date>:<file type>`): the sandbox rejects the first version of that file. */
  readonly rejects?: readonly string[];
  /** Where the story goes: by default a line each on stdout, and nothing per finished day. */
  readonly report?: DemoReport;
}

export interface DemoReport {
  line(text: string): void;
  /** `done` file dates of the demo are validated, the last one `fileDate`. */
  dayDone?(done: number, fileDate: FileDate): void;
}

export interface DemoResult {
  readonly ok: boolean;
  readonly dir: string;
  readonly fileDates: FileDate[];
  /** DIR/lead-etl.json: the config of the demo's world. */
  readonly configFile: string;
  /** The command that brings Lead's side back as the config expects it. */
  readonly sandboxCommand: string;
}



const INDENT = '          ';
// Rounds of run → Lead's answer for one date: the files, a rerun after a rejection, the Sales Response.
const MAX_ROUNDS = 6;
// A file rejected again after the operator sent its next version needs a person, not another rerun.
const MAX_RERUNS = 1;

/** The newest file date whose activity day (T-1) ended and settled (the default upload.settleMinutes). */
function latestSendableDate(now: DateTime): FileDate {
  const today = currentFileDate(now, LEAD_ZONE);
  const settled = activityWindow(today, LEAD_ZONE).end.plus({ minutes: DEFAULT_SETTLE_MINUTES });
  return now < settled ? addDays(today, -1) : today;
}

export async function runDemo(options: DemoOptions, io: CliIo): Promise<DemoResult> {
  const dir = resolve(options.dir);
  await prepareDir(dir);
  // By default the last date is the newest one that can be sent now (its activity day ended and settled),
  // so the demo's dates are the ones a status or a daemon of today would see, and none is refused.
  const firstActivityDate = options.firstActivityDate
    ? parseFileDate(options.firstActivityDate, 'first activity date')
    : addDays(latestSendableDate(io.clock.now()), -options.days);
  const day0 = addDays(firstActivityDate, 1);
  const say = options.report ? (text: string) => options.report!.line(text) : (text: string) => io.stdout(`${text}\n`);
  const program = options.program ?? 'deposit';
  const shown = (path: string) => relative(process.cwd(), path) || '.';

  // The sandbox's own keys (host key, partner key, channel token) in DIR/keys, so a sandbox started
  // later on this folder is the same Lead the config pins.
  const keys = await prepareSandboxKeys(dir);
  const keyFile = keys.partnerKeyFile!;

  const logger = io.logger ?? createLogger({ level: options.logLevel ?? 'warn' });
  const input: ConfigInput = {
    program: { name: `demo-${program}`, profile: program, firstFileDate: day0 },
    ledger: { driver: 'pglite', dataDir: 'db' },
    // Named, not defaulted: the demo runs the reference program's own queries.
    queries: { dir: REFERENCE_LEDGER_QUERIES_DIR },
    archive: { dir: 'archive' },
    log: { level: (options.logLevel ?? 'warn') as 'warn' },
  };
  const { files: programFiles, profile, currency } = loadPipelineConfig({ baseDir: dir, env: {}, input }).program;
  const sent = programFiles.filter((t) => directionOf(t.spec) === 'outbound').map((t) => t.spec.id);
  const faults = (options.rejects ?? []).map((text) => parseRejectFault(text, sent));
  // Its SFTP root is DIR/sftp, so what Lead received stays there after the demo.
  const sandbox = await startLeadSandbox({
    dir, files: programFiles, profile, programCurrency: currency, clock: io.clock, day0, quietSeconds: 0, faults, logger,
    authorizedPublicKeys: keys.authorizedPublicKeys, hostPrivateKey: keys.hostPrivateKey, token: keys.token,
  });
  const configFile = join(dir, DEMO_CONFIG_FILE);
  const sandboxCommand = `lead-etl sandbox --dir ${shown(dir)} --program ${program} --sftp-port ${sandbox.sftp.port} --http-port ${new URL(sandbox.channel.url).port} --quiet-seconds 0`;
  try {
    const demoConfig: ConfigInput = {
      ...input,
      sftp: { host: sandbox.sftp.host, port: sandbox.sftp.port, username: sandbox.sftp.username, privateKeyFile: relative(dir, keyFile), hostKeyFingerprint: sandbox.sftp.hostKeyFingerprint, connectTimeoutMs: 10_000 },
      acknowledgements: { slack: { channel: sandbox.channel.id, baseUrl: sandbox.channel.url, tokenFile: 'keys/channel_token' } },
    };
    await writeFile(configFile, `${JSON.stringify(demoConfig, null, 2)}\n`);
    const config = loadPipelineConfig({ file: configFile, env: {} });

    say(`lead-etl demo in ${relative(process.cwd(), dir) || '.'}`);
    say(`  ledger   embedded PGlite (${relative(dir, join(dir, 'db'))}/), reference ${program} program, seed ${options.seed}, scale ${options.scale}, queries ${relative(process.cwd(), config.queries.dir)}/`);
    say(`  lead     in-process Lead sandbox: sftp://${sandbox.sftp.username}@${sandbox.sftp.host}:${sandbox.sftp.port}/ host key pinned as ${sandbox.sftp.hostKeyFingerprint}`);
    say(`           channel ${sandbox.channel.url}/api/conversations.history?channel=${sandbox.channel.id}, Day 0 ${day0}` +
      (faults.length ? `, rejecting ${(options.rejects ?? []).join(' ')} (rehearsal)` : ''));
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
      const reader = createChannelReader(
        { url: sandbox.channel.url, token: sandbox.channel.token, channel: sandbox.channel.id },
        { specs: config.program.files.map((t) => t.spec) },
      );
      const answering = config.program.files.find((t) => t.spec.answers);

      for (let day = 0; day < options.days; day += 1) {
        const fileDate = addDays(day0, day);
        let reruns = 0;
        let done = false;
        for (let round = 0; round < MAX_ROUNDS && !done; round += 1) {
          const result = await runFileDate(ctx, fileDate);
          // `waiting` here is the next workflow of the date waiting for Lead's answer on the one before.
          if (result.outcome === 'failed') {
            for (const p of result.problems) io.stderr(`  ${p.fileType} line ${p.line} record ${p.recordId} column ${p.column}: ${p.rule}: ${p.message}\n`);
            io.stderr(`lead-etl demo: Day ${day} (${fileDate}): ${result.message}\n`);
            return { ok: false, dir, fileDates, configFile, sandboxCommand };
          }
          if (round === 0) say(`Day ${day}  ${fileDate}  ${result.uploaded.map((f) => `${f.fileType}=${f.rows}`).join('  ')}`);
          for (const f of result.uploaded) say(`${INDENT}sent ${f.remotePath}  (${f.rows} row(s), ${f.bytes} bytes, sha256 ${f.sha256.slice(0, 12)}…)`);
          for (const e of result.late) say(`${INDENT}late entry ${e.fileType} ${e.recordId} belongs to ${e.belongsToFileDate} (already sent): reported, not sent`);

          await sandbox.processPending();
          const answers = await reader.read();
          for (const answer of answers) say(`${INDENT}lead  ${answer.text}`);
          const recorded = await recordLeadAnswers(databases.state, io.clock, answers, { source: 'sandbox' });
          for (const v of recorded.validated) say(`${INDENT}recorded: ${v.workflow} of ${v.fileDate} validated (source sandbox)`);
          const refused = recorded.notes.filter((n) => n.answer.outcome === 'not_accepted');
          if (refused.length > 0) {
            io.stderr(`lead-etl demo: Day ${day} (${fileDate}): Lead did not accept ${refused.map((n) => n.answer.file).join(', ')}; the pipeline sent something it should not have. Stopping.\n`);
            return { ok: false, dir, fileDates, configFile, sandboxCommand };
          }

          if (recorded.rejected.length > 0) {
            reruns += 1;
            if (reruns > MAX_RERUNS) {
              io.stderr(`lead-etl demo: Day ${day} (${fileDate}) was rejected again after a rerun: ${recorded.rejected.flatMap((r) => r.reasons).join(' | ')}. ` +
                'Fix the ledger or the query, record the rejection (lead-etl ack --rejected) and run the date again.\n');
              return { ok: false, dir, fileDates, configFile, sandboxCommand };
            }
            // What an operator does on a rejection: record it (here read from Lead's channel), then rerun the
            // date, which rebuilds the rejected file types from the ledger and sends them as the next version.
            say(`${INDENT}operator: Lead rejected ${recorded.rejected.map((r) => r.fileTypes.join(', ')).join('; ')} of ${fileDate}; the demo plays the operator:`);
            for (const r of recorded.rejected) say(`${INDENT}  $ lead-etl ack --date ${r.fileDate} --rejected --file ${r.fileTypes.join(',')}   (recorded from the channel, source sandbox)`);
            say(`${INDENT}  $ lead-etl rerun --date ${fileDate}`);
            const { plans, result: rerun } = await rerunDate(ctx, fileDate);
            for (const p of plans) say(`${INDENT}    next version ${p.nextName}`);
            for (const f of rerun.uploaded) say(`${INDENT}sent ${f.remotePath}  (${f.rows} row(s), ${f.bytes} bytes, sha256 ${f.sha256.slice(0, 12)}…)`);
            continue;
          }

          const files = await filesForDate(databases.state.db, fileDate);
          const awaitingSales = answering !== undefined && !liveFile(files, answering.spec.id);
          if (isDateValidated(files) && !awaitingSales) {
            done = true;
          } else if (result.uploaded.length === 0 && recorded.validated.length === 0) {
            io.stderr(`lead-etl demo: Day ${day} (${fileDate}): nothing left to send and Lead has not validated the date; see ${relative(process.cwd(), join(dir, 'channel.jsonl'))}.\n`);
            return { ok: false, dir, fileDates, configFile, sandboxCommand };
          }
        }
        if (!done) {
          io.stderr(`lead-etl demo: Day ${day} (${fileDate}) was not validated after ${MAX_ROUNDS} rounds.\n`);
          return { ok: false, dir, fileDates, configFile, sandboxCommand };
        }
        fileDates.push(fileDate);
        options.report?.dayDone?.(fileDates.length, fileDate);
      }
    } finally {
      await databases.close();
    }
    say(`Done: ${fileDates.length} file date(s) sent in order, each validated by the Lead sandbox. Files as Lead received them: ${shown(join(dir, 'sftp'))}/<folder>/<file>; its channel: ${shown(join(dir, 'channel.jsonl'))}`);
    say(`The demo's config: ${shown(configFile)} (ledger and state store ${shown(join(dir, 'db'))}/, archive ${shown(join(dir, 'archive'))}/, keys ${shown(join(dir, 'keys'))}/). Next:`);
    say(`  export LEAD_ETL_CONFIG=${configFile}`);
    say('  lead-etl status                      every date by workflow, and the go-live streak');
    say('  lead-etl status --html status.html   the same as a calendar page');
    say('  lead-etl doctor                      checks the set-up; Lead\'s side stopped with the demo, so SFTP and its channel fail until:');
    say(`  ${sandboxCommand}`);
    return { ok: true, dir, fileDates, configFile, sandboxCommand };
  } finally {
    await sandbox.close();
  }
}

/** The demo owns its folder: it replaces an earlier demo there, and refuses any other non-empty folder. */
async function prepareDir(dir: string): Promise<void> {
  if (existsSync(dir)) {
    const entries = await readdir(dir);
    if (entries.length > 0 && !entries.includes(DEMO_MARKER)) {
      throw new LeadEtlError('USAGE', `${dir} is not empty and holds no earlier demo; choose an empty or new --dir`);
    }
    for (const entry of ['db', 'sftp', 'archive', 'keys', 'channel.jsonl', 'sandbox-state.json', DEMO_CONFIG_FILE]) await rm(join(dir, entry), { recursive: true, force: true });
  }
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, DEMO_MARKER), 'This folder is managed by `lead-etl demo`; the next demo run replaces it.\n');
}
