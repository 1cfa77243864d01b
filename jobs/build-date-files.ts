import { mkdir, rename, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Kysely, Transaction } from 'kysely';
import { collectFully } from '../core/heap.js';
import { WORKFLOWS } from '../core/workflows.js';
import { activityWindow, addDays, asOfInstant, type ActivityWindow, type FileDate } from '../core/file-date.js';
import { loadPartnerQuery, streamPartnerBatches, streamPartnerRows, type PartnerQuery } from '../extract/partner-query.js';
import { archiveFile, archiveWriteError, buildingPath } from '../load/archive.js';
import { filesForDate, isSent, liveFile, nextVersion, recordBuiltFiles, type FileRecord, type NewFile } from '../load/state/state-store.js';
import { recordIdColumnsOf } from '../transform/file-type-spec.js';
import { hasPreDay0Baseline, knownBeforeDay0, priorLookup, recordPreDay0Entries, type LateEntry } from '../load/state/submitted-records.js';
import { createSubmittedRowSpool, spoolDirOf, trackedColumnsOf, type SubmittedRowSpool } from '../load/state/submitted-row-spool.js';
import { missingDocuments, recordFileDocuments, type DocumentReference } from '../load/documents.js';
import { createSetMemoryTables, dropSetMemoryTables, tableSetMemory } from '../load/state/set-memory-tables.js';
import { stateValidationHistory } from '../load/state/state-validation-history.js';
import type { ValidationReport } from '../transform/validation/finding.js';
import type { SetMemory } from '../transform/validation/set-memory.js';
import { createSetValidation, type FileCheck } from '../transform/validation/set-validation.js';
import { documentIdsIn } from '../transform/format-value.js';
import type { Workflow } from '../transform/file-type-spec.js';
import { createRowMapper } from '../transform/map-row.js';
import { createProblemLog, type ProblemLog } from '../transform/problem-log.js';
import { fileName, type ProgramFileType } from '../transform/program-file-types.js';
import type { RowProblem } from '../transform/row-problem.js';
import { applySubmissionRule, emptyNotices, type RuleNotices } from '../transform/submission-rules.js';
import { mapRows, writeLeadCsv, type WrittenFile } from '../transform/write-lead-csv.js';
import type { JobContext } from './job-context.js';

/**
 * Builds the due files of one date from one ledger snapshot, applies each file type's submission rule
 * against what was sent before, archives what passes, and records it (with the rows it carries) in one
 * state transaction per workflow. A workflow with any problem archives nothing, and neither does any
 * later workflow, because Lead needs the earlier objects first.
 */
/**
 * Where the state store is read while the ledger snapshot is open: through the snapshot itself on one
 * embedded database (PGlite has one connection); on PostgreSQL always through the state store's own
 * pool, since the snapshot's connection is busy with the open cursor.
 */
function stateReader(ctx: JobContext, trx: Transaction<any>) {
  return ctx.state === ctx.ledger && ctx.ledger.driver === 'pglite' ? trx : ctx.state.db;
}

/** The configured workflow order, with any workflow it leaves out after the others. */
export function workflowOrder(order: readonly Workflow[]): Workflow[] {
  return [...order, ...WORKFLOWS.filter((w) => !order.includes(w))];
}

export interface FileNotices extends RuleNotices {
  readonly fileType: string;
}

export interface BuildOutcome {
  readonly built: FileRecord[];
  readonly problems: RowProblem[];
  readonly problemCount: number;
  readonly notices: FileNotices[];
  /** Entries of new-only types that reached the ledger after their own date was sent. */
  readonly late: LateEntry[];
}

/** A due file before it is built: its version and final name are known first, so its rows are checked as they are written. */
interface Plan {
  readonly type: ProgramFileType;
  readonly version: number;
  readonly name: string;
  /** Where the file is once built (under `.building/<run>/`), the name the pre-flight reports it by. */
  readonly path: string;
}

