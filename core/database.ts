import { mkdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { CompiledQuery, Kysely, PostgresDialect, type Transaction } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import Cursor from 'pg-cursor';
import { LeadEtlError } from './errors.js';

/**
 * One handle over the two database engines lead-etl runs on: a PostgreSQL server (kysely over `pg`,
 * rows streamed with pg-cursor) and PGlite, the embedded default. Callers see kysely plus
 * `streamBatches`, and never a pool or a PGlite instance.
 */
export type DatabaseTarget =
  | { readonly driver: 'postgres'; readonly url: string; readonly poolSize?: number }
  | { readonly driver: 'pglite'; /** a folder, or undefined for in-memory */ readonly dataDir?: string };

export type Row = Record<string, unknown>;

/** Which of lead-etl's databases a handle is, for the one line an outage gives. */
export type DatabaseRole = 'ledger' | 'state' | 'ledger and state';

export interface Database {
  readonly driver: DatabaseTarget['driver'];
  readonly db: Kysely<any>;
  /** A human label for logs and errors; never holds a password. */
  readonly label: string;
  /**
   * Streams a query's rows inside an open transaction, in batches of `chunkSize`, so memory stays flat
   * whatever the row count. PostgreSQL uses a pg-cursor; PGlite a SQL cursor (DECLARE / FETCH).
   * Batches, not rows: a row then costs no step of an async generator here.
   */
  streamBatches(trx: Transaction<any>, sql: string, parameters: readonly unknown[], chunkSize?: number): AsyncIterable<readonly Row[]>;
  close(): Promise<void>;
}

// Both engines hand money and dates over as text: numeric through a JS number would lose cents,
// and a DATE through a JS Date would shift by the process time zone.
const OID = { int8: 20, numeric: 1700, date: 1082, timestamp: 1114, timestamptz: 1184 } as const;
const keepText = (value: string): string => value;

/**
 * What `streamBatches` reads stays PostgreSQL's own text wherever the file wants text: timestamps too, so
 * a row costs no Date per cell and the formatter reads the instant and its offset as the server wrote
 * them (`2026-03-05 09:30:00.123456-06`). Only the partner's rows: the state store's queries keep
 * their Dates.
 */
const EXTRACT_TEXT_OIDS: ReadonlySet<number> = new Set([OID.int8, OID.numeric, OID.date, OID.timestamp, OID.timestamptz]);
const extractTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    EXTRACT_TEXT_OIDS.has(oid) ? keepText : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};
const pgliteExtractParsers = Object.fromEntries([...EXTRACT_TEXT_OIDS].map((oid) => [oid, keepText]));

/**
 * The cursor kysely streams with. `streamBatches` is the one caller of kysely's stream on these handles,
 * so every cursor reads the extract's text types.
 */
class ExtractCursor extends Cursor {
  constructor(text: string, values: unknown[], config: Cursor.CursorQueryConfig = {}) {
    super(text, values, { ...config, types: extractTypes });
  }
}

/**
 * Timestamps and dates are read as text in the ISO style (`2026-03-05 09:30:00-06`), whatever the
 * server's default DateStyle; only the output style is set, so the partner's literals are read in the
 * day/month order the server has. For the snapshot transaction only (SET LOCAL).
 */
const ISO_DATESTYLE = "set local datestyle = 'ISO'";

/**
 * Rows for COPY ... FROM STDIN in PostgreSQL's text format, as chunks that each end at a line end. It
 * travels to the connection as the one parameter of a `copy` statement (see copyRows), because kysely
 * hands a transaction's statements to its connection and has no COPY of its own.
 */
class CopySource {
  constructor(readonly chunks: AsyncIterable<Buffer> | Iterable<Buffer>) {}
}

/**
 * Bulk-loads rows into `table` inside `trx` with COPY: on PostgreSQL the chunks stream through
 * pg-copy-streams; PGlite, which has no COPY FROM STDIN, reads them as a blob through its /dev/blob
 * device, a few megabytes per COPY so memory stays flat. `trx` is a transaction or a single connection
 * (`db.connection()`) of a handle opened here: a pool's Kysely could run it on any session, and a
 * temporary table is one session's.
 */
