import { statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import { LeadEtlError } from '../core/errors.js';
import type { FileDate } from '../core/file-date.js';
import type { Logger } from '../core/log.js';
import { createProblemLog } from '../transform/problem-log.js';
import type { ProgramFileType } from '../transform/program-file-types.js';
import { readInboundFile } from '../transform/read-inbound-file.js';
import { describeRowProblem } from '../transform/row-problem.js';
import { sha256OfFile } from './archive.js';
import type { RemoteStore } from './remote-store.js';

/**
 * Lead's daily Sales Request: found in Lead's (read-only) folder, downloaded into the archive with its
 * checksum, checked against its spec, and its rows loaded into the state store, all before any Sales
 * Response is built from it. The highest version Lead posted for the date wins.
 */
export interface LoadedSalesRequest {
  readonly name: string;
  readonly rows: number;
}

export async function loadedSalesRequest(db: Kysely<any>, fileDate: FileDate): Promise<LoadedSalesRequest | undefined> {
  const row = await db.withSchema('lead_etl').selectFrom('inbound_file').select(['name', 'row_count'])
    .where('file_date', '=', fileDate).where('file_type', '=', 'sales_request').orderBy('id', 'desc').executeTakeFirst();
  return row ? { name: row.name, rows: Number(row.row_count) } : undefined;
}

/** The loaded request rows of a date, as the JSON the Sales Response query receives in :sales_request. */
export async function salesRequestJson(db: Kysely<any>, fileDate: FileDate): Promise<string> {
  const rows = await db.withSchema('lead_etl').selectFrom('sales_request_row')
    .select(['sale_id', 'balance_id', 'start_date', 'sale_date', sql<string>`funded_amount::text`.as('funded_amount'),
      sql<string>`outstanding_principal::text`.as('outstanding_principal'), sql<string>`settled_transactions_amount::text`.as('settled_transactions_amount'),
      sql<string>`imputed_interest_accrued::text`.as('imputed_interest_accrued'), sql<string>`settlement_amount::text`.as('settlement_amount'), 'currency'])
    .where('file_date', '=', fileDate).orderBy('sale_id').execute();
  return JSON.stringify(rows);
}

export async function fetchSalesRequest(args: {
  db: Kysely<any>;
  remote: RemoteStore;
  type: ProgramFileType;
  fileDate: FileDate;
  remoteRoot: string;
  archiveDir: string;
  clock: Clock;
  logger: Logger;
}): Promise<LoadedSalesRequest | undefined> {
  const { db, remote, type, fileDate, clock } = args;
  const remoteDir = posix.join(args.remoteRoot, type.spec.folder);
  const prefix = `${fileDate}_${type.spec.token}_`;
  const candidates = (await remote.list(remoteDir)).filter((name) => name.startsWith(prefix) && name.endsWith('.csv'));
  if (candidates.length === 0) return loadedSalesRequest(db, fileDate);
  const version = (name: string) => Number(/(\d+)\.csv$/.exec(name)?.[1] ?? 0);
  const newest = candidates.sort((a, b) => version(a) - version(b)).at(-1)!;
  const already = await loadedSalesRequest(db, fileDate);
  if (already?.name === newest) return already;

  const dir = join(args.archiveDir, fileDate, 'inbound');
  await mkdir(dir, { recursive: true });
  const localPath = join(dir, newest);
  await remote.download(posix.join(remoteDir, newest), localPath);
  const problems = createProblemLog();
  const rows: Record<string, string>[] = [];
  for await (const row of readInboundFile(localPath, type.spec, problems)) rows.push(row);
  if (problems.count > 0) {
    throw new LeadEtlError('ROW_INVALID', `Lead's ${newest} does not read as a Sales Request: ${problems.problems.slice(0, 5).map(describeRowProblem).join('; ')}`);
  }
  const sha256 = await sha256OfFile(localPath);
  const { size } = statSync(localPath);
  await db.transaction().execute(async (trx) => {
    const file = await trx.withSchema('lead_etl').insertInto('inbound_file').values({
      file_date: fileDate, file_type: type.spec.id, name: newest, sha256, row_count: rows.length, byte_count: size,
      archive_path: localPath, remote_path: posix.join(remoteDir, newest), downloaded_at: clock.now().toISO(),
    }).returning('id').executeTakeFirstOrThrow();
    // A newer version of the same date replaces the rows of the older one.
    await trx.withSchema('lead_etl').deleteFrom('sales_request_row').where('file_date', '=', fileDate).execute();
    if (rows.length > 0) {
      await trx.withSchema('lead_etl').insertInto('sales_request_row').values(rows.map((r) => ({
        sale_id: r.sale_id, inbound_file_id: file.id, file_date: fileDate, balance_id: r.balance_id, start_date: r.start_date,
        sale_date: r.sale_date, funded_amount: r.funded_amount || null, outstanding_principal: r.outstanding_principal,
        settled_transactions_amount: r.settled_transactions_amount, imputed_interest_accrued: r.imputed_interest_accrued,
        settlement_amount: r.settlement_amount, currency: r.currency,
      }))).execute();
    }
  });
  args.logger.info({ fileDate, file: newest, rows: rows.length }, 'sales request loaded');
  return { name: newest, rows: rows.length };
}