interface Build extends Plan {
  readonly written: WrittenFile;
  readonly problems: ProblemLog;
  readonly documents: DocumentReference[];
  readonly spool: SubmittedRowSpool;
}

const LATE_LOOKBACK_DAYS = 7;

/**
 * The run keeps the first this many warnings of each rule in each file and counts the rest: a rule that
 * warns on most rows (a negative deposit balance) would otherwise hold a finding per row for the whole
 * run. The run logs only the count and the rules, both exact; every error is kept.
 */
export const PREFLIGHT_WARNINGS_PER_RULE = 1000;

/** Builds and records the date's files (below); the spools of what they carry go with the run, whatever happens. */
export async function buildDateFiles(...args: Parameters<typeof buildAndRecord>): Promise<BuildOutcome> {
  try {
    return await buildAndRecord(...args);
  } finally {
    // Never in the way of the run's own outcome or error (an archive.dir that cannot be created has no spools).
    await rm(spoolDirOf(args[0].config.archive.dir, args[1]), { recursive: true, force: true }).catch(() => undefined);
  }
}

async function buildAndRecord(
  ctx: JobContext,
  runId: string,
  fileDate: FileDate,
  due: readonly ProgramFileType[],
  /** Query parameters beyond the window's, per file type (the Sales Request rows for the Sales Response). */
  extraParameters: ReadonlyMap<string, Readonly<Record<string, string>>> = new Map(),
  /** An extra Customer batch of the day: its id, and its window (the day so far). */
  batch?: { readonly id: string; readonly window: ActivityWindow },
  /** Build and check the files as Lead would, then discard them: nothing is archived or recorded. */
  options: { readonly dryRun?: boolean } = {},
): Promise<BuildOutcome> {
  const { config, clock } = ctx;
  const window = batch?.window ?? activityWindow(fileDate, config.program.timeZone);
  const queries = new Map<string, PartnerQuery>();
  for (const type of due) queries.set(type.spec.id, await loadPartnerQuery(config.queries.dir, type.spec));
  const generatedAt = clock.now().setZone(config.format.timestampZone).toISO({ suppressMilliseconds: true })!;
  const asOfText = asOfInstant(window).setZone(config.format.timestampZone).toISO({ suppressMilliseconds: true })!;
  const previousFiles = await filesForDate(ctx.state.db, addDays(fileDate, -1));
  const sentDates = batch ? [] : await datesWithFiles(ctx, fileDate);
  const beforeDay0 = batch ? [] : await preDay0DatesToWatch(ctx, fileDate);

  const plans = await planFiles(ctx, runId, fileDate, due, batch?.id);
  const builds: Build[] = [];
  const notices: FileNotices[] = [];
  const late: LateEntry[] = [];
  let preflight: Preflight | undefined;
  try {
    await withSetMemory(ctx, async (memoryDb) => {
      // One REPEATABLE READ, READ ONLY transaction: every file of the date sees the same ledger, so the
      // day's balances and transactions agree even while the ledger keeps posting. On one embedded
      // database the state store is read through the same transaction (PGlite has one connection). On
      // PostgreSQL it never is: the snapshot's connection is busy with the open cursor, and a query queued
      // behind it would wait for the cursor while the cursor waits for the query.
      await ctx.ledger.db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(async (trx) => {
        // On PostgreSQL the state store is read through the connection holding the pre-flight's tables,
        // so a build takes no more connections of the pool than one at a time besides the snapshot's.
        const stateDb = memoryDb ?? stateReader(ctx, trx);
        // Sent means received: only versions Lead has or may have count (and this date's own in play).
        const lookup = priorLookup(stateDb, { fileDate });
        // The pre-flight checks each row as it is written (check-rows.ts), against what was sent before,
        // its cross-file memory in the state store's temporary tables: no file is read back.
        const memory = tableSetMemory(stateDb);
        const validation = createSetValidation(plans.map((p) => p.path), {
          program: { files: config.program.files, profile: config.program.profile },
          programCurrency: config.program.currency,
          history: await stateValidationHistory(stateDb, config.program.firstFileDate as FileDate | undefined, config.program.files.map((t) => t.spec.id), fileDate),
          memory,
          warningsPerRule: PREFLIGHT_WARNINGS_PER_RULE,
          ...(config.program.firstFileDate ? { day0: config.program.firstFileDate } : {}),
        });
        // In the order the checks need: Lead's object order, so a file's references are to files already built.
        for (const path of validation.order) {
          const plan = plans.find((p) => p.path === path)!;
          const { type } = plan;
          const { spec } = type;
          const query = queries.get(spec.id)!;
          const buildPath = await buildingPath(config.archive.dir, `${fileDate}_${spec.token}`);
          const problems = createProblemLog();
          const fileNotices: FileNotices = { fileType: spec.id, ...emptyNotices() };
          const mapRow = createRowMapper(spec, {
            generatedAt, timestampZone: config.format.timestampZone, programCurrency: config.program.currency, excessPrecision: config.format.excessPrecision,
          }, query.path, type.valueMaps);
          const records = mapRows(streamPartnerBatches(ctx.ledger, trx, query, window, config.queries.fetchSize, extraParameters.get(spec.id)), mapRow, problems);
          const kept = applySubmissionRule(records, {
            spec, window, asOfText, lookup, problems, notices: fileNotices,
            ...(spec.updates ? { updatesFileType: spec.updates } : {}),
          });
          const documents: DocumentReference[] = [];
          const spool = createSubmittedRowSpool(spec, trackedColumnsOf(spec, config.program.files.map((t) => t.spec)), spoolDirOf(config.archive.dir, runId));
          const header = spec.columns.map((c) => c.name);
          const check = await validation.startFile(path);
          check.checker.header(header);
          let written: WrittenFile;
          try {
            written = await writeLeadCsv({ header, rows: spool.tap(checkRows(collectDocuments(kept, spec, documents), check)), path: buildPath });
            await rename(buildPath, path);
          } catch (error) {
            await rm(buildPath, { force: true });
            throw error;
          }
          await check.end({ readable: true, sha256: written.sha256 });
          builds.push({ ...plan, written, problems, documents, spool });
          notices.push(fileNotices);
          if (spec.rule === 'daily-snapshot' && written.rows === 0) {
            await guardEmptySnapshot(ctx, trx, type, query, fileDate, previousFiles, problems);
          }
          // Late entries are ledger activity; a file fed by Lead's own request (the Sales Response) has none.
          if (spec.rule === 'new-only' && !extraParameters.has(spec.id)) {
            late.push(...(await findLateEntries(ctx, trx, type, query, fileDate, sentDates, lookup)));
            late.push(...(await findEntriesBeforeDay0(ctx, trx, stateDb, type, query, beforeDay0, lookup)));
          }
          ctx.logger.info({ runId, fileDate, fileType: spec.id, rows: written.rows, bytes: written.bytes, problems: problems.count, unchanged: fileNotices.unchanged, alreadySent: fileNotices.alreadySent }, 'file built');
          if (builds.length === 1) await ctx.hooks?.phase?.('extract', { fileDate, file: spec.id });
        }
        preflight = await preflightOutcome(await validation.report(), builds, memory);
      });
    });
  } catch (error) {
    await Promise.all([...builds, ...plans].map((b) => rm(b.path, { force: true })));
    throw archiveWriteError(error, config.archive.dir);
  }

  // The pre-flight's state (its memory, the check's per-file state) is dead now: let it go before the
  // files are recorded and uploaded, not whenever V8 next collects in full.
  collectFully();
  for (const build of builds) {
    for (const ref of missingDocuments(config.documents.dir, build.documents)) {
      build.problems.add({
        fileType: ref.fileType, line: 0, recordId: ref.recordId, column: ref.column, rule: 'document.missing',
        message: config.documents.dir
          ? `document ${ref.documentId} is not in the documents folder ${config.documents.dir}`
          : `document ${ref.documentId} is referenced but documents.dir is not configured`,
      });
    }
  }
  if (preflight && builds.length > 0) reportPreflight(ctx, runId, fileDate, builds, preflight);

  const problemsOf = () => builds.flatMap((b) => b.problems.problems.map((p) => ({ ...p, file: b.name })));
  const countOf = () => builds.reduce((sum, b) => sum + b.problems.count, 0);
  if (options.dryRun) {
    await Promise.all(builds.map((b) => rm(b.path, { force: true })));
    await rm(join(config.archive.dir, '.building', runId), { recursive: true, force: true });
    return { built: [], problems: problemsOf(), problemCount: countOf(), notices, late: [] };
  }

  const order = workflowOrder(config.workflows.order);
  const failedAt = Math.min(...builds.filter((b) => b.problems.count > 0).map((b) => order.indexOf(b.type.spec.workflow)));
  const keep = builds.filter((b) => order.indexOf(b.type.spec.workflow) < failedAt);
  await Promise.all(builds.filter((b) => !keep.includes(b)).map((b) => rm(b.path, { force: true })));

  const built: FileRecord[] = [];
  for (const workflow of order) {
    const group = keep.filter((b) => b.type.spec.workflow === workflow);
    if (group.length === 0) continue;
    const records: NewFile[] = [];
    for (const { type, path, written, name, version } of group) {
      const { spec } = type;
      const archivePath = await archiveFile({ archiveDir: config.archive.dir, fileDate, name, builtPath: path, sha256: written.sha256 });
      records.push({
        fileDate, fileType: spec.id, version, name, sha256: written.sha256, rows: written.rows, bytes: written.bytes, archivePath,
        remotePath: posix.join(config.sftp?.remoteRoot ?? '/', spec.folder, name), ...(batch ? { batchId: batch.id } : {}),
      });
    }
    built.push(...(await recordBuiltFiles(ctx.state.db, runId, records, clock, async (trx, files) => {
      for (const file of files) {
        const build = group.find((b) => b.type.spec.id === file.fileType)!;
        await build.spool.copyInto(trx, file.id);
        await recordFileDocuments(trx, file, build.documents.map((d) => d.documentId));
      }
    })));
  }
  if (!batch && fileDate === config.program.firstFileDate && built.length > 0) {
    await notePreDay0Entries(ctx, runId, fileDate, due.filter((t) => t.spec.rule === 'new-only' && !extraParameters.has(t.spec.id)), queries);
  }
  return { built, problems: problemsOf(), problemCount: countOf(), notices, late };
}

