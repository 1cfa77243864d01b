import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Row } from '../core/database.js';
import type { MappedRecord } from './submission-rules.js';
import type { MappedRow } from './map-row.js';
import type { ProblemLog } from './problem-log.js';

/**
 * Streams lines through csv-stringify into a new local file, hashing as it goes, so memory stays flat
 * whatever the row count. Lead's format: `|` delimiter, lower-case header always present (a header-only
 * file on a quiet day), RFC 4180 quoting only where a value needs it, UTF-8 without BOM, LF line ends.
 */
export interface WrittenFile {
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
}

export async function writeLeadCsv(args: { header: readonly string[]; rows: AsyncIterable<string[]>; path: string }): Promise<WrittenFile> {
  let rows = 0;
  let bytes = 0;
  const hash = createHash('sha256');
  async function* counted() {
    for await (const values of args.rows) {
      rows += 1;
      yield values;
    }
  }
  await pipeline(
    Readable.from(counted()),
    stringify({ delimiter: '|', record_delimiter: 'unix', header: true, columns: [...args.header], bom: false }),
    async function* count(chunks: AsyncIterable<Buffer | string>) {
      for await (const chunk of chunks) {
        const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
        hash.update(buffer);
        bytes += buffer.length;
        yield buffer;
      }
    },
    // `wx`: a build never writes over a file; `flush`: the bytes are on disk before the file is renamed into the archive.
    createWriteStream(args.path, { flags: 'wx', flush: true }),
  );
  return { rows, bytes, sha256: hash.digest('hex') };
}

/** Query rows to mapped records; rows with problems go to the log and no further. */
export async function* mapRows(
  rows: AsyncIterable<Row>,
  mapRow: (row: Row, line: number) => MappedRow,
  problems: ProblemLog,
): AsyncGenerator<MappedRecord> {
  let line = 1;
  for await (const row of rows) {
    line += 1;
    const mapped = mapRow(row, line);
    if (mapped.ok) yield { line, recordId: mapped.recordId, values: mapped.values };
    else problems.add(...mapped.problems);
  }
}

export async function* valuesOf(records: AsyncIterable<MappedRecord>): AsyncGenerator<string[]> {
  for await (const record of records) yield record.values;
}
