import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { parseFileDate } from '../../core/file-date.js';
import {
  assertStateStoreReady, filesForDate, isDateValidated, liveFile, migrateStateStore, moveFile, nextVersion,
  recordAcknowledgement, recordBuiltFiles, startRun, type NewFile,
} from '../../load/state/state-store.js';
import { FILE_STATUSES, FILE_TRANSITIONS } from '../../load/state/file-status.js';
import { databaseKinds, freshDatabase, type FreshDatabase } from '../support/databases.js';

const clock = fixedClock('2026-03-09T07:00:00Z');
const date = parseFileDate('2026-03-09');

function built(fileType: string, version: number): NewFile {
  const name = `${date}_${fileType}_V${version}.csv`;
  return { fileDate: date, fileType, version, name, sha256: 'a'.repeat(64), rows: 3, bytes: 120, archivePath: `/archive/${name}`, remotePath: `/${fileType}/${name}` };
}

describe.each(databaseKinds)('state store on %s', (kind) => {
  let fresh: FreshDatabase;
  beforeAll(async () => {
    fresh = await freshDatabase(kind);
    const result = await migrateStateStore(fresh.database.db);
    expect(result.error).toBeUndefined();
    await startRun(fresh.database.db, { runId: 'run-1', command: 'test' }, clock);
  });
  afterAll(() => fresh?.dispose());

  it('holds in the database exactly the statuses and transitions the code declares', async () => {
    const db = fresh.database.db;
    const statuses = await sql<{ status: string }>`select status from lead_etl.file_status order by status`.execute(db);
    expect(statuses.rows.map((r) => r.status)).toEqual([...FILE_STATUSES].sort());
    const moves = await sql<{ from_status: string; to_status: string }>`select from_status, to_status from lead_etl.file_transition order by 1, 2`.execute(db);
    expect(moves.rows.map((r) => [r.from_status, r.to_status])).toEqual([...FILE_TRANSITIONS].map(([a, b]) => [a, b]).sort());
  });

  it('is ready after migrate, and migrating again does no harm', async () => {
    const again = await migrateStateStore(fresh.database.db);
    expect(again.results).toEqual([]);
    await assertStateStoreReady(fresh.database.db);
  });

  it('records files with their checksum, size and rows, and numbers versions from 1', async () => {
    expect(await nextVersion(fresh.database.db, date, 'balances')).toBe(1);
    const [file] = await recordBuiltFiles(fresh.database.db, 'run-1', [built('balances', 1)], clock);
    expect(file).toMatchObject({ fileType: 'balances', version: 1, status: 'built', rows: 3, bytes: 120, builtAt: '2026-03-09T07:00:00.000Z' });
    expect(await nextVersion(fresh.database.db, date, 'balances')).toBe(2);
  });

  it('refuses a second file in play for the same date and type, and a reused version', async () => {
    await expect(recordBuiltFiles(fresh.database.db, 'run-1', [built('balances', 2)], clock)).rejects.toMatchObject({ code: 'STATE_CONSTRAINT' });
    await expect(recordBuiltFiles(fresh.database.db, 'run-1', [built('balances', 1)], clock)).rejects.toMatchObject({ code: 'STATE_CONSTRAINT' });
  });

  it('lets the database refuse a skipped step, an edited checksum and a delete', async () => {
    const db = fresh.database.db;
    await expect(sql`update lead_etl.file set status = 'validated' where file_type = 'balances'`.execute(db)).rejects.toThrow(/built -> validated is not an allowed transition/);
    await expect(sql`update lead_etl.file set sha256 = ${'b'.repeat(64)} where file_type = 'balances'`.execute(db)).rejects.toThrow(/never change/);
    await expect(sql`delete from lead_etl.file`.execute(db)).rejects.toThrow(/never deleted/);
  });

  it('moves a file only from the status the caller saw, and logs every move', async () => {
    const db = fresh.database.db;
    const [file] = await filesForDate(db, date);
    const uploading = await moveFile(db, file!, 'built', 'uploading', clock);
    await expect(moveFile(db, file!, 'built', 'uploading', clock)).rejects.toMatchObject({ code: 'STATE_CAS_LOST' });
    const uploaded = await moveFile(db, uploading, 'uploading', 'uploaded', clock);
    expect(uploaded.uploadedAt).toBe('2026-03-09T07:00:00.000Z');
    const events = await sql<{ to_status: string }>`select to_status from lead_etl.file_event where file_id = ${file!.id} order by id`.execute(db);
    expect(events.rows.map((r) => r.to_status)).toEqual(['built', 'uploading', 'uploaded']);
  });

  it('after a rejection, the next version is 2 and may be recorded; the date is validated only when every file in play is', async () => {
    const db = fresh.database.db;
    let files = await filesForDate(db, date);
    await recordAcknowledgement(db, { fileDate: date, workflow: 'financial', outcome: 'rejected', source: 'test', note: 'bad row' }, files, clock);
    expect(await nextVersion(db, date, 'balances')).toBe(2);
    const [v2] = await recordBuiltFiles(db, 'run-1', [built('balances', 2)], clock);
    files = await filesForDate(db, date);
    expect(liveFile(files, 'balances')?.version).toBe(2);
    expect(isDateValidated(files)).toBe(false);
    const up = await moveFile(db, await moveFile(db, v2!, 'built', 'uploading', clock), 'uploading', 'uploaded', clock);
    await recordAcknowledgement(db, { fileDate: date, workflow: 'financial', outcome: 'validated', source: 'test' }, [up], clock);
    expect(isDateValidated(await filesForDate(db, date))).toBe(true);
  });
});