/**
 * When Day 0 is built, the new-only entries the ledger already holds for the week before it are noted:
 * they were never Lead's to receive. One that shows up there later reached the ledger after Day 0 was
 * sent, and is reported like any late entry instead of being lost without a word.
 */
async function notePreDay0Entries(ctx: JobContext, runId: string, day0: FileDate, types: readonly ProgramFileType[], queries: ReadonlyMap<string, PartnerQuery>): Promise<void> {
  const same = ctx.state === ctx.ledger && ctx.ledger.driver === 'pglite';
  for (const type of types) {
    if (await hasPreDay0Baseline(ctx.state.db, type.spec.id)) continue;
    // On one embedded database the notes are written through the reading transaction itself (see stateReader).
    await ctx.ledger.db.transaction().setIsolationLevel('repeatable read').setAccessMode(same ? 'read write' : 'read only').execute(async (trx) => {
      const sink = same ? trx : ctx.state.db;
      for (let back = 1; back <= LATE_LOOKBACK_DAYS; back += 1) {
        const date = addDays(day0, -back);
        let rows: LateEntry[] = [];
        for await (const row of streamPartnerRows(ctx.ledger, trx, queries.get(type.spec.id)!, activityWindow(date, ctx.config.program.timeZone), ctx.config.queries.fetchSize)) {
          rows.push({ fileType: type.spec.id, recordId: String(row[type.spec.recordIdColumn] ?? ''), belongsToFileDate: date });
          if (rows.length >= 1000) {
            await recordPreDay0Entries(sink, runId, rows);
            rows = [];
          }
        }
        await recordPreDay0Entries(sink, runId, rows);
      }
    });
  }
}

