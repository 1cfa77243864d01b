import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Row } from '../core/database.js';
import type { FileTypeSpec } from './file-type-spec.js';
import type { MappedRow } from './map-row.js';
import type { RowProblem } from './row-problem.js';

/**
 * Streams rows through the mapper and csv-stringify into a new local file, hashing as it goes, so memory
 * stays flat whatever the row count. Lead's format: `|` delimiter, lower-case header always present
 * (a header-only file on a quiet day), RFC 4180 quoting only where a value needs it, UTF-8 without BOM,
 * LF line ends. Rows with problems are left out and reported; the caller decides that such a file is
 * never archived or sent.
 */
export interface WrittenFile {
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
  /** Up to `maxProblems` problems; `problemCount` has the total. */
  readonly problems: readonly RowProblem[];
  readonly problemCount: number;
}

export async function writeLeadCsv(args: {
  spec: FileTypeSpec;
  rows: AsyncIterable<Row>;
  mapRow: (row: Row, line: number) => MappedRow;
  path: string;
  maxProblems?: number;
}): Promise<WrittenFile> {
  const maxProblems = args.maxProblems ?? 100;
  const problems: RowProblem[] = [];
  let problemCount = 0;
  let rows = 0;
  let bytes = 0;
  const hash = createHash('sha256');

  async function* lines(): AsyncGenerator<string[]> {
    let line = 1;
    for await (const row of args.rows) {
      line += 1;
      const mapped = args.mapRow(row, line);
      if (mapped.ok) {
        rows += 1;
        yield mapped.values;
      } else {
        problemCount += mapped.problems.length;
        problems.push(...mapped.problems.slice(0, Math.max(0, maxProblems - problems.length)));
      }
    }
  }

  await pipeline(
    Readable.from(lines()),
    stringify({
      delimiter: '|',
      record_delimiter: 'unix',
      header: true,
      columns: args.spec.columns.map((column) => column.name),
      bom: false,
    }),
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
  return { rows, bytes, sha256: hash.digest('hex'), problems, problemCount };
}
