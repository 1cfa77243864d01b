import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { sql, type Kysely, type Transaction } from 'kysely';
import { DateTime } from 'luxon';
import type { FileDate } from '../../core/file-date.js';
import type { CustomerFacts, PriorBalance, PriorVersion, RecordKind, ValidationHistory } from '../../transform/validation/validation-history.js';
import { RECORD_SOURCES } from '../../transform/validation/stage-4-cross.js';
import { REPLACEABLE_STATUSES } from './file-status.js';
import { filesForDate, isSent, liveFile } from './state-store.js';
import { countsAsSubmitted } from './submitted-records.js';

/**
 * What the state store knows of earlier sends, in the shape the validator asks for, so a run checks its
 * files against everything sent before them: ids already used, the last version of a re-sent record,
 * yesterday's balances for the roll-forward. History is complete from the program's Day 0 when lead-etl
 * sent that date; otherwise it answers what it knows and claims nothing more.
 */
type Db = Kysely<any> | Transaction<any>;

export async function stateValidationHistory(
  db: Db,
  firstFileDate: FileDate | undefined,
  programFileTypes: readonly string[],
  /** The date whose files are being checked: its own versions in play count beside what Lead has. */
  fileDate?: FileDate,
): Promise<ValidationHistory> {
  // Sent means received: history is complete from Day 0 only once a version of Day 0 counts (see countsAsSubmitted).
  const day0 = firstFileDate ? await filesForDate(db, firstFileDate) : [];
  const complete = day0.some((f) => isSent(f) || ((fileDate === undefined || fileDate === firstFileDate) && !REPLACEABLE_STATUSES.includes(f.status)));
  const counted = countsAsSubmitted(fileDate);
  const covers = new Set<RecordKind>(
    complete ? RECORD_SOURCES.filter((s) => s.complete === 'from-day0' && programFileTypes.includes(s.fileType)).map((s) => s.kind) : [],
  );
  const fileTypeOf = (kind: RecordKind) => RECORD_SOURCES.find((s) => s.kind === kind)?.fileType;

  return {
    covers,
    async knownIds(kind, ids) {
      const fileType = fileTypeOf(kind);
      if (!fileType || ids.length === 0) return new Set();
      if (kind === 'sale') {
        const rows = await sql<{ sale_id: string }>`select sale_id from lead_etl.sales_request_row where sale_id = any(${[...ids]}::text[])`.execute(db);
        return new Set(rows.rows.map((r) => r.sale_id));
      }
      const rows = await sql<{ record_id: string }>`
        select distinct s.record_id from lead_etl.submitted_record s join lead_etl.file f on f.id = s.file_id
        where s.file_type = ${fileType} and s.record_id = any(${[...ids]}::text[]) and ${counted}`.execute(db);
      return new Set(rows.rows.map((r) => r.record_id));
    },
    async lastVersions(fileTypeId, keys) {
      const found = new Map<string, PriorVersion>();
      if (keys.length === 0) return found;
      const ids = keys.map((key) => key.split(' + ').join('/'));
      const rows = await sql<{ record_id: string; effective_at: Date | string | null; terminal: boolean }>`
        select distinct on (s.record_id) s.record_id, s.effective_at, s.terminal
        from lead_etl.submitted_record s join lead_etl.file f on f.id = s.file_id
        where s.file_type = ${fileTypeId} and s.record_id = any(${ids}::text[]) and ${counted}
        order by s.record_id, s.file_id desc`.execute(db);
      for (const row of rows.rows) {
        const effectiveAt = row.effective_at === null ? undefined : row.effective_at instanceof Date ? DateTime.fromJSDate(row.effective_at).toISO()! : String(row.effective_at);
        found.set(row.record_id.split('/').join(' + '), { terminal: Boolean(row.terminal), ...(effectiveAt ? { effectiveAt } : {}) });
      }
      return found;
    },
    async customers() {
      // Customer types and roles are not kept; the holder rules then look only at the files given.
      return new Map<string, CustomerFacts>();
    },
    async balancesOf(fileDate) {
      const live = liveFile(await filesForDate(db, fileDate as FileDate), 'balances');
      if (!live || !existsSync(live.archivePath)) return undefined;
      const rows = parse(await readFile(live.archivePath, 'utf8'), { delimiter: '|', columns: true }) as Record<string, string>[];
      const balances = new Map<string, PriorBalance>();
      for (const row of rows) {
        const amounts = Object.fromEntries(Object.entries(row).filter(([name, value]) => value !== '' && /balance$|^outstanding_/.test(name)));
        balances.set(row.client_balance_id || row.id || '', { type: row.type === 'credit' ? 'credit' : 'deposit', status: row.status ?? '', amounts });
      }
      return balances;
    },
  };
}