export async function copyRows(trx: Transaction<any> | Kysely<any>, table: string, columns: readonly string[], chunks: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<void> {
  await trx.executeQuery(CompiledQuery.raw(`copy ${table} (${columns.join(', ')}) from stdin`, [new CopySource(chunks)]));
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value in COPY's text format: backslash, tab and line ends escaped (`\N` would be NULL). */
export function copyText(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : value;
}

const isCopy = (args: readonly unknown[]): args is [string, [CopySource]] =>
  typeof args[0] === 'string' && Array.isArray(args[1]) && args[1][0] instanceof CopySource;

/** At most this many bytes go to PGlite in one COPY: its /dev/blob holds the whole blob in memory. */
const PGLITE_COPY_BYTES = 4 * 1024 * 1024;

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable database url>';
  }
}

export async function openDatabase(target: DatabaseTarget, role: DatabaseRole = 'ledger and state'): Promise<Database> {
  return target.driver === 'postgres' ? openPostgres(target.url, target.poolSize ?? 4, role) : openPglite(target.dataDir);
}

// SQLSTATEs and socket codes that mean the connection, not the statement, failed: the server shut the
// session down (pg_terminate_backend, a restart), refused it (ALLOW_CONNECTIONS false, too many
// clients, no such database, authentication), or the network went away.
const CONNECTION_SQLSTATES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300', '3D000', '28000', '28P01']);
const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const CONNECTION_MESSAGES = /connection terminated|not queryable|timeout exceeded when trying to connect|Connection refused|server closed the connection/i;

/** True for an error that says the database connection was lost or could not be made. */
export function isConnectionError(error: unknown, atConnect = false): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && (CONNECTION_SQLSTATES.has(code) || CONNECTION_ERRNOS.has(code))) return true;
  // "database ... is not currently accepting connections" (ALLOW_CONNECTIONS false) is 55000 at connect.
  if (atConnect && code === '55000') return true;
  if (error instanceof AggregateError) return error.errors.some((e) => isConnectionError(e, atConnect));
  return error instanceof Error && CONNECTION_MESSAGES.test(error.message);
}

/** The one line an outage gives: which database, and why. */
export function databaseUnreachable(role: DatabaseRole, label: string, cause: unknown, when: 'connect' | 'query'): LeadEtlError {
  const detail = cause instanceof AggregateError ? cause.errors.map((e) => (e as Error).message).join('; ') : cause instanceof Error ? cause.message : String(cause);
  const what = role === 'ledger' ? 'the ledger database' : role === 'state' ? 'the state database' : 'the ledger and state database';
  const key = role === 'ledger' ? 'ledger.url' : role === 'state' ? 'state.url' : 'ledger.url';
  return new LeadEtlError(
    role === 'ledger' ? 'LEDGER_UNREACHABLE' : 'STATE_UNREACHABLE',
    `${when === 'connect' ? 'cannot reach' : 'lost the connection to'} ${what} ${label}: ${detail}; check that it is up and accepting connections (${key}), then run the command again`,
    { cause },
  );
}

/**
 * The pool kysely sees: the same pg.Pool, with every failure of the connection itself turned into one
 * LeadEtlError that names the database (a statement's own errors pass through as they are).
 */
function labelledPool(pool: pg.Pool, role: DatabaseRole, label: string) {
  const lost = (error: unknown, when: 'connect' | 'query') => (isConnectionError(error, when === 'connect') ? databaseUnreachable(role, label, error, when) : error);
  return {
    async connect() {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw lost(error, 'connect');
      }
      return {
        query(...args: unknown[]) {
          if (isCopy(args)) {
            const stream = client.query(copyFrom(args[0]));
            // One chunk in hand at a time: Readable.from would otherwise read 16 ahead of a slower server.
            return pipeline(Readable.from(args[1][0].chunks, { objectMode: true, highWaterMark: 1 }), stream)
              .then(() => ({ command: 'COPY', rowCount: stream.rowCount, rows: [] }))
              .catch((error: unknown) => { throw lost(error, 'query'); });
          }
          const result = (client.query as (...a: unknown[]) => unknown)(...args);
          if (args[0] instanceof Cursor) {
            const cursor = result as Cursor;
            let connectionLost = false;
            const state = client as unknown as { _queryable?: boolean; _ended?: boolean };
            const fetch = (rows: number) => cursor.read(rows).catch((error: unknown) => {
              connectionLost ||= isConnectionError(error);
              throw lost(error, 'query');
            });
            // One batch read ahead: the server runs the query and sends the next rows while the run maps,
            // checks and writes this batch (on two cores, the extract's I/O otherwise idled the process a
            // tenth of a big file's time). A batch shorter than asked for was the last.
            let ahead: { readonly rows: number; readonly batch: Promise<unknown[]> } | undefined;
            return {
              read: (rows: number) => {
                const batch = ahead?.rows === rows ? ahead.batch : fetch(rows);
                ahead = undefined;
                return batch.then((result) => {
                  if (result.length === rows) {
                    ahead = { rows, batch: fetch(rows) };
                    // Its failure is the next read's; unread (a consumer that stopped), it is nobody's.
                    ahead.batch.catch(() => undefined);
                  }
                  return result;
                });
              },
              // Closing a cursor waits for the server's ReadyForQuery, which a dead connection never
              // sends: skip it there (the pool drops that client) instead of hanging the run. A read
              // ahead in flight ends first: the cursor takes one message at a time.
              close: async () => {
                await ahead?.batch.catch(() => undefined);
                ahead = undefined;
                if (connectionLost || state._queryable === false || state._ended) return;
                await cursor.close().catch(() => undefined);
              },
            };
          }
          return (result as Promise<unknown>).catch((error: unknown) => { throw lost(error, 'query'); });
        },
        release: () => client.release(),
      };
    },
    end: () => pool.end(),
  };
}

