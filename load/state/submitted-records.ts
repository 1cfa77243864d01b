import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { sql, type Kysely, type Transaction } from 'kysely';
import { DateTime } from 'luxon';
import type { Clock } from '../../core/clock.js';
import type { FileDate } from '../../core/file-date.js';
import type { FileTypeSpec } from '../../transform/file-type-spec.js';
import type { PriorLookup, PriorSubmission } from '../../transform/submission-rules.js';
import { REPLACEABLE_STATUSES, SENT_STATUSES } from './file-status.js';
import type { FileRecord } from './state-store.js';
import { copyRecordsOf } from './submitted-row-spool.js';

/**
 * The record-level memory of what was sent: each file's records, taken from the rows as they were
 * written to it (submitted-row-spool.ts), so what the state store believes was sent is what the bytes
 * carried.
 */
type Db = Kysely<any> | Transaction<any>;

const list = (statuses: readonly string[]) => sql.raw(`(${statuses.map((status) => `'${status}'`).join(', ')})`);
const REPLACED = list(REPLACEABLE_STATUSES);
const SENT = list(SENT_STATUSES);

/**
 * Which versions' rows count as submitted when building `fileDate`: those Lead has or may have
 * (SENT_STATUSES), and the versions in play of that date itself (its other batches, a file of it built
 * by an earlier run), which go before anything built now. A version built and never uploaded for any
 * other date counts for nothing: it holds no record back from this date. Without a date (`lead-etl
 * validate` of files made elsewhere), every version in play counts: they go before those files would.
 */
export function countsAsSubmitted(fileDate: FileDate | undefined) {
  return fileDate
    ? sql`(f.status in ${SENT} or (f.file_date = ${fileDate} and f.status not in ${REPLACED}))`
    : sql`f.status not in ${REPLACED}`;
}

/**
 * The latest version that counts of each of `recordIds`, one index probe per id: the newest version
 * first, stopping at the first that counts, so a record sent every day (a Balances snapshot) costs the
 * same on day 60 as on day 1. `columns` are read from the version found (alias s).
 */
export function latestCounted(fileType: string, recordIds: readonly string[], counted: ReturnType<typeof countsAsSubmitted>) {
  return sql`
    from unnest(${[...new Set(recordIds)]}::text[]) as wanted(record_id)
    cross join lateral (
      select s.record_id, s.content_hash, s.effective_at, s.terminal, s.tracked
      from lead_etl.submitted_record s join lead_etl.file f on f.id = s.file_id
      where s.file_type = ${fileType} and s.record_id = wanted.record_id and ${counted}
      order by s.file_id desc
      limit 1) s`;
}

