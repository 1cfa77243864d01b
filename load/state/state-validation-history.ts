import { createReadStream, existsSync } from 'node:fs';
import { parse } from 'csv-parse';
import { sql, type Kysely, type Transaction } from 'kysely';
import { DateTime } from 'luxon';
import type { FileDate } from '../../core/file-date.js';
import { directionOf } from '../../transform/file-type-spec.js';
import { FILE_TYPES, fileTypeById, type FileTypeId } from '../../transform/file-types/registry.js';
import type { PriorBalance, PriorVersion, ValidationHistory } from '../../transform/validation/validation-history.js';
import { REPLACEABLE_STATUSES } from './file-status.js';
import { filesForDate, isSent, liveFile } from './state-store.js';
import { countsAsSubmitted, latestCounted, submittedTypes } from './submitted-records.js';

/**
 * What the state store knows of earlier sends, in the shape the validator asks for, so a run checks its
 * files against everything sent before them: ids already used, the last version of a re-sent record,
 * yesterday's balances for the roll-forward, the files recorded for a date. History is complete from the
 * program's Day 0 when lead-etl sent that date; otherwise it answers what it knows and claims nothing more.
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
  const covers = new Set<FileTypeId>(
    complete ? FILE_TYPES.filter((s) => s.produces?.complete === 'from-day0' && programFileTypes.includes(s.id)).map((s) => s.id) : [],
  );

  // Asked per batch of rows: a launch day has no record of any type, and its look-ups need not ask an empty index each time.
  const anySubmitted = submittedTypes(db);
  return {
    covers,
    async knownIds(fileType, ids) {
      if (ids.length === 0) return new Set();
      // Lead's own files are not submitted: their rows are kept as Lead posted them (the Sales Request's).
      if (directionOf(fileTypeById(fileType)) === 'inbound') {
        const rows = await sql<{ sale_id: string }>`select sale_id from lead_etl.sales_request_row where sale_id = any(${[...ids]}::text[])`.execute(db);
        return new Set(rows.rows.map((r) => r.sale_id));
      }
      if (!(await anySubmitted(fileType))) return new Set();
      // One index probe per id, stopping at the first version that counts (newest first).
      const rows = await sql<{ record_id: string }>`
        select wanted.record_id from unnest(${[...new Set(ids)]}::text[]) as wanted(record_id)
        where exists (
          select from lead_etl.submitted_record s join lead_etl.file f on f.id = s.file_id
          where s.file_type = ${fileType} and s.record_id = wanted.record_id and ${counted})`.execute(db);
      return new Set(rows.rows.map((r) => r.record_id));
    },
    async lastVersions(fileTypeId, keys) {
      const found = new Map<string, PriorVersion>();
      if (keys.length === 0 || !(await anySubmitted(fileTypeId))) return found;
      const ids = keys.map((key) => key.split(' + ').join('/'));
      const rows = await sql<{ record_id: string; effective_at: Date | string | null; terminal: boolean; content_hash: string | null }>`
        select s.record_id, s.effective_at, s.terminal, s.content_hash ${latestCounted(fileTypeId, ids, counted)}`.execute(db);
      for (const row of rows.rows) {
        const effectiveAt = row.effective_at === null ? undefined : row.effective_at instanceof Date ? DateTime.fromJSDate(row.effective_at).toISO()! : String(row.effective_at);
        found.set(row.record_id.split('/').join(' + '), {
          terminal: Boolean(row.terminal), ...(effectiveAt ? { effectiveAt } : {}), ...(row.content_hash ? { contentHash: String(row.content_hash) } : {}),
        });
      }
      return found;
    },
    // Customer types, holders and the like are not kept; the rules needing them look at the files given.
    facts: async () => new Map(),
    async balancesOf(fileDate) {
      const live = liveFile(await filesForDate(db, fileDate as FileDate), 'balances');
      if (!live || !existsSync(live.archivePath)) return undefined;
      // The amounts are read from the archived file (streamed): the state store keeps no amounts.
      const rows = createReadStream(live.archivePath).pipe(parse({ delimiter: '|', columns: true })) as AsyncIterable<Record<string, string>>;
      return (async function* (): AsyncGenerator<readonly [string, PriorBalance]> {
        for await (const row of rows) {
          const amounts = Object.fromEntries(Object.entries(row).filter(([name, value]) => value !== '' && /balance$|^outstanding_/.test(name)));
          yield [row.client_balance_id || row.id || '', { type: row.type === 'credit' ? 'credit' : 'deposit', status: row.status ?? '', amounts }];
        }
      })();
    },
    async sentFiles(fileDate) {
      return (await filesForDate(db, fileDate as FileDate)).map((f) => ({
        name: f.name, fileType: f.fileType, sha256: f.sha256, ...(f.batchId ? { batchId: f.batchId } : {}),
        live: !REPLACEABLE_STATUSES.includes(f.status), ...(f.status === 'validated' ? { validated: true } : {}),
      }));
    },
  };
}
