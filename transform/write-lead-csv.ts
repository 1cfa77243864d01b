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
 * Lines come a batch at a time and are written a buffer at a time: csv-stringify's stream form costs a
 * stream hop and a file write per line, which at 100k lines was most of the build's time. Its sync form
 * writes the same bytes (each record ends with the record delimiter, the header comes first).
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
  // `wx`: a build never writes over a file.
  const file = await open(args.path, 'wx');
  let written: Promise<unknown> = Promise.resolve();
  // Two buffers in turn, one being written while the other fills: a fresh buffer per write lives
  // outside the JS heap until a full collection, and added 30 MB to a run's peak RSS. Lines go into the
  // buffer as they come, not into a batch's string first.
  const buffers = [Buffer.allocUnsafe(BUFFER_BYTES), Buffer.allocUnsafe(BUFFER_BYTES)];
  let turn = 0;
  let buffer = buffers[0]!;
  let at = 0;
  // UTF-8 takes at most 3 bytes per UTF-16 unit: only a text that might not fit is measured.
  const fits = (text: string) => at + text.length * 3 + 1 <= buffer.length || at + Buffer.byteLength(text, 'utf8') + 1 <= buffer.length;
  const flush = async () => {
    const chunk = buffer.subarray(0, at);
    hash.update(chunk);
    bytes += chunk.length;
    // The other buffer's write ends before this one starts: the file is written in order.
    await written;
    written = file.write(chunk);
    turn ^= 1;
    buffer = buffers[turn]!;
    at = 0;
  };
  const put = async (text: string) => {
    if (!fits(text)) {
      if (at > 0) await flush();
      if (!fits(text)) buffer = buffers[turn] = Buffer.allocUnsafe(Buffer.byteLength(text, 'utf8') + 1);
    }
    at += buffer.write(text, at, 'utf8');
  };
  // Records csv-stringify writes, a run of them (in a file of JSON arrays, the whole batch) at a time.
  const run: (readonly string[])[] = [];
  const putRun = async () => {
    // csv-stringify only reads its input (its type asks for a mutable one).
    const text = stringify(run as string[][], options);
    run.length = 0;
    await put(text);
  };
  try {
    await put(stringify([], { ...options, header: true }));
    for await (const batch of args.rows) {
      rows += batch.length;
      for (let i = 0; i < batch.length; i += 1) {
        const record = batch[i]!;
        const line = plainLine(record, width);
        if (line === undefined) {
          run.push(record);
          continue;
        }
        if (run.length > 0) await putRun();
        // The usual line: no promise of its own.
        if (fits(line)) at += buffer.write(line, at, 'utf8');
        else await put(line);
        buffer[at++] = 10; // \n, room kept by `fits`
      }
      if (run.length > 0) await putRun();
    }
    if (at > 0) await flush();
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
