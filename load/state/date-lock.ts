import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../../core/database.js';
import { LeadEtlError } from '../../core/errors.js';

/**
 * One actor per date: on PostgreSQL a session advisory lock, held by one connection for the whole run,
 * so two processes (daemons, an operator's run, a backfill) never act on the same date at once. If the
 * holder dies, its connection closes and PostgreSQL releases the lock. PGlite is embedded in one process
 * and cannot be shared, so there is nothing to lock there.
 *
 * Every command that acts on a date takes `withDateLock(state, dateScope(T), ...)` itself; a command that
 * calls another under the same lock (rerun runs the date, backfill runs each date) re-enters it, since the
 * scopes held are carried with the async call chain.
 */
export function lockKey(scope: string): bigint {
  return createHash('sha256').update(`lead-etl:${scope}`).digest().readBigInt64BE(0);
}

/** The lock scope of a file date, shared by every command acting on it (run, rerun, backfill, batch...). */
export const dateScope = (fileDate: string): string => `date:${fileDate}`;

const held = new AsyncLocalStorage<ReadonlySet<string>>();

export async function withDateLock<T>(state: Database, scope: string, fn: () => Promise<T>): Promise<T> {
  const current = held.getStore() ?? new Set<string>();
  if (current.has(scope)) return fn();
  const inside = () => held.run(new Set([...current, scope]), fn);
  if (state.driver !== 'postgres') return inside();
  const key = lockKey(scope);
  return state.db.connection().execute(async (conn) => {
    const got = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${key}) as locked`.execute(conn);
    if (!got.rows[0]?.locked) {
      throw new LeadEtlError('LOCK_HELD', `another lead-etl process is working on ${scope}; try again when it has finished`);
    }
    try {
      return await inside();
    } finally {
      // When the connection itself was lost, PostgreSQL released the lock with it; the original
      // failure is the one to report.
      await sql`select pg_advisory_unlock(${key})`.execute(conn).catch(() => undefined);
    }
  });
}
