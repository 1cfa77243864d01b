import { createReadStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Transaction } from 'kysely';
import { copyRows, copyText } from '../../core/database.js';
import { recordIdColumnsOf, type FileTypeSpec } from '../../transform/file-type-spec.js';
import { canonicalHash } from '../../transform/submission-rules.js';

/**
 * What a file carried, record by record, taken from the rows on their way to the CSV writer: each row's
 * record goes to a local spool file in COPY text format while the file is built, and the spool is
 * loaded with one COPY in the state transaction that records the file, once the file has its id. No file
 * is parsed back to learn what it holds.
 *
 * A record keeps only what a later rule reads (docs/state-store.md):
 *   record_id     every type: new-only's "sent once", references and ids known (knownIds)
 *   content_hash  full-overwrite only, the one rule that compares a record's content with the last sent
 *   effective_at  types with an effective_at column (a re-sent record's must be later)
 *   terminal      types with terminal states (never sent again; the validator's terminal check)
 *   tracked       the columns an updates-only type may change (Transactions' settlement_date), as sent
 * A daily snapshot such as Balances thus records its ids and terminal states, no hash.
 */
export const SUBMITTED_RECORD_COLUMNS = ['file_id', 'file_type', 'record_id', 'content_hash', 'effective_at', 'terminal', 'tracked'] as const;

export interface SubmittedRowSpool {
  /** Passes batches of rows through unchanged, spooling each row's record. */
  tap(batches: AsyncIterable<readonly string[][]>): AsyncGenerator<readonly string[][]>;
  /** Loads the spooled records as rows of file `fileId` (inside the state transaction), then drops the spool. */
  copyInto(trx: Transaction<any>, fileId: string): Promise<number>;
  readonly rows: number;
}

/** The folder a run's spools live in under the archive's `.building/`; removed with the run's other temporary files. */
export const spoolDirOf = (archiveDir: string, runId: string): string => join(archiveDir, '.building', `${runId}.records`);

/** Columns of each new-only type that an updates-only type may change later (settlement_date...). */
export function trackedColumnsOf(spec: FileTypeSpec, programSpecs: readonly FileTypeSpec[]): string[] {
  if (spec.rule === 'updates-only') return [...(spec.updatableColumns ?? [])];
  return programSpecs.filter((s) => s.updates === spec.id).flatMap((s) => s.updatableColumns ?? []);
}

/** The part of a COPY line every record of a file shares is added when it is loaded: `<file id>\t<file type>\t`. */
export function submittedRecordLine(spec: FileTypeSpec, trackedColumns: readonly string[]): (values: readonly string[]) => string {
  const at = (name: string) => spec.columns.findIndex((c) => c.name === name);
  const idAt = recordIdColumnsOf(spec).map(at);
  const hashed = spec.rule === 'full-overwrite';
  const effectiveAt = spec.effectiveAtColumn ? at(spec.effectiveAtColumn) : -1;
  const terminalAt = spec.terminal ? at(spec.terminal.column) : -1;
  const terminalValues = new Set(spec.terminal?.values ?? []);
  const tracked = trackedColumns.map((name) => ({ at: at(name), key: `${JSON.stringify(name)}:` })).filter((t) => t.at >= 0);
  return (values) => {
    const id = idAt.length === 1 ? values[idAt[0]!] ?? '' : idAt.map((i) => values[i] ?? '').join('/');
    const when = effectiveAt >= 0 ? values[effectiveAt] ?? '' : '';
    let json = '\\N';
    if (tracked.length > 0) {
      json = '{';
      for (let i = 0; i < tracked.length; i += 1) json += `${i === 0 ? '' : ','}${tracked[i]!.key}${JSON.stringify(values[tracked[i]!.at] ?? '')}`;
      json = copyText(`${json}}`);
    }
    return `${copyText(id)}\t${hashed ? canonicalHash(spec, values) : '\\N'}\t${when === '' ? '\\N' : copyText(when)}\t${terminalAt >= 0 && terminalValues.has(values[terminalAt] ?? '') ? 't' : 'f'}\t${json}\n`;
  };
}

const SPOOL_CHUNK = 256 * 1024;

export function createSubmittedRowSpool(spec: FileTypeSpec, trackedColumns: readonly string[], dir: string): SubmittedRowSpool {
  const line = submittedRecordLine(spec, trackedColumns);
  const path = join(dir, `${spec.id}.${process.hrtime.bigint()}.copy`);
  let rows = 0;
  let spooled = false;
  return {
    get rows() {
      return rows;
    },
    async *tap(source) {
      await mkdir(dir, { recursive: true });
      const handle = await open(path, 'wx');
      let text = '';
      try {
        for await (const batch of source) {
          for (let i = 0; i < batch.length; i += 1) text += line(batch[i]!);
          rows += batch.length;
          if (text.length >= SPOOL_CHUNK) {
            await handle.write(text);
            text = '';
          }
          yield batch;
        }
        await handle.write(text);
        spooled = true;
      } finally {
        await handle.close();
      }
    },
    async copyInto(trx, fileId) {
      if (!spooled) throw new Error(`${spec.id}: the records of its file were not spooled (the file was not built through the spool's tap)`);
      if (rows > 0) await copyRows(trx, 'lead_etl.submitted_record', SUBMITTED_RECORD_COLUMNS, withFilePrefix(path, `${fileId}\t${copyText(spec.id)}\t`));
      await rm(path, { force: true });
      return rows;
    },
  };
}

/**
 * The spool's lines, each prefixed with the file's id and type, in chunks that end at a line end. The
 * bytes pass as latin1 text, one character per byte, so UTF-8 sequences split between reads stay whole.
 */
async function* withFilePrefix(path: string, prefix: string): AsyncGenerator<Buffer> {
  let rest = '';
  for await (const chunk of createReadStream(path, { highWaterMark: SPOOL_CHUNK })) {
    const text = rest + (chunk as Buffer).toString('latin1');
    const end = text.lastIndexOf('\n');
    if (end < 0) {
      rest = text;
      continue;
    }
    rest = text.slice(end + 1);
    yield Buffer.from(`${prefix}${text.slice(0, end).replaceAll('\n', `\n${prefix}`)}\n`, 'latin1');
  }
  if (rest !== '') throw new Error(`${path}: the spool ends in the middle of a line`);
}

/** Records the rows of a file made elsewhere (`lead-etl mark-uploaded`), read from `rows`, straight to COPY. */
export async function copyRecordsOf(trx: Transaction<any>, spec: FileTypeSpec, fileId: string, trackedColumns: readonly string[], rows: AsyncIterable<string[]>): Promise<number> {
  const line = submittedRecordLine(spec, trackedColumns);
  const prefix = `${fileId}\t${copyText(spec.id)}\t`;
  let count = 0;
  async function* chunks(): AsyncGenerator<Buffer> {
    let text = '';
    for await (const values of rows) {
      text += prefix + line(values);
      count += 1;
      if (text.length >= SPOOL_CHUNK) {
        yield Buffer.from(text, 'utf8');
        text = '';
      }
    }
    if (text !== '') yield Buffer.from(text, 'utf8');
  }
  await copyRows(trx, 'lead_etl.submitted_record', SUBMITTED_RECORD_COLUMNS, chunks());
  return count;
}
