import { existsSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadPipelineConfig, type PipelineConfig as Config } from './pipeline-config.js';
import { systemClock, type Clock } from '../core/clock.js';
import { describeError, isLeadEtlError, LeadEtlError } from '../core/errors.js';
import { parseFileDate, type FileDate } from '../core/file-date.js';
import { createLogger, type Logger } from '../core/log.js';
import { openSftpSession } from '../load/sftp-session.js';
import { assertStateStoreReady, listFiles, migrateStateStore } from '../load/state/state-store.js';
import { acknowledgeDate } from './acknowledge-date.js';
import { runDemo } from './demo.js';
import { openDatabases, type JobContext } from './job-context.js';
import { runFileDate, type RunResult } from './run-file-date.js';
import { backfill } from './backfill.js';
import { acknowledgeBatch, parseBatchId, sendCustomerBatch } from './send-batch.js';
import { assertDateSendable } from './sendable-date.js';
import { cronTicker, startDaemon } from './daemon.js';
import { slackAcknowledgements } from '../load/slack-acknowledgements.js';
import { configuredPatterns } from '../load/lead-message-patterns.js';
import { markUploaded } from './mark-uploaded.js';
import { abandonVersions } from './abandon.js';
import { checkAckSelection } from './acknowledge-date.js';
import { planRerun, rerunDate } from './rerun-date.js';
import { withDateLock } from '../load/state/date-lock.js';
import { runSandbox, untilSignal } from './run-sandbox.js';
import { seedLedger } from './seed-ledger.js';
import { formatLateEntries, formatStatusTable } from './status-report.js';
import { describeRowProblem } from '../transform/row-problem.js';
import { openLateEntries } from '../load/state/submitted-records.js';
import { loadProfile, type LoadedProfile } from '../config/load-profile.js';
import { programFilesOf, type ProgramFileType } from '../transform/program-file-types.js';
import { validateFiles } from '../transform/validation/validate-files.js';
import { stateValidationHistory } from '../load/state/state-validation-history.js';
import { formatValidationJson, formatValidationTable } from './validation-report.js';
import { REFERENCE_PROGRAMS, type ReferenceProgram } from '../reference-program/generate.js';

/**
 * The `lead-etl` command line. Exit codes: 0 done; 1 failed (one line on stderr says why);
 * 2 usage error; 3 waiting (files are archived, Lead has not validated the previous date yet);
 * 4 sent, but entries of dates already sent reached the ledger late and need an operator.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, waiting: 3, late: 4 } as const;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly clock: Clock;
  /** Logger override (tests); otherwise pino JSON lines on stderr at the configured level. */
  readonly logger?: Logger;
  /** When a standing command (`sandbox`) stops; by default on SIGINT or SIGTERM. */
  readonly untilStopped?: () => Promise<string>;
}

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | string[] | undefined>;

interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly options: Options;
  /** The command takes operands (paths) after its options. */
  readonly positionals?: boolean;
  run(values: Values, io: CliIo, positionals: readonly string[]): Promise<number>;
}

