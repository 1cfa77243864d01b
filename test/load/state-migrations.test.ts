import { readFileSync } from 'node:fs';
import { Migrator, sql, type Kysely, type MigrationResultSet } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeStateSchema, SCHEMA_DUMP_COMMAND, STATE_SCHEMA_DUMP } from '../../load/state/describe-schema.js';
import { STATE_SCHEMA, stateMigrations } from '../../load/state/migrations.js';
import { databaseKinds, freshDatabase, type FreshDatabase } from '../support/databases.js';

/**
 * Every migration the provider holds, whatever their number: applied one at a time from an empty store,
 * undone one at a time down to nothing, applied again. After each step the schema is the one the same
 * step gave on the way up, and an ordinary status update still works (a file inserted and moved
 * built -> uploading -> uploaded), so a down() that reports success and leaves the store broken fails here.
 */
describe.each(databaseKinds)('state store migrations on %s', (kind) => {
  let fresh: FreshDatabase;
  let migrator: Migrator;
  let names: string[];
  /** The schema after the first `level` migrations, as the way up left it. */
  const schemaAt: string[] = [];
  let files = 0;

  beforeAll(async () => {
    fresh = await freshDatabase(kind);
    migrator = new Migrator({ db: fresh.database.db, provider: stateMigrations, migrationTableSchema: STATE_SCHEMA });
    names = (await migrator.getMigrations()).map((m) => m.name);
  });
  afterAll(() => fresh?.dispose());

  /** A file row as 0001 defined it, moved along the oldest transitions; every later migration must keep this working. */
  async function moveAFile(db: Kysely<any>, level: number): Promise<void> {
    if (level === 0) return;
    files += 1;
    const name = `2026-03-09_test_${files}_V1.csv`;
    const where = `after ${names.slice(0, level).at(-1)}`;
    await sql`insert into lead_etl.run (run_id, command, started_at) values (${`run-${files}`}, 'test', now())`.execute(db);
    await sql`insert into lead_etl.file (file_date, file_type, version, name, status, sha256, row_count, byte_count,
                archive_path, remote_path, run_id, built_at, updated_at)
              values ('2026-03-09', ${`test_${files}`}, 1, ${name}, 'built', ${'a'.repeat(64)}, 3, 120,
                ${`/archive/${name}`}, ${`/test/${name}`}, ${`run-${files}`}, now(), now())`.execute(db);
    for (const [from, to] of [['built', 'uploading'], ['uploading', 'uploaded']] as const) {
      const moved = await sql`update lead_etl.file set status = ${to}, updated_at = now() where name = ${name} and status = ${from}`
        .execute(db).catch((error: Error) => { throw new Error(`${where}: ${from} -> ${to} failed: ${error.message}`); });
      expect(Number(moved.numAffectedRows), `${where}: ${from} -> ${to}`).toBe(1);
    }
    const events = await sql<{ to_status: string }>`select e.to_status from lead_etl.file_event e join lead_etl.file f on f.id = e.file_id
                                                     where f.name = ${name} order by e.id`.execute(db);
    expect(events.rows.map((e) => e.to_status), `${where}: the file's events`).toEqual(['built', 'uploading', 'uploaded']);
  }

  function expectStep(result: MigrationResultSet, name: string, direction: 'Up' | 'Down'): void {
    expect(result.error, `${name} ${direction.toLowerCase()}()`).toBeUndefined();
    expect(result.results?.map((r) => [r.migrationName, r.direction, r.status])).toEqual([[name, direction, 'Success']]);
  }

  it('applies each migration in turn, and a file still moves after each', async () => {
    const db = fresh.database.db;
    expect(names.length).toBeGreaterThan(0);
    schemaAt[0] = await describeStateSchema(db);
    for (const [index, name] of names.entries()) {
      expectStep(await migrator.migrateUp(), name, 'Up');
      schemaAt[index + 1] = await describeStateSchema(db);
      await moveAFile(db, index + 1);
    }
  });

  it(`leaves the schema committed in load/state/schema.sql (\`${SCHEMA_DUMP_COMMAND}\` rewrites it)`, () => {
    expect(schemaAt[names.length], `load/state/schema.sql is not what the migrations build: run \`${SCHEMA_DUMP_COMMAND}\` and commit it`)
      .toBe(readFileSync(STATE_SCHEMA_DUMP, 'utf8'));
  });

  it('undoes each migration in turn down to none, each down() leaving the schema its up() found, and a file still moves', async () => {
    const db = fresh.database.db;
    for (let level = names.length; level > 0; level -= 1) {
      const name = names[level - 1]!;
      expectStep(await migrator.migrateDown(), name, 'Down');
      expect(await describeStateSchema(db), `${name} down() does not restore the schema before its up()`).toBe(schemaAt[level - 1]);
      await moveAFile(db, level - 1);
    }
  });

  it('applies every migration again after they were all undone, to the same schema', async () => {
    const db = fresh.database.db;
    for (const [index, name] of names.entries()) {
      expectStep(await migrator.migrateUp(), name, 'Up');
      expect(await describeStateSchema(db), `${name} up() after its down() builds another schema`).toBe(schemaAt[index + 1]);
      await moveAFile(db, index + 1);
    }
  });
});

describe('state store migrations as frozen history', () => {
  it('import nothing but kysely, so a later change to the code cannot change what an old migration does', () => {
    const source = readFileSync(new URL('../../load/state/migrations.ts', import.meta.url), 'utf8');
    const imports = [...source.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
    expect(imports).toEqual(['kysely']);
  });
});
