import { randomBytes } from 'node:crypto';
import { Migrator, sql, type Kysely, type MigrationResultSet, type Transaction } from 'kysely';
import { DateTime } from 'luxon';
import type { Clock } from '../../core/clock.js';
import { describeError, isLeadEtlError, LeadEtlError } from '../../core/errors.js';
import type { FileDate } from '../../core/file-date.js';
import type { RowProblem } from '../../transform/row-problem.js';
import { REPLACEABLE_STATUSES, SENT_STATUSES, type FileStatus } from './file-status.js';
import { STATE_SCHEMA, stateMigrations } from './migrations.js';

/**
 * What lead-etl has built and sent, in PostgreSQL (schema lead_etl). Every status change goes through
 * `moveFile`, a compare-and-set on the current status, so two processes can never both advance a file.
 */
export interface FileRecord {
  readonly id: string;
  readonly fileDate: FileDate;
  readonly fileType: string;
  readonly version: number;
  readonly name: string;
  readonly status: FileStatus;
  readonly sha256: string;
  readonly rows: number;
  readonly bytes: number;
  readonly archivePath: string;
  readonly remotePath: string;
  readonly runId: string;
  readonly reason: string | null;
  /** An extra Customer batch of the day (`<date>-02`...); null for the daily files. */
  readonly batchId: string | null;
  readonly builtAt: string;
  readonly uploadStartedAt: string | null;
  readonly uploadedAt: string | null;
  readonly acknowledgedAt: string | null;
  /** The temporary name an upload writes to before the rename (recorded with `uploading`). */
  readonly uploadTempName: string | null;
  /** Who made the last status change by hand (`lead-etl abandon`, `mark-uploaded`); null for the pipeline. */
  readonly changedBy: string | null;
}

export interface NewFile {
  readonly fileDate: FileDate;
  readonly fileType: string;
  readonly version: number;
  readonly name: string;
  readonly sha256: string;
  readonly rows: number;
  readonly bytes: number;
  readonly archivePath: string;
  readonly remotePath: string;
  readonly batchId?: string;
}

type Db = Kysely<any> | Transaction<any>;
const table = (db: Db, name: string) => db.withSchema(STATE_SCHEMA).selectFrom(name);
const iso = (value: unknown): string | null =>
  value === null || value === undefined ? null : value instanceof Date ? DateTime.fromJSDate(value).toUTC().toISO()! : String(value);

function toRecord(row: Record<string, any>): FileRecord {
  return {
    id: String(row.id),
    fileDate: row.file_date as FileDate,
    fileType: row.file_type,
    version: Number(row.version),
    name: row.name,
    status: row.status,
    sha256: String(row.sha256),
    rows: Number(row.row_count),
    bytes: Number(row.byte_count),
    archivePath: row.archive_path,
    remotePath: row.remote_path,
    runId: row.run_id,
    reason: row.reason ?? null,
    batchId: row.batch_id ?? null,
    builtAt: iso(row.built_at)!,
    uploadStartedAt: iso(row.upload_started_at),
    uploadedAt: iso(row.uploaded_at),
    acknowledgedAt: iso(row.acknowledged_at),
    uploadTempName: row.upload_temp_name ?? null,
    changedBy: row.changed_by ?? null,
  };
}

export async function migrateStateStore(db: Kysely<any>): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: stateMigrations, migrationTableSchema: STATE_SCHEMA });
  return migrator.migrateToLatest();
}

/**
 * Refuses to run on a state store that cannot be reached (STATE_UNREACHABLE, with the cause) or whose
 * schema is missing or behind this version of lead-etl (STATE_SCHEMA: run `lead-etl migrate`). The two
 * are told apart first, so a database that is down never sends an operator to migrate.
 */
export async function assertStateStoreReady(db: Kysely<any>, label = 'the state store'): Promise<void> {
  try {
    await sql`select 1`.execute(db);
  } catch (cause) {
    if (isLeadEtlError(cause)) throw cause;
    throw new LeadEtlError('STATE_UNREACHABLE', `cannot reach the state database ${label}: ${describeError(cause)}; check that it is up and that state.url (or ledger.url) names it`, { cause });
  }
  const migrator = new Migrator({ db, provider: stateMigrations, migrationTableSchema: STATE_SCHEMA });
  let pending: string[];
  try {
    pending = (await migrator.getMigrations()).filter((m) => m.executedAt === undefined).map((m) => m.name);
  } catch (cause) {
    if (isLeadEtlError(cause)) throw cause;
    // Only an absent schema or table means "not migrated"; anything else is reported as it is.
    if ((cause as { code?: string }).code === '42P01' || (cause as { code?: string }).code === '3F000') {
      throw new LeadEtlError('STATE_SCHEMA', `the state store ${label} has no lead-etl schema yet: run \`lead-etl migrate\` first`, { cause });
    }
    throw new LeadEtlError('STATE_UNREACHABLE', `cannot read the state store ${label}: ${describeError(cause)}`, { cause });
  }
  if (pending.length > 0) {
    throw new LeadEtlError('STATE_SCHEMA', `the state store is missing migrations ${pending.join(', ')}: run \`lead-etl migrate\``);
  }
}