/** effective_at as the ISO 8601 text in UTC that luxon's toISO() writes, made by the server rather than per row in JS. */
const EFFECTIVE_AT_ISO = sql.raw(`to_char(s.effective_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/**
 * A run's look-ups of what was sent before (one per batch of rows). Whether the state store holds any
 * record of a type is asked once, at the first look-up of it: on a launch day nothing was, and a look-up
 * per 500 rows of a million found nothing each time. Made for one run's check: the records of the files
 * it builds go in after the check (build-date-files), and on one embedded database it reads through the
 * ledger's snapshot anyway.
 */
export function priorLookup(db: Db, scope: { fileDate?: FileDate } = {}): PriorLookup {
  const counted = countsAsSubmitted(scope.fileDate);
  const anySubmitted = submittedTypes(db);
  return async (fileType, recordIds) => {
    const found = new Map<string, PriorSubmission>();
    if (recordIds.length === 0 || !(await anySubmitted(fileType))) return found;
    const result = await sql<{ record_id: string; content_hash: string | null; effective_at: Date | string | null; terminal: boolean; tracked: unknown }>`
      select s.record_id, s.content_hash, ${EFFECTIVE_AT_ISO} as effective_at, s.terminal, s.tracked ${latestCounted(fileType, recordIds, counted)}`.execute(db);
    for (const row of result.rows) {
      found.set(row.record_id, {
        contentHash: row.content_hash === null ? null : String(row.content_hash),
        effectiveAt: row.effective_at === null ? null : row.effective_at instanceof Date ? DateTime.fromJSDate(row.effective_at).toUTC().toISO() : String(row.effective_at),
        terminal: Boolean(row.terminal),
        tracked: (typeof row.tracked === 'string' ? JSON.parse(row.tracked) : row.tracked) as Record<string, string> | null,
      });
    }
    return found;
  };
}

/**
 * Whether the state store holds any record of a file type, each type asked once: for the look-ups of
 * one check, which records nothing of its own while it runs (see priorLookup).
 */
export function submittedTypes(db: Db): (fileType: string) => Promise<boolean> {
  const asked = new Map<string, Promise<boolean>>();
  return (fileType) => {
    let any = asked.get(fileType);
    if (!any) {
      any = sql<{ any: boolean }>`select exists (select from lead_etl.submitted_record where file_type = ${fileType}) as any`.execute(db).then((r) => Boolean(r.rows[0]?.any));
      asked.set(fileType, any);
    }
    return any;
  };
}

/**
 * Records the rows of an archived file made elsewhere (`lead-etl mark-uploaded`): the one case where the
 * rows are known only from the file. Files lead-etl builds record their rows as they are written
 * (submitted-row-spool.ts).
 */
export async function recordSubmittedRows(
  db: Transaction<any>,
  file: FileRecord,
  spec: FileTypeSpec,
  trackedColumns: readonly string[],
): Promise<number> {
  const parser = createReadStream(file.archivePath).pipe(parse({ delimiter: '|', from_line: 2, relax_quotes: false }));
  return copyRecordsOf(db, spec, file.id, trackedColumns, parser as AsyncIterable<string[]>);
}

export interface LateEntry {
  readonly fileType: string;
  readonly recordId: string;
  readonly belongsToFileDate: FileDate;
}

/** Records late entries once each; returns those not known before (the newly detected). */
export async function recordLateEntries(db: Db, runId: string, entries: readonly LateEntry[], clock: Clock): Promise<LateEntry[]> {
  if (entries.length === 0) return [];
  const inserted = await db.withSchema('lead_etl').insertInto('late_entry')
    .values(entries.map((e) => ({ file_type: e.fileType, record_id: e.recordId, belongs_to_file_date: e.belongsToFileDate, detected_run_id: runId, detected_at: clock.now().toISO() })))
    .onConflict((oc) => oc.columns(['file_type', 'record_id']).doNothing())
    .returning(['record_id'])
    .execute();
  const fresh = new Set(inserted.map((r) => r.record_id as string));
  return entries.filter((e) => fresh.has(e.recordId));
}

export async function openLateEntries(db: Db): Promise<Array<LateEntry & { detectedAt: string }>> {
  const rows = await db.withSchema('lead_etl').selectFrom('late_entry').selectAll().where('resolution', 'is', null).orderBy('belongs_to_file_date').orderBy('record_id').execute();
  return rows.map((r) => ({
    fileType: r.file_type, recordId: r.record_id, belongsToFileDate: r.belongs_to_file_date as FileDate,
    detectedAt: r.detected_at instanceof Date ? DateTime.fromJSDate(r.detected_at).toUTC().toISO()! : String(r.detected_at),
  }));
}

/** Whether the entries before Day 0 were noted for this new-only type (when Day 0 was built). */
export async function hasPreDay0Baseline(db: Db, fileType: string): Promise<boolean> {
  const row = await db.withSchema('lead_etl').selectFrom('pre_day0_entry').select('record_id').where('file_type', '=', fileType).limit(1).executeTakeFirst();
  return row !== undefined;
}

export async function recordPreDay0Entries(db: Db, runId: string, rows: readonly LateEntry[]): Promise<void> {
  if (rows.length === 0) return;
  await db.withSchema('lead_etl').insertInto('pre_day0_entry')
    .values(rows.map((r) => ({ file_type: r.fileType, record_id: r.recordId, belongs_to_file_date: r.belongsToFileDate, run_id: runId })))
    .onConflict((oc) => oc.columns(['file_type', 'record_id']).doNothing())
    .execute();
}

/** The ids among `recordIds` the ledger already held before Day 0 when Day 0 was built. */
export async function knownBeforeDay0(db: Db, fileType: string, recordIds: readonly string[]): Promise<Set<string>> {
  if (recordIds.length === 0) return new Set();
  const rows = await sql<{ record_id: string }>`
    select record_id from lead_etl.pre_day0_entry where file_type = ${fileType} and record_id = any(${[...new Set(recordIds)]}::text[])`.execute(db);
  return new Set(rows.rows.map((r) => r.record_id));
}
