import { mkdirSync } from 'node:fs';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { CompiledQuery, Kysely, PostgresDialect, type Transaction } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import Cursor from 'pg-cursor';
import { LeadEtlError } from './errors.js';

/**
 * One handle over the two database engines lead-etl runs on: a PostgreSQL server (kysely over `pg`,
 * rows streamed with pg-cursor) and PGlite, the embedded default. Callers see kysely plus
 * `streamRows`, and never a pool or a PGlite instance.
 */
export type DatabaseTarget =
  | { readonly driver: 'postgres'; readonly url: string; readonly poolSize?: number }
  | { readonly driver: 'pglite'; /** a folder, or undefined for in-memory */ readonly dataDir?: string };

export type Row = Record<string, unknown>;

export interface Database {
  readonly driver: DatabaseTarget['driver'];
  readonly db: Kysely<any>;
  /** A human label for logs and errors; never holds a password. */
  readonly label: string;
  /**
   * Streams a query's rows inside an open transaction, `chunkSize` at a time, so memory stays flat
   * whatever the row count. PostgreSQL uses a pg-cursor; PGlite a SQL cursor (DECLARE / FETCH).
   */
  streamRows(trx: Transaction<any>, sql: string, parameters: readonly unknown[], chunkSize?: number): AsyncIterable<Row>;
  close(): Promise<void>;
}

// Both engines hand money and dates over as text: numeric through a JS number would lose cents,
// and a DATE through a JS Date would shift by the process time zone.
const OID = { int8: 20, numeric: 1700, date: 1082 } as const;
const keepText = (value: string): string => value;

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable database url>';
  }
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  return target.driver === 'postgres' ? openPostgres(target.url, target.poolSize ?? 4) : openPglite(target.dataDir);
}

function openPostgres(url: string, poolSize: number): Database {
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === OID.date ? keepText : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types, connectionTimeoutMillis: 15_000 });
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool, cursor: Cursor }) });
  return {
    driver: 'postgres',
    db,
    label: redactUrl(url),
    async *streamRows(trx, sql, parameters, chunkSize = 1000) {
      for await (const chunk of trx.getExecutor().stream(CompiledQuery.raw(sql, [...parameters]), chunkSize)) {
        yield* chunk.rows as Row[];
      }
    },
    close: () => db.destroy(),
  };
}

let cursorCounter = 0;

async function openPglite(dataDir: string | undefined): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  return pgliteDatabase(await createPglite({ ...(dataDir ? { dataDir } : {}) }), `pglite:${dataDir ?? 'memory'}`);
}

/**
 * A PGlite with lead-etl's type parsers: in a data directory, in memory, or in memory starting from an
 * archive of a data directory (`loadDataDir`, what `dumpDataDir()` wrote), which is how the tests clone a
 * prepared database instead of building it again; `initDbStartParams` are initdb's when it makes a new one.
 */
export async function createPglite(options: Pick<PGliteOptions, 'dataDir' | 'loadDataDir' | 'initDbStartParams'> = {}): Promise<PGlite> {
  const parsers = { [OID.int8]: keepText, [OID.numeric]: keepText, [OID.date]: keepText };
  try {
    return await PGlite.create({ ...options, parsers });
  } catch (cause) {
    throw new LeadEtlError('DB_CONNECT', `cannot open the embedded database at ${options.dataDir ?? '(memory)'}`, { cause });
  }
}

/** The handle over a PGlite made by createPglite; closing the handle closes the PGlite. */
export function pgliteDatabase(pglite: PGlite, label: string): Database {
  const db = new Kysely<any>({ dialect: new PGliteDialect(pglite) });
  return {
    driver: 'pglite',
    db,
    label,
    async *streamRows(trx, sql, parameters, chunkSize = 1000) {
      const name = `lead_etl_cursor_${++cursorCounter}`;
      await trx.executeQuery(CompiledQuery.raw(`declare ${name} no scroll cursor for ${sql}`, [...parameters]));
      try {
        for (;;) {
          const { rows } = await trx.executeQuery(CompiledQuery.raw(`fetch forward ${chunkSize} from ${name}`));
          yield* rows as Row[];
          if (rows.length < chunkSize) break;
        }
      } finally {
        await trx.executeQuery(CompiledQuery.raw(`close ${name}`)).catch(() => undefined);
      }
    },
    close: () => db.destroy(),
  };
}