/** The dates before Day 0 inside the late-entry lookback of `fileDate`, once Lead has Day 0. */
async function preDay0DatesToWatch(ctx: JobContext, fileDate: FileDate): Promise<FileDate[]> {
  const day0 = ctx.config.program.firstFileDate as FileDate | undefined;
  if (!day0 || fileDate <= day0) return [];
  if (!(await filesForDate(ctx.state.db, day0)).some(isSent)) return [];
  const dates: FileDate[] = [];
  for (let back = 1; back <= LATE_LOOKBACK_DAYS; back += 1) {
    const date = addDays(fileDate, -back);
    if (date < day0) dates.push(date);
  }
  return dates;
}

/** Entries of days before Day 0 that the ledger did not hold when Day 0 was built, and were never sent. */
async function findEntriesBeforeDay0(
  ctx: JobContext, trx: Transaction<any>, stateDb: Kysely<any> | Transaction<any>, type: ProgramFileType, query: PartnerQuery, dates: readonly FileDate[], lookup: ReturnType<typeof priorLookup>,
): Promise<LateEntry[]> {
  if (dates.length === 0 || !(await hasPreDay0Baseline(stateDb, type.spec.id))) return [];
  const late: LateEntry[] = [];
  for (const date of dates) {
    let batch: string[] = [];
    const check = async () => {
      const known = await knownBeforeDay0(stateDb, type.spec.id, batch);
      const sent = await lookup(type.spec.id, batch);
      for (const id of batch) if (!known.has(id) && !sent.has(id)) late.push({ fileType: type.spec.id, recordId: id, belongsToFileDate: date });
      batch = [];
    };
    for await (const row of streamPartnerRows(ctx.ledger, trx, query, activityWindow(date, ctx.config.program.timeZone), ctx.config.queries.fetchSize)) {
      batch.push(String(row[type.spec.recordIdColumn] ?? ''));
      if (batch.length >= 500) await check();
    }
    if (batch.length > 0) await check();
  }
  if (late.length > 0) ctx.logger.warn({ fileType: type.spec.id, late: late.length }, 'entries dated before Day 0 reached the ledger after Day 0 was sent');
  return late;
}

