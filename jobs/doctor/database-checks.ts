import { existsSync } from 'node:fs';
import { CompiledQuery, sql } from 'kysely';
import { DateTime } from 'luxon';
import type { Clock } from '../../core/clock.js';
import { openDatabase, type Database, type DatabaseTarget } from '../../core/database.js';
import { activityWindow, type FileDate } from '../../core/file-date.js';
import { compileNamedParameters } from '../../extract/named-parameters.js';
import { loadPartnerQuery, windowParameters } from '../../extract/partner-query.js';
import { STATE_SCHEMA, stateMigrations } from '../../load/state/migrations.js';
import { directionOf } from '../../transform/file-type-spec.js';
import type { PipelineConfig } from '../pipeline-config.js';
import { fail, pass, skip, type CheckResult } from './check.js';

/**
 * The databases: the ledger answers and every query of the program plans with the window parameters
 * of a real date (EXPLAIN in a read-only transaction: planned, never run); the state store answers, is
 * migrated and at this version's schema; and the clocks agree.
 */
const CLOCK_TOLERANCE_SECONDS = 60;

/** Opens a database for a check without creating an embedded one that is not there. */
export async function openForCheck(target: DatabaseTarget, what: string): Promise<{ database?: Database; result: CheckResult }> {
  const id = `${what}.reachable`;
  const title = `${what === 'ledger' ? 'ledger' : 'state store'} answers`;
  if (target.driver === 'pglite' && target.dataDir && !existsSync(target.dataDir)) {
    return {
      result: fail(id, title, `the embedded database ${target.dataDir} does not exist`,
        `seed or run something first (lead-etl seed, lead-etl demo), or set ${what}.dataDir to the folder that holds it`),
    };
  }
  let database: Database | undefined;
  try {
    database = await openDatabase(target);
    const { rows } = await sql<{ version: string }>`select version() as version`.execute(database.db);
    return { database, result: pass(id, title, `${database.label}: ${String(rows[0]?.version ?? '').split(' ').slice(0, 2).join(' ')}`) };
  } catch (error) {
    await database?.close().catch(() => undefined);
    const env = `LEAD_ETL_${what.toUpperCase()}_URL`;
    return {
      result: fail(id, title, error, target.driver === 'postgres'
        ? `check that PostgreSQL runs and accepts this connection (${what}.url or ${env}, the password in ${what}.passwordFile or LEAD_ETL_${what.toUpperCase()}_PASSWORD)`
        : `check that no other process holds the embedded database open, and that ${what}.dataDir is the right folder`),
    };
  }
}

export async function ledgerQueryChecks(config: PipelineConfig, ledger: Database, fileDate: FileDate): Promise<CheckResult[]> {
  const window = activityWindow(fileDate, config.program.timeZone);
  const results: CheckResult[] = [];
  for (const type of config.program.files.filter((t) => directionOf(t.spec) === 'outbound')) {
    const id = `ledger.query.${type.spec.id}`;
    const title = `query ${type.spec.queryFile} plans`;
    try {
      const query = await loadPartnerQuery(config.queries.dir, type.spec);
      // The Sales Response query also takes Lead's request rows; an empty list plans the same.
      const extra = type.spec.answers ? { [type.spec.answers]: '[]' } : {};
      const compiled = compileNamedParameters(query.sql.trim().replace(/;\s*$/, ''), { ...windowParameters(window), ...(query.parameters ?? {}), ...extra }, query.path);
      await ledger.db.transaction().execute(async (trx) => {
        await sql`set transaction read only`.execute(trx);
        await trx.executeQuery(CompiledQuery.raw(`explain ${compiled.sql}`, [...compiled.parameters]));
      });
      results.push(pass(id, title, `with the window of ${fileDate} (${window.start.toISO()} .. ${window.end.toISO()})`));
    } catch (error) {
      results.push(fail(id, title, error, `fix ${type.spec.queryFile} in ${config.queries.dir} against your ledger's schema (docs/partner-queries.md); the parameters are :window_start, :window_end, :as_of, :file_date, :activity_date`));
    }
  }
  return results;
}

export async function stateSchemaCheck(state: Database): Promise<CheckResult> {
  const id = 'state.schema';
  const title = 'state store is migrated to this version';
  const known = Object.keys(await stateMigrations.getMigrations()).sort();
  const expected = known.at(-1)!;
  let applied: string[];
  try {
    const { rows } = await sql<{ name: string }>`select name from ${sql.table(`${STATE_SCHEMA}.kysely_migration`)} order by name`.execute(state.db);
    applied = rows.map((r) => r.name);
  } catch {
    return fail(id, title, `${state.label} has no lead-etl schema (${STATE_SCHEMA})`, 'run `lead-etl migrate`');
  }
  const pending = known.filter((name) => !applied.includes(name));
  const unknown = applied.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    return fail(id, title, `the state store has migrations this lead-etl does not know (${unknown.join(', ')}): it was migrated by a newer version`, 'upgrade lead-etl to the version that migrated it; never run an older one against it');
  }
  if (pending.length > 0) return fail(id, title, `missing ${pending.join(', ')} (at ${applied.at(-1) ?? 'none'}, expected ${expected})`, 'run `lead-etl migrate`');
  return pass(id, title, `at ${expected}`);
}

export async function clockCheck(database: Database, clock: Clock, what: string): Promise<CheckResult> {
  const id = `clock.${what}`;
  const title = `this machine's clock agrees with the ${what === 'ledger' ? 'ledger' : 'state store'}'s`;
  try {
    const { rows } = await sql<{ now: Date | string }>`select now() as now`.execute(database.db);
    const value = rows[0]!.now;
    const theirs = value instanceof Date ? DateTime.fromJSDate(value) : DateTime.fromISO(String(value).replace(' ', 'T'));
    const ours = clock.now();
    const drift = ours.diff(theirs, 'seconds').seconds;
    const text = `${Math.abs(drift).toFixed(1)} s ${drift >= 0 ? 'ahead of' : 'behind'} ${database.label} (${ours.toUTC().toISO()} here, ${theirs.toUTC().toISO()} there)`;
    if (Math.abs(drift) > CLOCK_TOLERANCE_SECONDS) {
      return fail(id, title, text, `synchronise this machine's clock (NTP): dates, deadlines and the daemon's ticks are computed from it; at most ${CLOCK_TOLERANCE_SECONDS} s apart`);
    }
    return pass(id, title, text);
  } catch (error) {
    return fail(id, title, error);
  }
}

export const skipped = (id: string, title: string, because: string) => skip(id, title, `not checked: ${because}`);
