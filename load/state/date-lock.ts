import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../../core/database.js';
import { LeadEtlError } from '../../core/errors.js';

/**
 * One actor per date: on PostgreSQL a session advisory lock, held by one connection for the whole run,
 * so two processes (daemons, an operator's run) never act on the same date at once. If the holder dies,
 * its connection closes and PostgreSQL releases the lock. PGlite is embedded in one process and cannot
 * be shared, so there is nothing to lock there.
 */
export function lockKey(scope: string): bigint {
  return createHash('sha256').update(`lead-etl:${scope}`).digest().readBigInt64BE(0);
}

export async function withDateLock<T>(state: Database, scope: string, fn: () => Promise<T>): Promise<T> {
  if (state.driver !== 'postgres') return fn();
  const key = lockKey(scope);
  return state.db.connection().execute(async (conn) => {
    const got = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${key}) as locked`.execute(conn);
    if (!got.rows[0]?.locked) {
      throw new LeadEtlError('LOCK_HELD', `another lead-etl process is working on ${scope}; try again when it has finished`);
    }
    try {
      return await fn();
    } finally {
      await sql`select pg_advisory_unlock(${key})`.execute(conn);
    }
  });
}
