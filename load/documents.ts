import { existsSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Clock } from '../core/clock.js';
import { LeadEtlError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { RemoteStore } from './remote-store.js';
import { sha256OfFile } from './archive.js';
import type { FileRecord } from './state/state-store.js';

/**
 * Compliance documents: files in the configured documents folder that Applications and Accounts rows
 * name by file name. Each is uploaded once to Lead's documents folder, before the first file that
 * references it, and remembered so it is never sent twice.
 */
type Db = Kysely<any> | Transaction<any>;

export interface DocumentReference {
  readonly documentId: string;
  readonly fileType: string;
  readonly recordId: string;
  readonly column: string;
}

/** The references whose file is not in the documents folder (or every one, when no folder is set). */
export function missingDocuments(dir: string | undefined, references: readonly DocumentReference[]): DocumentReference[] {
  return references.filter((ref) => !dir || !existsSync(join(dir, ref.documentId)) || !statSync(join(dir, ref.documentId)).isFile());
}

export async function recordFileDocuments(trx: Db, file: FileRecord, documentIds: readonly string[]): Promise<void> {
  if (documentIds.length === 0) return;
  await trx.withSchema('lead_etl').insertInto('file_document')
    .values([...new Set(documentIds)].map((document_id) => ({ file_id: file.id, document_id })))
    .execute();
}

/** Uploads the documents `file` references that Lead does not have yet. */
export async function uploadDocumentsFor(args: {
  db: Kysely<any>;
  file: FileRecord;
  remote: RemoteStore;
  documentsDir: string | undefined;
  remoteDir: string;
  clock: Clock;
  logger: Logger;
}): Promise<number> {
  const { db, file, remote, remoteDir, clock } = args;
  const pending = await sql<{ document_id: string }>`
    select fd.document_id from lead_etl.file_document fd
    where fd.file_id = ${file.id} and not exists (select 1 from lead_etl.document d where d.document_id = fd.document_id)
    order by fd.document_id`.execute(db);
  for (const { document_id: id } of pending.rows) {
    if (!args.documentsDir || !existsSync(join(args.documentsDir, id))) {
      throw new LeadEtlError('SFTP_OPERATION', `document ${id} referenced by ${file.name} is no longer in the documents folder; restore it, then run again`);
    }
    const localPath = join(args.documentsDir, id);
    const bytes = statSync(localPath).size;
    const remotePath = posix.join(remoteDir, id);
    const found = await remote.stat(remotePath);
    if (found && found.size !== bytes) {
      throw new LeadEtlError('SFTP_REMOTE_EXISTS', `${remotePath} already exists on the server with another size; a document name must not be reused for other content`);
    }
    if (!found) await remote.putAtomically({ localPath, remoteDir, remoteName: id, expectedBytes: bytes });
    await db.withSchema('lead_etl').insertInto('document').values({
      document_id: id, sha256: await sha256OfFile(localPath), byte_count: bytes, remote_path: remotePath, uploaded_at: clock.now().toISO(),
    }).execute();
    args.logger.info({ file: file.name, document: id, bytes }, 'document uploaded');
  }
  return pending.rows.length;
}