function openPostgres(url: string, poolSize: number, role: DatabaseRole): Database {
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === OID.date ? keepText : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types, connectionTimeoutMillis: 15_000 });
  // A connection the server drops emits 'error' on its client (even one checked out and idle, such as
  // the one holding a date lock) and on the pool; unheard, that event would end the process with a
  // stack trace. The next statement on it fails and reports the outage as one line.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const label = redactUrl(url);
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: labelledPool(pool, role, label) as never, cursor: ExtractCursor }) });
  return {
    driver: 'postgres',
    db,
    label,
    async *streamBatches(trx, sql, parameters, chunkSize = 1000) {
      await trx.executeQuery(CompiledQuery.raw(ISO_DATESTYLE));
      for await (const chunk of trx.getExecutor().stream(CompiledQuery.raw(sql, [...parameters]), chunkSize)) {
        yield chunk.rows as Row[];
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
  // The dialect calls only query() and close(); a COPY of copyRows is turned into COPY ... FROM '/dev/blob'.
  const client = {
    query: (sql: string, parameters: unknown[]) => (isCopy([sql, parameters]) ? copyIntoPglite(pglite, sql, (parameters[0] as CopySource).chunks) : pglite.query(sql, parameters)),
    close: () => pglite.close(),
  };
  const db = new Kysely<any>({ dialect: new PGliteDialect(client as unknown as PGlite) });
  return {
    driver: 'pglite',
    db,
    label,
    async *streamBatches(trx, sql, parameters, chunkSize = 1000) {
      const name = `lead_etl_cursor_${++cursorCounter}`;
      await trx.executeQuery(CompiledQuery.raw(ISO_DATESTYLE));
      await trx.executeQuery(CompiledQuery.raw(`declare ${name} no scroll cursor for ${sql}`, [...parameters]));
      try {
        for (;;) {
          // Straight to the PGlite, which is the transaction's one session, for the per-query parsers
          // kysely cannot pass: the extract's text types, as on PostgreSQL.
          const { rows } = await pglite.query<Row>(`fetch forward ${chunkSize} from ${name}`, [], { parsers: pgliteExtractParsers });
          if (rows.length > 0) yield rows;
          if (rows.length < chunkSize) break;
        }
      } finally {
        await trx.executeQuery(CompiledQuery.raw(`close ${name}`)).catch(() => undefined);
      }
    },
    close: () => db.destroy(),
  };
}

async function copyIntoPglite(pglite: PGlite, statement: string, chunks: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<{ rows: []; affectedRows: number }> {
  const fromBlob = statement.replace(/ from stdin$/, ` from '/dev/blob'`);
  let pending: Buffer[] = [];
  let bytes = 0;
  let affectedRows = 0;
  const flush = async () => {
    if (bytes === 0) return;
    const result = await pglite.query(fromBlob, [], { blob: new Blob(pending) });
    affectedRows += result.affectedRows ?? 0;
    pending = [];
    bytes = 0;
  };
  for await (const chunk of chunks) {
    pending.push(chunk);
    bytes += chunk.length;
    if (bytes >= PGLITE_COPY_BYTES) await flush();
  }
  await flush();
  return { rows: [], affectedRows };
}
