import type { Kysely, Transaction } from 'kysely';
import { DateTime } from 'luxon';
import type { FileDate } from '../../core/file-date.js';
import { STATE_SCHEMA } from './migrations.js';

/**
 * What was recorded about Lead's answers and about the runs of each date, read for the status picture
 * (`lead-etl status`): who recorded an answer (Slack, an operator, the sandbox) and what the latest run
 * of a date said and found.
 */
type Db = Kysely<any> | Transaction<any>;

const iso = (value: unknown): string | null =>
  value === null || value === undefined ? null : value instanceof Date ? DateTime.fromJSDate(value).toUTC().toISO()! : DateTime.fromISO(String(value).replace(' ', 'T'), { setZone: true }).toUTC().toISO() ?? String(value);

export interface RecordedAnswer {
  readonly fileDate: FileDate;
  readonly workflow: string;
  readonly outcome: 'validated' | 'rejected';
  readonly source: string;
  readonly fileName: string | null;
  readonly note: string | null;
  readonly recordedAt: string;
}

export async function answersBetween(db: Db, range: { from?: FileDate; to?: FileDate }): Promise<RecordedAnswer[]> {
  let query = db.withSchema(STATE_SCHEMA).selectFrom('acknowledgement').selectAll();
  if (range.from) query = query.where('file_date', '>=', range.from);
  if (range.to) query = query.where('file_date', '<=', range.to);
  const rows = await query.orderBy('id').execute();
  return rows.map((r) => ({
    fileDate: String(r.file_date) as FileDate, workflow: r.workflow, outcome: r.outcome, source: r.source,
    fileName: r.file_name ?? null, note: r.note ?? null, recordedAt: iso(r.recorded_at)!,
  }));
}

export interface LatestRun {
  readonly runId: string;
  readonly fileDate: FileDate;
  readonly command: string;
  readonly outcome: 'ok' | 'waiting' | 'failed' | null;
  readonly summary: string | null;
  readonly startedAt: string;
  /** Problems the run recorded, per file type. */
  readonly problems: Readonly<Record<string, number>>;
}

/** The latest daily run (`run`, `rerun`, backfill, the daemon) of each date in the range. */
export async function latestRunsBetween(db: Db, range: { from?: FileDate; to?: FileDate }): Promise<LatestRun[]> {
  let query = db.withSchema(STATE_SCHEMA).selectFrom('run')
    .select(['run_id', 'file_date', 'command', 'outcome', 'summary', 'started_at'])
    .distinctOn('file_date')
    .where('file_date', 'is not', null)
    .where('command', '=', 'run');
  if (range.from) query = query.where('file_date', '>=', range.from);
  if (range.to) query = query.where('file_date', '<=', range.to);
  const runs = await query.orderBy('file_date').orderBy('started_at', 'desc').orderBy('run_id', 'desc').execute();
  if (runs.length === 0) return [];
  const counts = await db.withSchema(STATE_SCHEMA).selectFrom('run_problem')
    .select(['run_id', 'file_type', (eb) => eb.fn.countAll<string>().as('n')])
    .where('run_id', 'in', runs.map((r) => r.run_id))
    .groupBy(['run_id', 'file_type'])
    .execute();
  return runs.map((r) => ({
    runId: r.run_id, fileDate: String(r.file_date) as FileDate, command: r.command, outcome: r.outcome ?? null, summary: r.summary ?? null,
    startedAt: iso(r.started_at)!,
    problems: Object.fromEntries(counts.filter((c) => c.run_id === r.run_id).map((c) => [c.file_type, Number(c.n)])),
  }));
}
