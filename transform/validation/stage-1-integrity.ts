import { hash } from 'node:crypto';
import { recordIdColumnsOf } from '../file-type-spec.js';
import type { FileColumns } from './file-columns.js';
import type { FindingList } from './judge.js';
import { INTEGRITY } from './rule-catalog.js';
import type { LineRepeat } from './set-memory.js';

/**
 * Stage 1, file integrity (sftp-process.md §1): is this a well-formed Lead file at all? The header is
 * checked once; then each line for its field count and for ids and rows seen earlier in the same file.
 * The file name, bytes and CSV syntax are checked by the reader (validate-files.ts, byte-checks.ts).
 */
export interface HeaderCheck {
  /** No row can be read (wrong delimiter, no header): later lines are not looked at. */
  readonly fatal: boolean;
  /** Where each of the spec's columns sits in a line, by its name in the program's spec. */
  readonly positions: ReadonlyMap<string, number>;
}

export function checkHeader(cells: readonly string[], columns: FileColumns, findings: FindingList): HeaderCheck {
  const positions = new Map<string, number>();
  const at = (column: string, rule: { code: Parameters<FindingList['add']>[2] }, message: string) => findings.add(1, column, rule.code, message);
  const spec = columns.spec;
  const known = (name: string) => columns.column(name) !== undefined;
  const aliasOf = (name: string) => spec.columns.find((c) => c.aliases?.includes(name));
  const start = `${spec.columns.slice(0, 3).map((c) => c.name).join('|')}|...`;

  if (cells.length === 1 && /[,;]/.test(cells[0]!) && !known(cells[0]!)) {
    const used = cells[0]!.includes(';') && !cells[0]!.includes(',') ? 'semicolons' : 'commas';
    at('', INTEGRITY.delimiter, `the header is separated by ${used}; Lead reads only pipe-delimited files (${start})`);
    return { fatal: true, positions };
  }
  if (!cells.some((cell) => known(cell.trim().toLowerCase()) || aliasOf(cell.trim().toLowerCase()))) {
    at('', INTEGRITY.headerMissing, `the first line is not the ${spec.title} header: none of its fields names a column (the header starts ${start})`);
    return { fatal: true, positions };
  }

  cells.forEach((cell, index) => {
    const lower = cell.toLowerCase();
    const alias = aliasOf(lower);
    const name = known(cell) ? cell : known(lower) ? lower : alias?.name;
    if (name !== undefined && positions.has(name)) {
      at(name, INTEGRITY.duplicateColumn, `column ${name} is in the header twice (fields ${positions.get(name)! + 1} and ${index + 1})`);
    } else if (known(cell)) {
      positions.set(cell, index);
    } else if (known(lower)) {
      at(lower, INTEGRITY.headerCase, `header "${cell}" must be written in lower case: ${lower}`);
      positions.set(lower, index);
    } else if (alias) {
      at(cell, INTEGRITY.headerSpelling, `header ${cell} is read as ${alias.name}, as Lead's file page spells it; Lead has not confirmed which spelling the file takes`);
      positions.set(alias.name, index);
    } else {
      at(cell, INTEGRITY.unknownColumn, `${spec.id} has no column "${cell}"; remove it, or add it to the program profile if Lead agreed it`);
    }
  });
  for (const column of spec.columns) {
    if (positions.has(column.name)) continue;
    if (column.presenceUnknown) {
      at(column.name, INTEGRITY.uncertainColumn, `column ${column.name} is not in the header; Lead has not confirmed the file has it, so it is read without it`);
    } else {
      at(column.name, INTEGRITY.missingColumn, column.required
        ? `required column ${column.name} is not in the header`
        : `optional column ${column.name} is not in the header; keep its header and leave its values empty`);
    }
  }
  const order = spec.columns.map((c) => c.name).filter((name) => positions.has(name));
  const inFile = [...positions.entries()].sort((a, b) => a[1] - b[1]).map(([name]) => name);
  const moved = inFile.findIndex((name, i) => name !== order[i]);
  if (moved >= 0) {
    at(inFile[moved]!, INTEGRITY.columnOrder, `the columns are not in the ${spec.title} order (${order[moved]} is expected here); Lead matches headers by name as far as we know, but has not said so`);
  }
  return { fatal: false, positions };
}

/**
 * The id of a record in the file (several columns joined for pair records); '' when it has none. A
 * record known by another id column when its own is empty (a balance created by API: Lead's `id`)
 * takes that one.
 */