export function newRunId(clock: Clock): string {
  return `${clock.now().toUTC().toFormat("yyyyLLdd'T'HHmmss'Z'")}-${randomBytes(3).toString('hex')}`;
}

export async function startRun(db: Db, run: { runId: string; command: string; fileDate?: FileDate }, clock: Clock): Promise<void> {
  await db.withSchema(STATE_SCHEMA).insertInto('run').values({
    run_id: run.runId, command: run.command, file_date: run.fileDate ?? null, started_at: clock.now().toISO(),
  }).execute();
}

export async function finishRun(db: Db, runId: string, outcome: 'ok' | 'waiting' | 'failed', summary: string, clock: Clock): Promise<void> {
  await db.withSchema(STATE_SCHEMA).updateTable('run')
    .set({ finished_at: clock.now().toISO(), outcome, summary })
    .where('run_id', '=', runId).execute();
}

export async function recordProblems(db: Db, runId: string, fileDate: FileDate, problems: readonly RowProblem[]): Promise<void> {
  if (problems.length === 0) return;
  await db.withSchema(STATE_SCHEMA).insertInto('run_problem').values(problems.map((p) => ({
    run_id: runId, file_date: fileDate, file_type: p.fileType, line: p.line, record_id: p.recordId || null,
    column_name: p.column, rule: p.rule, message: p.file ? `${p.file}: ${p.message}` : p.message,
  }))).execute();
}

export async function filesForDate(db: Db, fileDate: FileDate): Promise<FileRecord[]> {
  const rows = await table(db, 'file').selectAll().where('file_date', '=', fileDate).orderBy('id').execute();
  return rows.map(toRecord);
}

export async function listFiles(db: Db, range: { from?: FileDate; to?: FileDate } = {}): Promise<FileRecord[]> {
  let query = table(db, 'file').selectAll();
  if (range.from) query = query.where('file_date', '>=', range.from);
  if (range.to) query = query.where('file_date', '<=', range.to);
  const rows = await query.orderBy('file_date').orderBy('id').execute();
  return rows.map(toRecord);
}

/**
 * The version in play for a date and type: the newest one not rejected or abandoned. Extra Customer
 * batches of the day are their own files: named by `batchId`, they are left out otherwise.
 */
export function liveFile(files: readonly FileRecord[], fileType: string, batchId: string | null = null): FileRecord | undefined {
  return files.filter((f) => f.fileType === fileType && f.batchId === batchId && !REPLACEABLE_STATUSES.includes(f.status)).at(-1);
}

/** The next unused version (per batch); versions of rejected and abandoned files count, so a number is never reused. */
export async function nextVersion(db: Db, fileDate: FileDate, fileType: string, batchId: string | null = null): Promise<number> {
  let query = table(db, 'file')
    .select(sql<number>`coalesce(max(version), 0)`.as('max'))
    .where('file_date', '=', fileDate).where('file_type', '=', fileType);
  query = batchId === null ? query.where('batch_id', 'is', null) : query.where('batch_id', '=', batchId);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.max) + 1;
}

export async function recordBuiltFiles(
  db: Kysely<any>,
  runId: string,
  files: readonly NewFile[],
  clock: Clock,
  /** More to record in the same transaction (the rows each file carries). */
  alsoRecord?: (trx: Transaction<any>, files: FileRecord[]) => Promise<void>,
): Promise<FileRecord[]> {
  if (files.length === 0) return [];
  const now = clock.now().toISO();
  try {
    return await db.transaction().execute(async (trx) => {
      const rows = await trx.withSchema(STATE_SCHEMA).insertInto('file').values(files.map((f) => ({
        file_date: f.fileDate, file_type: f.fileType, version: f.version, name: f.name, status: 'built',
        sha256: f.sha256, row_count: f.rows, byte_count: f.bytes, archive_path: f.archivePath, remote_path: f.remotePath,
        run_id: runId, built_at: now, updated_at: now, batch_id: f.batchId ?? null,
      }))).returningAll().execute();
      const records = rows.map(toRecord);
      await alsoRecord?.(trx, records);
      return records;
    });
  } catch (cause) {
    if ((cause as { code?: string }).code === '23505') {
      throw new LeadEtlError('STATE_CONSTRAINT', `another run recorded ${files.map((f) => f.name).join(', ')} first; nothing was changed, run again to pick up its files`, { cause });
    }
    throw cause;
  }
}