const COMMON: Options = {
  config: { type: 'string', short: 'c' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};
const COMMON_HELP = `  -c, --config FILE   JSON config file (default: $LEAD_ETL_CONFIG, else built-in defaults)
      --log-level L   fatal|error|warn|info|debug|trace|silent (logs are JSON lines on stderr)
  -h, --help          this help`;

function configFrom(values: Values, io: CliIo): Config {
  const file = (values.config as string | undefined) ?? io.env.LEAD_ETL_CONFIG;
  const config = loadPipelineConfig({ ...(file ? { file } : {}), env: io.env });
  const level = values['log-level'] as string | undefined;
  return level ? { ...config, log: { level: level as Config['log']['level'] } } : config;
}

function loggerFor(config: Config, io: CliIo): Logger {
  return io.logger ?? createLogger({ level: config.log.level });
}

async function withContext<T>(config: Config, io: CliIo, fn: (ctx: JobContext) => Promise<T>): Promise<T> {
  const logger = loggerFor(config, io);
  if (config.queries.reference) {
    logger.warn({ queriesDir: config.queries.dir, program: config.program.name }, 'queries.dir is not set: the embedded ledger is read with the reference program\'s queries (set queries.dir for your own)');
  }
  const databases = await openDatabases(config);
  try {
    await assertStateStoreReady(databases.state.db, databases.state.label);
    const ctx: JobContext = {
      config, ledger: databases.ledger, state: databases.state, clock: io.clock, logger,
      connectRemote: async () => {
        if (!config.sftp) throw new LeadEtlError('CONFIG_INVALID', `config key sftp is missing in ${config.source}: nothing can be uploaded`);
        return openSftpSession(config.sftp, logger);
      },
    };
    return await fn(ctx);
  } finally {
    await databases.close();
  }
}

const requireDate = (values: Values, key = 'date') => {
  const text = values[key];
  if (typeof text !== 'string') throw new LeadEtlError('USAGE', `--${key} YYYY-MM-DD is required`);
  try {
    return parseFileDate(text, `--${key}`);
  } catch (error) {
    throw new LeadEtlError('USAGE', (error as Error).message);
  }
};

const wholeNumber = (values: Values, key: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined => {
  const text = values[key];
  if (text === undefined) return undefined;
  const n = Number(text);
  if (typeof text !== 'string' || !/^\d+$/.test(text) || n < min || n > max) throw new LeadEtlError('USAGE', `--${key} must be a whole number from ${min} to ${max}, got "${String(text)}"`);
  return n;
};

const listOf = (values: Values, key: string): string[] => {
  const value = values[key];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
};

const positiveInt = (values: Values, key: string, fallback: number) => {
  const text = values[key];
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new LeadEtlError('USAGE', `--${key} must be a whole number of 1 or more, got "${String(text)}"`);
  return n;
};

export const COMMANDS: Record<string, Command> = {
  run: {
    summary: 'extract, build, archive and upload the files of one file date',
    usage: `lead-etl run --date YYYY-MM-DD [--no-upload]

Builds every file type of the program for the file date T (activity of T-1, America/Chicago) from one
ledger snapshot, archives each file with its checksum, and uploads them. T is built only in its turn
(Day 0, or once Lead validated T-1); before then its files are checked in a dry run that records nothing,
and it exits 3. A date before program.firstFileDate, or whose activity day has not ended plus
upload.settleMinutes, is refused (exit 2). Running it again sends nothing twice and finishes an upload
an earlier run left half done.

      --date T        the file date (the date in the file names)
      --no-upload     build and archive only`,
    options: { date: { type: 'string' }, 'no-upload': { type: 'boolean' } },
    async run(values, io) {
      const date = requireDate(values);
      const config = configFrom(values, io);
      assertDateSendable(config, io.clock.now(), date);
      const result = await withContext(config, io, (ctx) => withDateLock(ctx.state, `date:${date}`, () => runFileDate(ctx, date, { upload: !values['no-upload'] })));
      return reportRun(result, io);
    },
  },
  rerun: {
    summary: 'rebuild rejected (or named) files of a date from the ledger and send them as the next version',
    usage: `lead-etl rerun --date T [--files TYPE,...] [--dry-run]

After Lead rejects a file (recorded with \`lead-etl ack --date T --rejected --file TYPE\`), rebuilds the
rejected file types of T from the ledger as it is now and sends them with the next version; the other
files of the workflow stay as they were, and Lead processes them together. --files names the types to
replace even when Lead did not reject them. Refused for a workflow Lead already validated.

      --date T        the file date
      --files LIST    file types to rebuild (default: the rejected ones)
      --dry-run       print what would be sent, change nothing`,
    options: { date: { type: 'string' }, files: { type: 'string' }, 'dry-run': { type: 'boolean' } },
    async run(values, io) {
      const date = requireDate(values);
      const only = typeof values.files === 'string' ? values.files.split(',').map((t) => t.trim()).filter(Boolean) : undefined;
      const config = configFrom(values, io);
      if (values['dry-run']) {
        const plans = await withContext(config, io, (ctx) => planRerun(ctx, date, only));
        for (const p of plans) io.stdout(`would send ${p.nextName}${p.current ? ` (replacing ${p.current.name}, ${p.current.status})` : ''}\n`);
        return EXIT.ok;
      }
      const { plans, result } = await withContext(config, io, (ctx) => withDateLock(ctx.state, `date:${date}`, () => rerunDate(ctx, date, only)));
      for (const p of plans) io.stdout(`rerun     ${p.fileType}: ${p.current ? `${p.current.name} superseded, ` : ''}next ${p.nextName}\n`);
      return reportRun(result, io);
    },
  },
  backfill: {
    summary: 'send every date from A to B in order, stopping (resumably) where Lead has not answered',
    usage: `lead-etl backfill --from A --to B

Runs every file date from A to B in order under the same waits as a daily run. It stops at the first date
that waits for Lead's answer on the one before (or fails); call it again once Lead answered: dates already
sent are recognised and nothing is sent twice.`,
    options: { from: { type: 'string' }, to: { type: 'string' } },
    async run(values, io) {
      const from = requireDate(values, 'from');
      const to = requireDate(values, 'to');
      if (to < from) throw new LeadEtlError('USAGE', `--to ${to} is before --from ${from}`);
      const config = configFrom(values, io);
      const outcome = await withContext(config, io, (ctx) => withDateLock(ctx.state, 'backfill', () => backfill(ctx, from, to, (p) => {
        io.stdout(`backfill ${p.current}: ${p.result.outcome}; ${p.done} done, ${p.result.outcome === 'waiting' ? `waiting on Lead for ${p.waitingOn}` : '0 waiting'}, ${p.left} left\n`);
      })));
      if (!outcome.stoppedAt) {
        io.stdout(`backfill finished: ${outcome.done} date(s) from ${from} to ${to}\n`);
        return EXIT.ok;
      }
      io.stderr(`lead-etl backfill: stopped at ${outcome.stoppedAt.fileDate}: ${outcome.stoppedAt.message}; call it again to carry on\n`);
      return outcome.stoppedAt.outcome === 'waiting' ? EXIT.waiting : EXIT.failed;
    },
  },
  daemon: {
    summary: 'run unattended: every few minutes, send what is due, read answers, raise alerts',
    usage: `lead-etl daemon

Ticks every schedule.tickMinutes (in UTC, so DST can neither skip nor double a tick). Each tick works
from the state store: it builds and sends every due date in order (catching up any missed while the
process was down), waits where Lead has not answered, and alerts (log and Slack webhook) once per event:
a date not uploaded shortly before 06:00 CT on T+1, an answer overdue, a rejection waiting for a rerun.
Several replicas may run against one state database; one acts per tick. On daemon.httpHost:daemon.httpPort:
/healthz (alive), /readyz (503 while ticks fail, with the reason) and /metrics (Prometheus). Without a
Slack channel, the log says what each date waits for. Stops cleanly on SIGINT or SIGTERM.`,
    options: {},
    async run(values, io) {
      const config = configFrom(values, io);
      if (!config.program.firstFileDate) throw new LeadEtlError('CONFIG_INVALID', 'config key program.firstFileDate (Lead\'s Day 0) is required to run the daemon');
      await withContext(config, io, async (ctx) => {
        const slack = config.acknowledgements.slack;
        const ackSources = slack ? [slackAcknowledgements({
          name: 'slack', baseUrl: slack.baseUrl, token: slack.token, channel: slack.channel, db: ctx.state.db, clock: ctx.clock, logger: ctx.logger,
          specs: config.program.files.map((t) => t.spec),
          ...(slack.patterns ? { patterns: configuredPatterns(slack.patterns) } : {}),
        })] : [];
        const daemon = await startDaemon(ctx, { ticker: cronTicker(config.schedule.tickMinutes), ackSources });
        io.stdout(`lead-etl daemon: ticking every ${config.schedule.tickMinutes} min; /healthz, /readyz and /metrics on http://${config.daemon.httpHost}:${daemon.httpPort}\n`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await daemon.close();
      });
      return EXIT.ok;
    },
  },
  batch: {
    summary: 'send an extra Customer batch now: customers new or changed since they were last sent',
    usage: `lead-etl batch [--date T]

Lead takes Customer (and Customer Relationship) files as often as needed in a day, each batch under
its own id. This builds the customers (and relationships) new or changed since they were last sent, as
of now, names the batch <T>-02, <T>-03... (the daily batch is named by the date itself; both files of a
batch share its id, never reused), checks it and sends it at once. Nothing is sent when nothing changed.

      --date T        the date the batch belongs to (default: today in the program's zone)`,
    options: { date: { type: 'string' } },
    async run(values, io) {
      const config = configFrom(values, io);
      const date = values.date ? requireDate(values) : (io.clock.now().setZone(config.program.timeZone).toISODate()! as FileDate);
      const result = await withContext(config, io, (ctx) => sendCustomerBatch(ctx, date));
      for (const p of result.problems) io.stderr(`${describeRowProblem(p)}\n`);
      for (const f of result.uploaded) io.stdout(`uploaded  ${f.remotePath}\n`);
      if (result.outcome === 'ok') {
        io.stdout(`${result.message}\n`);
        return EXIT.ok;
      }
      io.stderr(`lead-etl batch: ${result.message}\n`);
      return EXIT.failed;
    },
  },
  'mark-uploaded': {
    summary: 'record a file an operator sent to Lead by hand, so it is neither re-sent nor lost',
    usage: `lead-etl mark-uploaded --date T --file TYPE [--path FILE [--sha256 HEX]] [--note TEXT] [--by NAME]

With --path: archives FILE, records it as uploaded with its checksum and the rows it carried, and takes
its version number (from its name) so it is never reused. Only for a type that has no version in play.
Without --path: records the version in play of TYPE (one an interrupted upload left waiting, see
UPLOAD_UNCERTAIN) as received, once Lead confirmed it has it. --by names who (default: the OS user).`,
    options: { date: { type: 'string' }, file: { type: 'string' }, path: { type: 'string' }, sha256: { type: 'string' }, note: { type: 'string' }, by: { type: 'string' } },
    async run(values, io) {
      const date = requireDate(values);
      if (typeof values.file !== 'string') throw new LeadEtlError('USAGE', '--file TYPE is required');
      const config = configFrom(values, io);
      const record = await withContext(config, io, (ctx) => withDateLock(ctx.state, `date:${date}`, () => markUploaded(ctx, {
        fileDate: date, fileType: values.file as string,
        ...(typeof values.path === 'string' ? { localPath: values.path } : {}),
        ...(typeof values.by === 'string' ? { by: values.by } : {}),
        ...(typeof values.sha256 === 'string' ? { sha256: values.sha256 } : {}),
        ...(typeof values.note === 'string' ? { note: values.note } : {}),
      })));
      io.stdout(`recorded  ${record.name}  ${typeof values.path === 'string' ? 'uploaded by hand' : 'received by Lead'}  sha256=${record.sha256}\n`);
      return EXIT.ok;
    },
  },
  abandon: {
    summary: 'discard versions of a date that never reached Lead (built, not uploaded), recording who and why',
    usage: `lead-etl abandon --date T [--files TYPE,...] --reason TEXT [--by NAME]

Discards the versions of T built but not uploaded (or whose upload never reached the final name), so
the next run rebuilds them from the ledger under the next version. A version stopped during its rename
(Lead may have it) is abandoned only when named with --files, after checking with Lead. A version Lead
has is never abandoned (\`lead-etl rerun --files\` replaces it). Who (--by, default the OS user) and
why are recorded with each version.

      --date T        the file date
      --files LIST    the file types to discard (default: every version of T waiting to be sent)
      --reason TEXT   why (required)
      --by NAME       who decided (default: the OS user)`,
    options: { date: { type: 'string' }, files: { type: 'string' }, reason: { type: 'string' }, by: { type: 'string' } },
    async run(values, io) {
      const date = requireDate(values);
      if (typeof values.reason !== 'string') throw new LeadEtlError('USAGE', '--reason TEXT is required: say why these versions are discarded');
      const config = configFrom(values, io);
      const result = await withContext(config, io, (ctx) => abandonVersions(ctx, {
        fileDate: date, reason: values.reason as string,
        ...(typeof values.files === 'string' ? { fileTypes: values.files.split(',').map((t) => t.trim()).filter(Boolean) } : {}),
        ...(typeof values.by === 'string' ? { by: values.by } : {}),
      }));
      for (const f of result.abandoned) io.stdout(`abandoned ${f.name}  by ${result.by}: ${result.reason}\n`);
      return EXIT.ok;
    },
  },
  status: {
    summary: 'what was built and sent, per date and file',
    usage: `lead-etl status [--date T | --from A --to B] [--json]`,
    options: { date: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' } },
    async run(values, io) {
      const config = configFrom(values, io);
      const range = values.date
        ? { from: requireDate(values), to: requireDate(values) }
        : { ...(values.from ? { from: requireDate(values, 'from') } : {}), ...(values.to ? { to: requireDate(values, 'to') } : {}) };
      const { files, late } = await withContext(config, io, async (ctx) => ({ files: await listFiles(ctx.state.db, range), late: await openLateEntries(ctx.state.db) }));
      io.stdout(values.json ? JSON.stringify({ files, lateEntries: late }, null, 2) + '\n' : formatStatusTable(files) + formatLateEntries(late));
      return EXIT.ok;
    },
  },
  migrate: {
    summary: 'create or update the state store schema (lead_etl)',
    usage: 'lead-etl migrate',
    options: {},
    async run(values, io) {
      const config = configFrom(values, io);
      const databases = await openDatabases(config);
      try {
        const result = await migrateStateStore(databases.state.db);
        for (const r of result.results ?? []) io.stdout(`${r.status === 'Success' ? 'applied' : r.status}  ${r.migrationName}\n`);
        if (result.error) throw new LeadEtlError('MIGRATION_FAILED', `migration failed: ${describeError(result.error)}`, { cause: result.error });
        io.stdout(`state store ${databases.state.label} is up to date\n`);
        return EXIT.ok;
      } finally {
        await databases.close();
      }
    },
  },
  seed: {
    summary: 'fill the configured ledger with the generated reference deposit program',
    usage: `lead-etl seed --days N [--program deposit|credit|all] [--scale S] [--seed X] [--start YYYY-MM-DD] [--reset]

Installs the reference ledger schema (schema "ledger") and generates a deterministic deposit program
with debit cards: the same options always give the same data.

      --days N        activity days to generate (required)
      --program P     deposit (default), credit, or all
      --scale S       program size; 1 is about 100 customers (default 1)
      --seed X        random seed (default 42)
      --start DATE    first activity day (default 2026-03-05; file dates start the day after)
      --reset         drop an existing reference ledger first`,
    options: { days: { type: 'string' }, scale: { type: 'string' }, seed: { type: 'string' }, start: { type: 'string' }, reset: { type: 'boolean' }, program: { type: 'string' } },
    async run(values, io) {
      if (values.days === undefined) throw new LeadEtlError('USAGE', '--days N is required');
      const config = configFrom(values, io);
      const summary = await seedLedger(config, {
        days: positiveInt(values, 'days', 1),
        scale: positiveInt(values, 'scale', 1),
        seed: positiveInt(values, 'seed', 42),
        ...(values.start ? { firstActivityDate: requireDate(values, 'start') } : {}),
        ...(values.program ? { program: values.program as 'deposit' } : {}),
        reset: Boolean(values.reset),
      });
      io.stdout(`seeded ${summary.customers} customers, ${summary.accounts} accounts, ${summary.balances} balances, ${summary.cards} cards, ${summary.entries} entries, ${summary.pending} pending entries for ${summary.firstActivityDate}..${summary.lastActivityDate}\n`);
      return EXIT.ok;
    },
  },
  ack: {
    summary: "record Lead's answer (validated or rejected) for a date's uploaded files",
    usage: `lead-etl ack (--date T | --batch B) (--validated | --rejected) [--workflow W] [--file TYPE,...] [--reason TEXT]

Records Lead's answer (read in its Slack channel) for the uploaded files of a date or customer batch:
all of them, those of one workflow (customer, compliance, financial, sales), or the file types named.
After a rejection, \`lead-etl rerun --date T\` rebuilds the rejected types from the ledger as it is
now and sends them with the next version.`,
    options: {
      date: { type: 'string' }, batch: { type: 'string' }, workflow: { type: 'string' }, validated: { type: 'boolean' }, rejected: { type: 'boolean' },
      note: { type: 'string' }, reason: { type: 'string' }, file: { type: 'string' },
    },
    async run(values, io) {
      // An extra Customer batch (<date>-NN) is answered on its own; the daily batch is named by its date.
      if (typeof values.batch === 'string' && values.batch.length > 10) {
        if (Boolean(values.validated) === Boolean(values.rejected)) throw new LeadEtlError('USAGE', 'give exactly one of --validated or --rejected');
        const batchId = values.batch;
        parseBatchId(batchId);
        const config = configFrom(values, io);
        const moved = await withContext(config, io, (ctx) => acknowledgeBatch(ctx, batchId, {
          outcome: values.validated ? 'validated' : 'rejected', source: 'operator',
          ...(typeof values.reason === 'string' ? { note: values.reason } : typeof values.note === 'string' ? { note: values.note } : {}),
        }));
        for (const f of moved) io.stdout(`${f.status}  ${f.name}\n`);
        return EXIT.ok;
      }
      if (typeof values.batch === 'string' && !values.date) values.date = values.batch;
      const date = requireDate(values);
      if (typeof values.reason === 'string') values.note = values.reason;
      if (Boolean(values.validated) === Boolean(values.rejected)) throw new LeadEtlError('USAGE', 'give exactly one of --validated or --rejected');
      const config = configFrom(values, io);
      checkAckSelection(config, { file: values.file as string | undefined, workflow: values.workflow as string | undefined });
      const moved = await withContext(config, io, (ctx) =>
        acknowledgeDate(ctx.state, ctx.clock, date, {
          outcome: values.validated ? 'validated' : 'rejected',
          source: 'operator',
          ...(typeof values.note === 'string' ? { note: values.note } : {}),
          ...(typeof values.file === 'string' ? { fileTypes: values.file.split(',').map((t) => t.trim()) } : {}),
          ...(typeof values.workflow === 'string' && typeof values.file !== 'string'
            ? { fileTypes: config.program.files.filter((t) => t.spec.workflow === values.workflow).map((t) => t.spec.id) }
            : {}),
        }));
      for (const f of moved) io.stdout(`${f.status}  ${f.name}\n`);
      return EXIT.ok;
    },
  },
  validate: {
    summary: 'say what Lead would reject in files or folders, before uploading them',
    usage: `lead-etl validate PATH... [--json] [--profile P] [--program-currency C] [--from-day0]

Checks Lead files as Lead does (docs/validation-rules.md): file integrity, field formats, rules inside a
record, and rules across records and files. Folders are read recursively, and every file given is one
set spanning its dates: references, transaction ids, effective_at order and balance roll-forwards are
checked across it. A file that fails a stage is not checked by the later ones, as at Lead. Generated
and hand-made files alike. With a config (--config or LEAD_ETL_CONFIG), the files are also checked
against the state store's history (ids already sent, the last version of each record, the balances of
the day before) and the program's profile; without one, on the files alone.

      --json                findings, per-file outcomes and a summary as JSON
      --profile P           a built-in profile name or a profile JSON file: the program's file types,
                            tokens and columns (default: every Lead file type by its default token)
      --program-currency C  currency of amounts in files without a currency column (default USD)
      --from-day0           the paths hold every file since the program's Day 0, so a reference to a
                            record they do not hold is an error (without it, only same-day files such as
                            Balances settle whether a record exists)

Exit codes: 0 nothing Lead would reject, 1 findings, 2 usage error (no path, a path that does not exist).`,
    options: { json: { type: 'boolean' }, profile: { type: 'string' }, 'program-currency': { type: 'string' }, 'from-day0': { type: 'boolean' } },
    positionals: true,
    async run(values, io, paths) {
      let program: { files: readonly ProgramFileType[]; profile: LoadedProfile['profile'] } | undefined;
      if (typeof values.profile === 'string') {
        try {
          const loaded = loadProfile(values.profile, process.cwd());
          program = { files: programFilesOf(loaded), profile: loaded.profile };
        } catch (error) {
          throw new LeadEtlError('USAGE', `--profile: ${(error as Error).message}`);
        }
      }
      const options = {
        ...(typeof values['program-currency'] === 'string' ? { programCurrency: values['program-currency'] } : {}),
        fromDay0: Boolean(values['from-day0']),
      };
      // --config always; LEAD_ETL_CONFIG only when it names a file, so validate also runs where nothing is set up.
      const configured = (values.config as string | undefined) ?? (io.env.LEAD_ETL_CONFIG && existsSync(io.env.LEAD_ETL_CONFIG) ? io.env.LEAD_ETL_CONFIG : undefined);
      const report = configured
        ? await withContext(configFrom(values, io), io, async (ctx) => validateFiles(paths, {
          program: program ?? { files: ctx.config.program.files, profile: ctx.config.program.profile },
          programCurrency: ctx.config.program.currency,
          ...options,
          history: await stateValidationHistory(ctx.state.db, ctx.config.program.firstFileDate as FileDate | undefined, ctx.config.program.files.map((t) => t.spec.id)),
        }))
        : await validateFiles(paths, { ...(program ? { program } : {}), ...options });
      io.stdout(values.json ? formatValidationJson(report) : formatValidationTable(report));
      return report.summary.errors === 0 ? EXIT.ok : EXIT.failed;
    },
  },
  demo: {
    summary: 'the whole path on the embedded default: generated ledger, in-process Lead sandbox',
    usage: `lead-etl demo [--days N] [--dir DIR] [--program deposit|credit|all] [--scale S] [--seed X] [--reject DAY:TYPE]...

Seeds the reference ledger in an embedded PGlite database, starts the Lead sandbox in this process (real
SSH on 127.0.0.1 with a fresh host key that the client pins, Lead's folders, its channel over HTTP), and
sends Day 0 to Day N-1 in order: each date goes once Lead's channel said the one before validated.
Leaves DIR/sftp/<folder>/<files> (what Lead received), DIR/channel.jsonl (what Lead said), DIR/archive,
and DIR/db.

      --days N        file dates to send (default 5)
      --dir DIR       working folder (default var/demo); an earlier demo there is replaced
      --program P     deposit (default), credit, or all: the reference program and its built-in profile
      --scale S       program size (default 1)
      --seed X        random seed (default 42)
      --reject D:T    rehearse a rejection: Lead rejects the first version of file type T on Day D (0 is
                      Day 0); the demo then plays the operator (ack --rejected, run) and sends the next
                      version. Repeatable`,
    options: { days: { type: 'string' }, dir: { type: 'string' }, scale: { type: 'string' }, seed: { type: 'string' }, program: { type: 'string' }, reject: { type: 'string', multiple: true } },
    async run(values, io) {
      const program = (values.program as string | undefined) ?? 'deposit';
      if (!(REFERENCE_PROGRAMS as readonly string[]).includes(program)) throw new LeadEtlError('USAGE', `--program must be ${REFERENCE_PROGRAMS.join(', ')}, got "${program}"`);
      const result = await runDemo({
        program: program as ReferenceProgram,
        days: positiveInt(values, 'days', 5),
        dir: (values.dir as string | undefined) ?? 'var/demo',
        scale: positiveInt(values, 'scale', 1),
        seed: positiveInt(values, 'seed', 42),
        rejects: listOf(values, 'reject'),
        ...(values['log-level'] ? { logLevel: values['log-level'] as string } : {}),
      }, io);
      return result.ok ? EXIT.ok : EXIT.failed;
    },
  },
  sandbox: {
    summary: "play Lead's side locally: SFTP with Lead's folders, workflows, and a Slack-like channel over HTTP",
    usage: `lead-etl sandbox [--dir DIR] [--program P] [--day0 DATE] [--sftp-port N] [--http-port N]
                 [--quiet-seconds S] [--poll-seconds S] [--reject DATE_OR_DAY:TYPE]...

Starts a local stand-in for Lead's SFTP server and Slack alerts channel, until Ctrl-C (SIGINT) or
SIGTERM. The partner uploads into Lead's folders (read-only: sales_request, bank-account-reports) with
key authentication to a host key kept in DIR/keys. Uploads are grouped into Lead's workflows by date or
batch; a set is processed once nothing arrived for the quiet period, all or nothing, with Lead's rules
(day T only after T-1 validated; a resubmission carries a higher version and is processed with the other
files' earlier versions; nothing more once a date validated). Every outcome is posted in the channel,
readable like Slack's conversations.history. Credit programs get a Sales Request after each Financial
workflow validates.

      --dir DIR           the sandbox's folder (default var/sandbox): sftp/, channel.jsonl, keys/
      --program P         deposit (default), credit, all, or a profile JSON file: which folders and workflows
      --day0 DATE         Lead's Day 0 for the program (default: the first date received)
      --sftp-port N       SFTP port on 127.0.0.1 (default: a free port)
      --http-port N       channel API port on 127.0.0.1 (default: a free port)
      --quiet-seconds S   how long a set must be quiet before it is processed (default 120)
      --poll-seconds S    how often the folders are checked (default 5)
      --reject D:T        reject the first version of file type T on date D (or Day index D); repeatable`,
    options: {
      dir: { type: 'string' }, program: { type: 'string' }, day0: { type: 'string' }, 'sftp-port': { type: 'string' }, 'http-port': { type: 'string' },
      'quiet-seconds': { type: 'string' }, 'poll-seconds': { type: 'string' }, reject: { type: 'string', multiple: true },
    },
    async run(values, io) {
      const sftpPort = wholeNumber(values, 'sftp-port', 0, 65535);
      const httpPort = wholeNumber(values, 'http-port', 0, 65535);
      await runSandbox({
        dir: (values.dir as string | undefined) ?? 'var/sandbox',
        program: (values.program as string | undefined) ?? 'deposit',
        rejects: listOf(values, 'reject'),
        quietSeconds: wholeNumber(values, 'quiet-seconds', 0) ?? 120,
        pollSeconds: wholeNumber(values, 'poll-seconds', 1) ?? 5,
        ...(values.day0 ? { day0: requireDate(values, 'day0') } : {}),
        ...(sftpPort !== undefined ? { sftpPort } : {}),
        ...(httpPort !== undefined ? { httpPort } : {}),
        ...(values['log-level'] ? { logLevel: values['log-level'] as string } : {}),
      }, io, io.untilStopped ?? untilSignal);
      return EXIT.ok;
    },
  },
};

/** Prints a run's outcome for people and picks the exit code. */
function reportRun(result: RunResult, io: CliIo): number {
  for (const p of result.problems) {
    io.stderr(`${describeRowProblem(p)}\n`);
  }
  if (result.problemCount > result.problems.length) io.stderr(`... and ${result.problemCount - result.problems.length} more problem(s)\n`);
  for (const f of result.built) io.stdout(`built     ${f.name}  rows=${f.rows} bytes=${f.bytes} sha256=${f.sha256}\n`);
  for (const f of result.uploaded) io.stdout(`uploaded  ${f.remotePath}\n`);
  for (const n of result.notices) {
    const left = [
      n.unchanged && `${n.unchanged} unchanged record(s) not re-sent`,
      n.alreadySent && `${n.alreadySent} entr(ies) already sent`,
      n.terminalSkipped && `${n.terminalSkipped} record(s) changed after a terminal state, never re-sent (e.g. ${n.examples.join(', ')})`,
      n.updatesForUnsent && `${n.updatesForUnsent} update(s) for entries never sent (e.g. ${n.examples.join(', ')})`,
    ].filter(Boolean);
    if (left.length) io.stdout(`left out  ${n.fileType}: ${left.join('; ')}\n`);
  }
  for (const e of result.late) {
    io.stderr(`late entry: ${e.fileType} ${e.recordId} belongs to ${e.belongsToFileDate}, which was already sent (or is before Day 0); it was not put in any other day. Resolve it with Lead (lead-etl status shows open late entries).\n`);
  }
  if (result.outcome === 'ok') {
    io.stdout(`${result.message}\n`);
    if (result.late.length > 0) {
      io.stderr(`lead-etl run: ${result.late.length} late entr(ies) found; see above\n`);
      return EXIT.late;
    }
    return EXIT.ok;
  }
  io.stderr(`lead-etl run: ${result.message}\n`);
  return result.outcome === 'waiting' ? EXIT.waiting : EXIT.failed;
}

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return `lead-etl: send Lead Bank the daily files of a program, from the partner's ledger to SFTP

Usage: lead-etl <command> [options]

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`).join('\n')}

Run "lead-etl <command> --help" for a command's options.
Exit codes: 0 done, 1 failed, 2 usage error, 3 waiting for Lead to validate the previous date,
4 sent but late entries (activity of dates already sent) need an operator.
`;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(mainHelp());
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`lead-etl: unknown command "${name}"; run lead-etl --help\n`);
    return EXIT.usage;
  }
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: [...rest], options: { ...COMMON, ...command.options }, strict: true, allowPositionals: Boolean(command.positionals) }) as { values: Values; positionals: string[] });
  } catch (error) {
    io.stderr(`lead-etl ${name}: ${(error as Error).message}; run lead-etl ${name} --help\n`);
    return EXIT.usage;
  }
  if (values.help) {
    io.stdout(`${command.usage}\n\nCommon options:\n${COMMON_HELP}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(values, io, positionals);
  } catch (error) {
    io.stderr(`lead-etl ${name}: ${describeError(error).replace(/\s*\n\s*/g, ' ')}\n`);
    return isLeadEtlError(error, 'USAGE') || isLeadEtlError(error, 'DATE_REFUSED') ? EXIT.usage : EXIT.failed;
  }
}

export const defaultIo = (): CliIo => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  clock: systemClock,
});