/**
 * Every file is checked as Lead would check it before anything is archived or sent, so each gets its
 * final name (the next version) before it is built: the set of the date is validated, row by row as it
 * is written, against what was sent before (the state store's history).
 */
async function planFiles(ctx: JobContext, runId: string, fileDate: FileDate, due: readonly ProgramFileType[], batchId: string | undefined): Promise<Plan[]> {
  if (due.length === 0) return [];
  const dir = join(ctx.config.archive.dir, '.building', runId);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw archiveWriteError(error, ctx.config.archive.dir);
  }
  const plans: Plan[] = [];
  for (const type of due) {
    const { spec } = type;
    const version = await nextVersion(ctx.state.db, fileDate, spec.id, batchId ?? null);
    const name = fileName(batchId ?? (spec.naming === 'batch' ? dailyBatchId(fileDate) : fileDate), type, version);
    plans.push({ type, version, name, path: join(dir, name) });
  }
  return plans;
}

/**
 * Runs `check` with the pre-flight's temporary tables in place. On PostgreSQL they live on one
 * connection of the state store's pool, held for the whole build (`check` gets it, and reads the state
 * store through it too: the submission rules' lookups, history); on PGlite the one session has them, and `check` gets undefined (the state store is
 * then read as stateReader says).
 */
async function withSetMemory(ctx: JobContext, check: (db: Kysely<any> | undefined) => Promise<void>): Promise<void> {
  if (ctx.state.driver === 'postgres') {
    await ctx.state.db.connection().execute(async (connection) => {
      await createSetMemoryTables(connection);
      try {
        await check(connection);
      } finally {
        await dropSetMemoryTables(connection).catch(() => undefined);
      }
    });
    return;
  }
  await createSetMemoryTables(ctx.state.db);
  try {
    await check(undefined);
  } finally {
    await dropSetMemoryTables(ctx.state.db).catch(() => undefined);
  }
}