/** Moves a file from `from` to `to` only if it is still in `from`; the database checks the transition. */
export async function moveFile(
  db: Db,
  file: FileRecord,
  from: FileStatus,
  to: FileStatus,
  clock: Clock,
  patch: { reason?: string; remotePath?: string; uploadTempName?: string; changedBy?: string } = {},
): Promise<FileRecord> {
  const now = clock.now().toISO()!;
  const stamps: Record<string, string> =
    to === 'uploading' ? { upload_started_at: now } : to === 'uploaded' ? { uploaded_at: now } : to === 'validated' || to === 'rejected' ? { acknowledged_at: now } : {};
  let row;
  try {
    row = await db.withSchema(STATE_SCHEMA).updateTable('file')
      .set({
        status: to, updated_at: now, ...stamps, changed_by: patch.changedBy ?? null,
        ...(patch.reason !== undefined ? { reason: patch.reason } : {}),
        ...(patch.remotePath ? { remote_path: patch.remotePath } : {}),
        ...(patch.uploadTempName ? { upload_temp_name: patch.uploadTempName } : {}),
      })
      .where('id', '=', file.id).where('status', '=', from)
      .returningAll().executeTakeFirst();
  } catch (cause) {
    if (isLeadEtlError(cause)) throw cause; // the state database itself is gone: say so, not "a transition"
    throw new LeadEtlError('STATE_TRANSITION', `cannot move ${file.name} from ${from} to ${to}: ${(cause as Error).message}`, { cause });
  }
  if (!row) {
    throw new LeadEtlError('STATE_CAS_LOST', `${file.name} is no longer ${from} (another process moved it); run again to see its state`);
  }
  return toRecord(row);
}

export interface Acknowledgement {
  readonly fileDate: FileDate;
  readonly workflow: string;
  readonly outcome: 'validated' | 'rejected';
  readonly source: string;
  readonly fileName?: string;
  readonly note?: string;
}

/** Records an acknowledgement and moves the uploaded files it covers, in one transaction. */
export async function recordAcknowledgement(
  db: Kysely<any>, ack: Acknowledgement, files: readonly FileRecord[], clock: Clock,
  /** Called inside the transaction, before it commits (a fault harness stops the process there). */
  whileOpen?: () => void | Promise<void>,
): Promise<FileRecord[]> {
  return db.transaction().execute(async (trx) => {
    await trx.withSchema(STATE_SCHEMA).insertInto('acknowledgement').values({
      file_date: ack.fileDate, workflow: ack.workflow, outcome: ack.outcome, source: ack.source,
      file_name: ack.fileName ?? null, note: ack.note ?? null, recorded_at: clock.now().toISO(),
    }).execute();
    const moved: FileRecord[] = [];
    for (const file of files) {
      moved.push(await moveFile(trx, file, 'uploaded', ack.outcome, clock, ack.note ? { reason: ack.note } : {}));
    }
    await whileOpen?.();
    return moved;
  });
}

/** A date is sent when it has files and every daily file in play for it has reached Lead (uploaded or validated). */
export function isDateSent(files: readonly FileRecord[]): boolean {
  const live = files.filter((f) => f.batchId === null && !REPLACEABLE_STATUSES.includes(f.status));
  return live.length > 0 && live.every((f) => f.status === 'uploaded' || f.status === 'validated');
}

/** True when Lead has or may have this version (its rows count as submitted). */
export const isSent = (file: Pick<FileRecord, 'status'>): boolean => SENT_STATUSES.includes(file.status);

/** A date is validated when it has files and every daily file in play for it is validated. */
export function isDateValidated(files: readonly FileRecord[]): boolean {
  const live = files.filter((f) => f.batchId === null && !REPLACEABLE_STATUSES.includes(f.status));
  return live.length > 0 && live.every((f) => f.status === 'validated');
}

/**
 * Runs of a date that never recorded an outcome (the process was killed, or lost its state database)
 * are closed as failed by the next run of the date, which holds the date's lock: no other process can
 * still be working on them.
 */
export async function closeInterruptedRuns(db: Db, fileDate: FileDate, exceptRunId: string, clock: Clock): Promise<number> {
  const closed = await db.withSchema(STATE_SCHEMA).updateTable('run')
    .set({ finished_at: clock.now().toISO(), outcome: 'failed', summary: 'interrupted: the process ended before it recorded an outcome' })
    .where('file_date', '=', fileDate).where('outcome', 'is', null).where('run_id', '<>', exceptRunId)
    .returning('run_id').execute();
  return closed.length;
}

/**
 * When what Lead has of the dates before `fileDate` last changed: a version of them reached Lead
 * (uploaded) or stopped counting (rejected, superseded). A version of `fileDate` built before then was
 * built against another history, and is rebuilt rather than sent stale.
 */
export async function historyChangedAt(db: Db, fileDate: FileDate): Promise<string | null> {
  const row = await sql<{ at: Date | string | null }>`
    select max(greatest(uploaded_at, case when status in ('rejected', 'superseded') then updated_at end)) as at
    from lead_etl.file where file_date < ${fileDate}`.execute(db);
  return iso(row.rows[0]?.at ?? null);
}
