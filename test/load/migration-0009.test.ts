import { Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { parseFileDate } from '../../core/file-date.js';
import { STATE_SCHEMA, stateMigrations } from '../../load/state/migrations.js';
import { migrateStateStore, moveFile, recordBuiltFiles, startRun } from '../../load/state/state-store.js';
import { databaseKinds, freshDatabase, type FreshDatabase } from '../support/databases.js';

const clock = fixedClock('2026-03-09T07:00:00Z');
const date = parseFileDate('2026-03-09');

describe.each(databaseKinds)('migration 0009 (the rename step) on %s', (kind) => {
  let fresh: FreshDatabase;
  beforeAll(async () => {
    fresh = await freshDatabase(kind);
    const result = await migrateStateStore(fresh.database.db);
    expect(result.error).toBeUndefined();
    await startRun(fresh.database.db, { runId: 'run-1', command: 'test' }, clock);
  });
  afterAll(() => fresh?.dispose());

  it('lets the database refuse a skipped rename step and keep who abandoned a version in the event log', async () => {
    const db = fresh.database.db;
    const name = `${date}_balances_V1.csv`;
    const [file] = await recordBuiltFiles(db, 'run-1', [{ fileDate: date, fileType: 'balances', version: 1, name, sha256: 'a'.repeat(64), rows: 1, bytes: 10, archivePath: `/a/${name}`, remotePath: `/balances/${name}` }], clock);
    await expect(sql`update lead_etl.file set status = 'renaming' where id = ${file!.id}`.execute(db)).rejects.toThrow(/built -> renaming is not an allowed transition/);
    const uploading = await moveFile(db, file!, 'built', 'uploading', clock, { uploadTempName: `.${name}.00.part` });
    expect(uploading.uploadTempName).toBe(`.${name}.00.part`);
    const renaming = await moveFile(db, uploading, 'uploading', 'renaming', clock);
    await moveFile(db, renaming, 'renaming', 'abandoned', clock, { reason: 'not received, per Lead', changedBy: 'ops-anna' });
    const events = await sql<{ to_status: string; actor: string | null }>`select to_status, actor from lead_etl.file_event where file_id = ${file!.id} order by id`.execute(db);
    expect(events.rows).toEqual([
      { to_status: 'built', actor: null }, { to_status: 'uploading', actor: null }, { to_status: 'renaming', actor: null }, { to_status: 'abandoned', actor: 'ops-anna' },
    ]);
  });

  it('goes down to 0008 with a version caught mid-rename back as uploading, and up again', async () => {
    const db = fresh.database.db;
    const name = `${date}_accounts_V1.csv`;
    const [file] = await recordBuiltFiles(db, 'run-1', [{ fileDate: date, fileType: 'accounts', version: 1, name, sha256: 'a'.repeat(64), rows: 1, bytes: 10, archivePath: `/a/${name}`, remotePath: `/accounts/${name}` }], clock);
    await moveFile(db, await moveFile(db, file!, 'built', 'uploading', clock, { uploadTempName: 't' }), 'uploading', 'renaming', clock);
    const migrator = new Migrator({ db, provider: stateMigrations, migrationTableSchema: STATE_SCHEMA });
    const down = await migrator.migrateTo('0008_batches');
    expect(down.error).toBeUndefined();
    const row = await sql<{ status: string }>`select status from lead_etl.file where id = ${file!.id}`.execute(db);
    expect(row.rows[0]!.status).toBe('uploading');
    const statuses = await sql<{ status: string }>`select status from lead_etl.file_status order by status`.execute(db);
    expect(statuses.rows.map((r) => r.status)).not.toContain('renaming');
    const up = await migrateStateStore(db);
    expect(up.error).toBeUndefined();
    expect(up.results?.map((r) => r.migrationName)[0]).toBe('0009_renaming');
    expect(up.results?.every((r) => r.status === 'Success')).toBe(true);
  });
});