/**
 * Hands each batch of rows on to the CSV writer once the pre-flight has checked them, numbered as the
 * file's lines are (the header is line 1; a value holding a line break takes more than one).
 */
async function* checkRows(batches: AsyncIterable<readonly string[][]>, check: FileCheck): AsyncGenerator<readonly string[][]> {
  let next = 2;
  for await (const batch of batches) {
    for (let i = 0; i < batch.length; i += 1) {
      const flushing = check.checker.row(next, batch[i]!);
      next += 1 + check.checker.breaks;
      if (flushing) await flushing;
    }
    yield batch;
  }
}

interface Preflight {
  readonly report: ValidationReport;
  /** The record id on each line of an error finding, by file path. */
  readonly recordIds: ReadonlyMap<string, ReadonlyMap<number, string>>;
}

async function preflightOutcome(report: ValidationReport, builds: readonly Build[], memory: SetMemory): Promise<Preflight> {
  const recordIds = new Map<string, ReadonlyMap<number, string>>();
  for (const build of builds) {
    const lines = [...new Set(report.findings.filter((f) => f.severity === 'error' && f.file === build.path && f.line >= 2).map((f) => f.line))];
    if (lines.length === 0) continue;
    // The record key of a line (pair records joined by " + ") as a problem names a record (joined by "/").
    const keys = await memory.lines!.keysAt(build.path, lines);
    recordIds.set(build.path, new Map([...keys].map(([line, key]) => [line, key.split(' + ').filter((id) => id !== '').join('/')])));
  }
  return { report, recordIds };
}

/**
 * A finding is a problem of its file's workflow, so that workflow (and any after it) sends nothing.
 * Only errors stop a workflow: a warning is a reading of Lead's docs Lead has not confirmed.
 */
function reportPreflight(ctx: JobContext, runId: string, fileDate: FileDate, builds: readonly Build[], { report, recordIds }: Preflight): void {
  const errors = report.findings.filter((f) => f.severity === 'error');
  for (const build of builds) {
    const ids = recordIds.get(build.path);
    for (const finding of errors.filter((f) => f.file === build.path)) {
      build.problems.add({ fileType: build.type.spec.id, line: finding.line, recordId: ids?.get(finding.line) ?? '', column: finding.column, rule: finding.rule, message: finding.message });
    }
  }
  // Every rule with a warning left out has its first ones listed, so the rules named stay every one.
  const warnings = report.findings.filter((f) => f.severity === 'warning');
  ctx.logger.info({
    runId, fileDate, files: builds.length, errors: report.summary.errors, warnings: report.summary.warnings,
    ...(warnings.length ? { warningRules: [...new Set(warnings.map((f) => f.rule))] } : {}),
  }, 'pre-flight validation');
}

/** Notes every document a kept row references, keeping one reference (the first record) per document. */
async function* collectDocuments(batches: AsyncIterable<readonly string[][]>, spec: ProgramFileType['spec'], sink: DocumentReference[]): AsyncGenerator<readonly string[][]> {
  const columns = spec.columns.flatMap((c, i) => (c.type.kind === 'documents' ? [{ name: c.name, i }] : []));
  if (columns.length === 0) {
    yield* batches;
    return;
  }
  const idAt = spec.columns.findIndex((c) => c.name === spec.recordIdColumn);
  const seen = new Set<string>();
  for await (const batch of batches) {
    for (const values of batch) {
      for (const { name, i } of columns) {
        for (const documentId of documentIdsIn(values[i] ?? '')) {
          if (seen.has(documentId)) continue;
          seen.add(documentId);
          sink.push({ documentId, fileType: spec.id, recordId: values[idAt] ?? '', column: name });
        }
      }
    }
    yield batch;
  }
}

