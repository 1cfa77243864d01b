import type { Database, Row } from '../../core/database.js';
import { activityWindow, type FileDate } from '../../core/file-date.js';
import { loadPartnerQuery, streamPartnerRows } from '../../extract/partner-query.js';
import { REFERENCE_LEDGER_QUERIES_DIR } from '../../reference-program/paths.js';
import { REFERENCE_LEDGER_FILE_TYPES } from '../../reference-program/file-types.js';
import { fileTypeById } from '../../transform/file-types/registry.js';

/** The rows of every Lead file for one file date, read from the reference ledger in one snapshot. */
export type DayFiles = Record<string, Row[]>;

export async function extractFiles(database: Database, fileDate: FileDate, authorizedUsersIn: 'accounts_column' | 'authorized_users_file' = 'accounts_column'): Promise<DayFiles> {
  const window = activityWindow(fileDate);
  const queries = await Promise.all(REFERENCE_LEDGER_FILE_TYPES.map(fileTypeById)
    .map((spec) => loadPartnerQuery(REFERENCE_LEDGER_QUERIES_DIR, { ...spec, queryParameters: { authorized_users_in: authorizedUsersIn } })));
  return database.db.transaction().execute(async (trx) => {
    const files: DayFiles = {};
    for (const query of queries) {
      const rows: Row[] = [];
      for await (const row of streamPartnerRows(database, trx, query, window)) rows.push(row);
      files[query.fileType] = rows;
    }
    return files;
  });
}
