import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database, type DatabaseTarget } from '../../core/database.js';

/**
 * Database tests run on PGlite always, and also on a real PostgreSQL server when
 * LEAD_ETL_TEST_DATABASE_URL names one (an admin URL; each fresh database is created beside it
 * and dropped afterwards, or kept when LEAD_ETL_TEST_KEEP_DB=1 so its rows can be inspected).
 */
export type DatabaseKind = DatabaseTarget['driver'];

const adminUrl = process.env.LEAD_ETL_TEST_DATABASE_URL;

export const databaseKinds: DatabaseKind[] = adminUrl ? ['pglite', 'postgres'] : ['pglite'];

export interface FreshDatabase {
  readonly kind: DatabaseKind;
  readonly target: DatabaseTarget;
  readonly database: Database;
  dispose(): Promise<void>;
}

export async function freshDatabase(kind: DatabaseKind): Promise<FreshDatabase> {
  if (kind === 'pglite') {
    const target: DatabaseTarget = { driver: 'pglite' };
    const database = await openDatabase(target);
    return { kind, target, database, dispose: () => database.close() };
  }
  if (!adminUrl) throw new Error('LEAD_ETL_TEST_DATABASE_URL is not set');
  const name = `lead_etl_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin((client) => client.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const target: DatabaseTarget = { driver: 'postgres', url: url.toString() };
  const database = await openDatabase(target);
  return {
    kind,
    target,
    database,
    async dispose() {
      await database.close();
      if (process.env.LEAD_ETL_TEST_KEEP_DB !== '1') {
        await withAdmin(async (client) => {
          // A closed pool's sockets may still be saying goodbye; forcing the drop then would hit them with
          // "terminating connection due to administrator command", an unhandled error in the test run.
          // Wait for them to go (a few seconds at most) and force only what is left after that.
          for (let attempt = 0; attempt < 50; attempt += 1) {
            const { rows } = await client.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
            if (rows[0]!.n === 0) break;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          await client.query(`drop database if exists ${name} with (force)`);
        });
      }
    },
  };
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
