import { createHash } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { stringify, type Options } from 'csv-stringify/sync';
import type { Row } from '../core/database.js';
import type { MappedRecord } from './submission-rules.js';
import type { MappedRow } from './map-row.js';
import type { ProblemLog } from './problem-log.js';

/**
 * Writes lines through csv-stringify into a new local file, hashing as it goes, so memory stays flat
 * whatever the row count. Lead's format: `|` delimiter, lower-case header always present (a header-only
 * file on a quiet day), RFC 4180 quoting only where a value needs it, UTF-8 without BOM, LF line ends.
 */
export interface WrittenFile {
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * Lines come and are stringified and written a batch at a time: csv-stringify's stream form costs a
 * stream hop and a file write per line, which at 100k lines was most of the build's time. Its sync form
 * on a batch writes the same bytes (each record ends with the record delimiter, the header leads the
 * first batch).
 */
const BUFFER_BYTES = 256 * 1024;

/**
 * What can make csv-stringify do anything to a value with these options: the delimiter, the quote, and
 * line ends (it quotes `\n`; a `\r` goes its way too, so what it does with one stays its call).
 */
const TOUCHED = /[|"\r\n]/;

/**
 * A record of the header's width whose values are all strings csv-stringify writes as they are (no
 * quoting, no cast, no escaped formula: the options below): its line is the values joined by the
 * delimiter. csv-stringify costs several arrays and objects per field, which at a million lines was a
 * good part of a run's garbage; every other record, and the header, is still its to write.
 */
function plainLine(record: readonly string[], width: number): string | undefined {
  if (record.length !== width) return undefined;
  for (let i = 0; i < width; i += 1) {
    const value = record[i];
    if (typeof value !== 'string' || (value.length > 0 && TOUCHED.test(value))) return undefined;
  }
  return record.join('|');
}

export async function writeLeadCsv(args: { header: readonly string[]; rows: AsyncIterable<readonly string[][]>; path: string }): Promise<WrittenFile> {
  let rows = 0;
  let bytes = 0;
  const hash = createHash('sha256');
  const width = args.header.length;
  const options: Options = { delimiter: '|', record_delimiter: 'unix', header: false, columns: [...args.header], bom: false };
  let pending = stringify([], { ...options, header: true });
  // `wx`: a build never writes over a file.
  const file = await open(args.path, 'wx');
  let written: Promise<unknown> = Promise.resolve();
  // Two buffers in turn, one being written while the next batch fills the other: a fresh buffer per
  // batch lives outside the JS heap until a full collection, and added 30 MB to a run's peak RSS.
  const buffers = [Buffer.allocUnsafe(BUFFER_BYTES), Buffer.allocUnsafe(BUFFER_BYTES)];
  let turn = 0;
  const flush = async (text: string) => {
    // UTF-8 takes at most 3 bytes per UTF-16 unit: only a batch that might not fit is measured.
    if (text.length * 3 > buffers[turn]!.length) {
      const length = Buffer.byteLength(text, 'utf8');
      if (buffers[turn]!.length < length) buffers[turn] = Buffer.allocUnsafe(length);
    }
    const chunk = buffers[turn]!.subarray(0, buffers[turn]!.write(text, 0, 'utf8'));
    turn ^= 1;
    hash.update(chunk);
    bytes += chunk.length;
    // The other buffer's write ends before this one starts: the file is written in order.
    await written;
    written = file.write(chunk);
  };
  try {
    for await (const batch of args.rows) {
      if (batch.length === 0) continue;
      rows += batch.length;
      let text = pending;
      pending = '';
      for (let i = 0; i < batch.length; i += 1) {
        const record = batch[i]!;
        const line = plainLine(record, width);
        // csv-stringify only reads its input (its type asks for a mutable one).
        text += line === undefined ? stringify([record as string[]], options) : `${line}\n`;
      }
      await flush(text);
    }
    if (pending !== '') await flush(pending);
    await written;
    // The bytes are on disk before the file is renamed into the archive.
    await file.sync();
  } catch (error) {
    await written.catch(() => undefined);
    await file.close().catch(() => undefined);
    await rm(args.path, { force: true });
    throw error;
  }
  await file.close();
  return { rows, bytes, sha256: hash.digest('hex') };
}

/**
 * Query rows, a batch at a time, to mapped records; rows with problems go to the log and no further.
 * Each batch is mapped as it is read, row by row, so a row's problems are logged in the order the rows
 * come: read each batch through before asking for the next.
 */
export async function* mapRows(
  batches: AsyncIterable<readonly Row[]>,
  mapRow: (row: Row, line: number) => MappedRow,
  problems: ProblemLog,
): AsyncGenerator<Iterable<MappedRecord>> {
  const mapped = new MappedBatch(mapRow, problems);
  for await (const rows of batches) yield mapped.of(rows);
}

/**
 * One batch's records, mapped as they are asked for. A generator here costs a step and a result object
 * per row; this iterator hands out one result object, reused: a for-of reads its value before it asks
 * for the next. A good row's MappedRow is itself the record.
 */
class MappedBatch implements Iterable<MappedRecord>, Iterator<MappedRecord> {
  private rows: readonly Row[] = [];
  private at = 0;
  private line = 1;
  private readonly result: { done: boolean; value: MappedRecord } = { done: false, value: undefined as unknown as MappedRecord };

  constructor(private readonly mapRow: (row: Row, line: number) => MappedRow, private readonly problems: ProblemLog) {}

  of(rows: readonly Row[]): this {
    this.rows = rows;
    this.at = 0;
    return this;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<MappedRecord> {
    while (this.at < this.rows.length) {
      this.line += 1;
      const mapped = this.mapRow(this.rows[this.at++]!, this.line);
      if (mapped.ok) {
        this.result.value = mapped;
        return this.result as IteratorResult<MappedRecord>;
      }
      this.problems.add(...mapped.problems);
    }
    this.rows = [];
    return { done: true, value: undefined };
  }
}

export async function* valuesOf(records: AsyncIterable<Iterable<MappedRecord>>): AsyncGenerator<string[][]> {
  for await (const batch of records) yield Array.from(batch, (record) => record.values);
}
