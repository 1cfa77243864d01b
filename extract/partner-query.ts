import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Transaction } from 'kysely';
import type { Database, Row } from '../core/database.js';
import { LeadEtlError } from '../core/errors.js';
import { asOfInstant, type ActivityWindow } from '../core/file-date.js';
import { compileNamedParameters } from './named-parameters.js';

/**
 * A partner owns one SQL file per Lead file type. It returns Lead's columns, one row per record, and
 * may use these named parameters (all instants are ISO 8601 with the zone's offset):
 *   :window_start   first instant of the activity day T-1 (inclusive)
 *   :window_end     first instant of T (exclusive): "as of the end of T-1" means "< :window_end"
 *   :as_of          the last whole second of T-1, the effective_at stamp of a snapshot row
 *   :file_date      T, the date in the file name
 *   :activity_date  T-1
 * and those the program's profile gives every query (docs/partner-queries.md), such as
 *   :authorized_users_in  accounts_column or authorized_users_file: where the program reports authorized users
 */
export interface PartnerQuery {
  readonly fileType: string;
  readonly path: string;
  readonly sql: string;
  /** The program's own parameters, beyond the window's. */
  readonly parameters?: Readonly<Record<string, string>>;
}

/** What extract needs of a file type: its id, the query file that feeds it, the program's parameters (narrower than the spec). */
export interface QuerySource {
  readonly id: string;
  readonly queryFile: string;
  readonly queryParameters?: Readonly<Record<string, string>>;
}

export async function loadPartnerQuery(queriesDir: string, spec: QuerySource): Promise<PartnerQuery> {
  const path = join(queriesDir, spec.queryFile);
  try {
    return { fileType: spec.id, path, sql: await readFile(path, 'utf8'), ...(spec.queryParameters ? { parameters: spec.queryParameters } : {}) };
  } catch (cause) {
    throw new LeadEtlError(
      'QUERY_MISSING',
      `no query for file type ${spec.id}: cannot read ${path} (set queries.dir to the folder holding ${spec.queryFile})`,
      { cause },
    );
  }
}

export function windowParameters(window: ActivityWindow): Record<string, string> {
  return {
    window_start: window.start.toISO()!,
    window_end: window.end.toISO()!,
    as_of: asOfInstant(window).toISO()!,
    file_date: window.fileDate,
    activity_date: window.activityDate,
  };
}

/**
 * The query's rows for one window inside the caller's snapshot transaction, a batch (the cursor's
 * fetch) at a time: what builds a file reads them so, each stage stepping once per batch, not per row.
 */
export async function* streamPartnerBatches(
  database: Database,
  trx: Transaction<any>,
  query: PartnerQuery,
  window: ActivityWindow,
  chunkSize = 1000,
  /** Parameters beyond the window's, e.g. :sales_request for the Sales Response query. */
  extra: Readonly<Record<string, string>> = {},
): AsyncGenerator<readonly Row[]> {
  let source: AsyncIterator<readonly Row[]>;
  try {
    const compiled = compileNamedParameters(query.sql.trim().replace(/;\s*$/, ''), { ...windowParameters(window), ...query.parameters, ...extra }, query.path);
    source = database.streamBatches(trx, compiled.sql, compiled.parameters, chunkSize)[Symbol.asyncIterator]();
  } catch (cause) {
    throw queryFailed(query, cause);
  }
  try {
    for (;;) {
      let next: IteratorResult<readonly Row[]>;
      try {
        next = await source.next();
      } catch (cause) {
        throw queryFailed(query, cause);
      }
      if (next.done) return;
      if (next.value.length > 0) yield next.value;
    }
  } finally {
    // A consumer that stops early closes the cursor.
    await source.return?.();
  }
}

function queryFailed(query: PartnerQuery, cause: unknown): LeadEtlError {
  return cause instanceof LeadEtlError ? cause : new LeadEtlError('QUERY_FAILED', `query ${query.path} failed: ${(cause as Error).message}`, { cause });
}

/**
 * Streams the query's rows for one window inside the caller's snapshot transaction. The iterator hands
 * out each batch's rows from the array itself: a row costs one settled promise, not an async
 * generator's step per layer (at a million rows, each such layer was a second).
 */
export function streamPartnerRows(...args: Parameters<typeof streamPartnerBatches>): AsyncIterable<Row> {
  return {
    [Symbol.asyncIterator]() {
      const source = streamPartnerBatches(...args);
      let batch: readonly Row[] = [];
      let at = 0;
      const pull = async (): Promise<IteratorResult<Row>> => {
        const next = await source.next();
        if (next.done) return { done: true, value: undefined };
        // streamPartnerBatches hands out no empty batch.
        batch = next.value;
        at = 0;
        return { done: false, value: batch[at++]! };
      };
      return {
        next: () => (at < batch.length ? Promise.resolve({ done: false, value: batch[at++]! }) : pull()),
        // A consumer that stops early closes the cursor.
        async return() {
          batch = [];
          at = 0;
          await source.return(undefined);
          return { done: true, value: undefined };
        },
      };
    },
  };
}