/**
 * The customer workflow names files by batch. The daily run sends one batch per date, and Lead says the
 * date can then serve as the batch id, so a batch is named like any daily file (and never reused: the
 * date is not). Extra batches of the day get ids `<date>-02`, `<date>-03`... (`lead-etl batch`, jobs/send-batch.ts).
 */
export const dailyBatchId = (fileDate: FileDate): string => fileDate;

async function datesWithFiles(ctx: JobContext, fileDate: FileDate): Promise<FileDate[]> {
  const dates: FileDate[] = [];
  for (let back = 1; back <= LATE_LOOKBACK_DAYS; back += 1) {
    const date = addDays(fileDate, -back);
    if (ctx.config.program.firstFileDate && date < ctx.config.program.firstFileDate) break;
    if ((await filesForDate(ctx.state.db, date)).some(isSent)) dates.push(date);
  }
  return dates;
}

/**
 * A snapshot that comes out empty when the previous date had rows must be explained by the ledger: the
 * same query for the previous date must still return what was sent then (so the records really went
 * away: closed, posted). If it does not, the extract is broken, and an empty file would tell Lead that
 * every balance vanished.
 */
async function guardEmptySnapshot(
  ctx: JobContext, trx: Transaction<any>, type: ProgramFileType, query: PartnerQuery, fileDate: FileDate,
  previousFiles: readonly FileRecord[], problems: ProblemLog,
): Promise<void> {
  const previous = liveFile(previousFiles, type.spec.id);
  if (!previous || previous.rows === 0) return;
  let again = 0;
  for await (const _row of streamPartnerRows(ctx.ledger, trx, query, activityWindow(previous.fileDate, ctx.config.program.timeZone), ctx.config.queries.fetchSize)) again += 1;
  if (again >= previous.rows) return;
  problems.add({
    fileType: type.spec.id, line: 1, recordId: '', column: type.spec.recordIdColumn, rule: 'snapshot.empty',
    message: `the ${type.spec.id} snapshot for ${fileDate} is empty, yet ${previous.name} had ${previous.rows} rows and the ledger now returns ${again} for ${previous.fileDate}: the extract looks broken, nothing is sent`,
  });
}

/** Ids the query now returns for dates already sent that were never sent: entries that arrived late. */
async function findLateEntries(
  ctx: JobContext, trx: Transaction<any>, type: ProgramFileType, query: PartnerQuery, fileDate: FileDate,
  sentDates: readonly FileDate[], lookup: ReturnType<typeof priorLookup>,
): Promise<LateEntry[]> {
  const late: LateEntry[] = [];
  const idColumn = type.spec.recordIdColumn;
  for (const date of sentDates) {
    const window: ActivityWindow = activityWindow(date, ctx.config.program.timeZone);
    let batch: string[] = [];
    const check = async () => {
      const sent = await lookup(type.spec.id, batch);
      for (const id of batch) if (!sent.has(id)) late.push({ fileType: type.spec.id, recordId: id, belongsToFileDate: date });
      batch = [];
    };
    for await (const row of streamPartnerRows(ctx.ledger, trx, query, window, ctx.config.queries.fetchSize)) {
      batch.push(String(row[idColumn] ?? ''));
      if (batch.length >= 500) await check();
    }
    if (batch.length > 0) await check();
  }
  if (late.length > 0) ctx.logger.warn({ fileDate, fileType: type.spec.id, late: late.length }, 'late entries: activity of dates already sent reached the ledger after they were sent');
  return late;
}