export function recordKeyOf(columns: FileColumns, cell: (fileName: string) => string): string {
  let key = keyReaders.get(columns);
  if (!key) keyReaders.set(columns, (key = keyReader(columns)));
  return key(cell);
}

/** Every row asks its key: which columns make it is settled once per file's columns. */
const keyReaders = new WeakMap<FileColumns, (cell: (fileName: string) => string) => string>();

function keyReader(columns: FileColumns): (cell: (fileName: string) => string) => string {
  const ids = recordIdColumnsOf(columns.spec);
  const others = (columns.spec.produces?.columns ?? []).map((lead) => columns.fileName(lead)).filter((name): name is string => !!name);
  const other = (cell: (fileName: string) => string) => {
    for (const name of others) {
      const value = cell(name);
      if (value !== '') return value;
    }
    return '';
  };
  if (ids.length === 1) {
    const id = ids[0]!;
    return (cell) => {
      const value = cell(id);
      return value !== '' ? value : other(cell);
    };
  }
  return (cell) => {
    const values = ids.map(cell);
    return values.every((v) => v === '') ? other(cell) : values.join(' + ');
  };
}

/** Per-file memory of the lines seen: a short hash per row and the ids, nothing else (or a spool of them). */
export interface LineIntegrity {
  /**
   * Checks one line; a line whose field count is wrong is not read further (`readable` false). `text`:
   * the cells joined by U+001F, which the row's hash is taken of.
   */
  check(line: number, cells: readonly string[], key: string, text: string): { readable: boolean };
}

// Every line answers one of these two: shared, not an object per line.
const READABLE = Object.freeze({ readable: true });
const UNREADABLE = Object.freeze({ readable: false });

export function lineIntegrity(columns: FileColumns, headerLength: number, findings: FindingList): LineIntegrity {
  const rows = new Map<string, number>();
  const ids = new Map<string, number>();
  return {
    check(line, cells, key, text) {
      if (!fieldCount(line, cells, headerLength, findings)) return UNREADABLE;
      const hash = rowHash(text);
      const sameRow = rows.get(hash);
      if (sameRow !== undefined) {
        repeatFinding(columns, findings, { line, key, sameRow });
        return READABLE;
      }
      rows.set(hash, line);
      if (key !== '') {
        const sameId = ids.get(key);
        if (sameId !== undefined) {
          repeatFinding(columns, findings, { line, key, sameId });
          return READABLE;
        }
        ids.set(key, line);
      }
      return READABLE;
    },
  };
}

/**
 * The same checks with the lines kept elsewhere: each readable line's hash and key go to `spool`, for the
 * set's memory (LineMemory), and the repeats come back when the file ends (`repeatFinding`).
 */
export function spooledLineIntegrity(headerLength: number, findings: FindingList, spool: [number, string, string][]): LineIntegrity {
  return {
    check(line, cells, key, text) {
      if (!fieldCount(line, cells, headerLength, findings)) return UNREADABLE;
      spool.push([line, rowHash(text), key]);
      return READABLE;
    },
  };
}

export function repeatFinding(columns: FileColumns, findings: FindingList, repeat: LineRepeat): void {
  if ('sameRow' in repeat) {
    findings.add(repeat.line, '', INTEGRITY.duplicateRow.code, `repeats line ${repeat.sameRow} whole; send each record once`);
    return;
  }
  const idColumn = columns.fileName(recordIdColumnsOf(columns.spec)[0]!) ?? recordIdColumnsOf(columns.spec)[0]!;
  findings.add(repeat.line, idColumn, INTEGRITY.duplicateId.code, `record ${repeat.key} is already on line ${repeat.sameId}; a file carries each record once`);
}

function fieldCount(line: number, cells: readonly string[], headerLength: number, findings: FindingList): boolean {
  if (cells.length === headerLength) return true;
  const message = cells.length === 1 && cells[0] === ''
    ? `empty line; every line has the header's ${headerLength} fields (an empty file keeps just its header)`
    : `${cells.length} fields where the header has ${headerLength}; a value holding "|" must be quoted`;
  findings.add(line, '', INTEGRITY.columnCount.code, message);
  return false;
}

// One-shot: a Hash object per line cost more than the digest itself (the same sha1 bytes either way).
const rowHash = (text: string) => hash('sha1', text, 'base64').slice(0, 16);

/** A line's cells as its hash reads them: a separator no value of a readable line holds. */
export const lineText = (cells: readonly string[]): string => cells.join('\u001f');
