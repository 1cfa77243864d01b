import { CompiledQuery } from 'kysely';
import type { Database } from '../core/database.js';
import { activityWindow, addDays, type FileDate } from '../core/file-date.js';
import { fileName, type ProgramFileType } from '../transform/program-file-types.js';
import type { DaySize } from './generate-day.js';

/**
 * A state store as it stands after `days` dates were sent and validated before `fileDate`, made in SQL
 * (generate_series), so a run can be measured against 60 days of history in minutes instead of 60 runs.
 * Each date has the run's own size and the worst case for lookups: every customer, account and card is
 * re-sent (a new version) every day, every balance is in every snapshot under the same id, and each day
 * has its own N transactions (each with the settlement date Transactions Update tracks). The records
 * of the measured date reuse the ids of customers, accounts, cards and balances, so its lookups find
 * 60 versions of each, of which the newest counts.
 */
export interface FillSummary {
  readonly files: number;
  readonly records: number;
  readonly seconds: number;
}

/** The records each file type carries on a filled date: the record-id prefix and row count, as generate-day.ts makes them. */
function recordsOf(fileType: string, size: DaySize, day: number): { ids: string; rows: number; hashed: boolean; tracked?: boolean } | undefined {
  const id = (prefix: string, width: number) => `'${prefix}' || lpad(g::text, ${width}, '0')`;
  switch (fileType) {
    case 'customer': return { ids: id('cus_', 8), rows: size.customers, hashed: true };
    case 'accounts': return { ids: id('acc_', 8), rows: size.customers, hashed: true };
    case 'cards': return { ids: id('crd_', 8), rows: size.customers, hashed: true };
    case 'balances': return { ids: id('bal_', 8), rows: size.balances, hashed: false };
    case 'transactions': return { ids: id(`txn_d${String(day).padStart(3, '0')}_`, 10), rows: size.transactions, hashed: false, tracked: true };
    case 'non_posted_transactions': return { ids: id(`txn_p${String(day).padStart(3, '0')}_`, 10), rows: size.pending, hashed: false };
    default: return undefined;
  }
}

export async function fillStateHistory(
  database: Database, args: { fileDate: FileDate; days: number; size: DaySize; types: readonly ProgramFileType[]; archiveDir: string; remoteRoot: string },
): Promise<FillSummary> {
  const started = performance.now();
  const exec = (text: string) => database.db.executeQuery(CompiledQuery.raw(text));
  const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;
  let files = 0;
  let records = 0;
  await exec(`insert into lead_etl.run (run_id, command, started_at, finished_at, outcome, summary)
              values ('bench-fill', 'bench fill', now(), now(), 'ok', 'synthetic history of the benchmark')`);
  for (let day = 1; day <= args.days; day += 1) {
    const date = addDays(args.fileDate, day - args.days - 1);
    const window = activityWindow(date);
    const at = `${quote(window.start.toUTC().toISO()!)}::timestamptz`;
    for (const type of args.types) {
      const carried = recordsOf(type.spec.id, args.size, day);
      const rows = carried?.rows ?? 0;
      const name = fileName(date, type, 1);
      const { rows: inserted } = await database.db.executeQuery<{ id: string }>(CompiledQuery.raw(`
        insert into lead_etl.file (file_date, file_type, version, name, status, sha256, row_count, byte_count, archive_path, remote_path,
                                   run_id, built_at, upload_started_at, uploaded_at, acknowledged_at, updated_at)
        values ('${date}', ${quote(type.spec.id)}, 1, ${quote(name)}, 'validated', '${'0'.repeat(64)}', ${rows}, ${100 + rows * 100},
                ${quote(`${args.archiveDir}/${date}/${name}`)}, ${quote(`${args.remoteRoot}/${type.spec.folder}/${name}`)},
                'bench-fill', ${at} + interval '1 day', ${at} + interval '1 day', ${at} + interval '1 day', ${at} + interval '1 day 1 hour', ${at} + interval '1 day 1 hour')
        returning id`));
      files += 1;
      if (!carried || rows === 0) continue;
      const id = String(inserted[0]!.id);
      await exec(`
        insert into lead_etl.submitted_record (file_id, file_type, record_id, content_hash, effective_at, terminal, tracked)
        select ${id}, ${quote(type.spec.id)}, ${carried.ids},
               ${carried.hashed ? `md5(${day} || ':' || g) || md5(g || ':' || ${day})` : 'null'},
               ${type.spec.effectiveAtColumn ? `${at} + make_interval(secs => g % 86000)` : 'null'},
               false,
               ${carried.tracked ? `jsonb_build_object('settlement_date', '${window.activityDate}')` : 'null'}
        from generate_series(1, ${rows}) g`);
      records += rows;
    }
  }
  // What 60 days of autovacuum and checkpoints would have done by now, so the measured run does not share
  // the disk with the maintenance of a gigabyte written a moment ago (an insert-triggered vacuum, a checkpoint).
  await exec('vacuum (analyze) lead_etl.file');
  await exec('vacuum (analyze) lead_etl.submitted_record');
  await exec('checkpoint').catch(() => undefined);
  return { files, records, seconds: (performance.now() - started) / 1000 };
}
