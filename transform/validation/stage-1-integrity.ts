import { createHash } from 'node:crypto';
import { recordIdColumnsOf } from '../file-type-spec.js';
import type { FileColumns } from './file-columns.js';
import { finding, type Finding } from './finding.js';

/**
 * Stage 1, file integrity (sftp-process.md §1): is this a well-formed Lead file at all? The header is
 * checked once; then each line for its field count and for ids and rows seen earlier in the same file.
 * The file name, bytes and CSV syntax are checked by the reader (validate-files.ts, byte-checks.ts).
 */
export interface HeaderCheck {
  readonly findings: Finding[];
  /** No row can be read (wrong delimiter, no header): later lines are not looked at. */
  readonly fatal: boolean;
  /** Where each of the spec's columns sits in a line, by its name in the program's spec. */
  readonly positions: ReadonlyMap<string, number>;
}

export function checkHeader(file: string, cells: readonly string[], columns: FileColumns): HeaderCheck {
  const findings: Finding[] = [];
  const positions = new Map<string, number>();
  const at = (column: string, rule: Parameters<typeof finding>[3], message: string) => findings.push(finding(file, 1, column, rule, message));
  const spec = columns.spec;
  const known = (name: string) => columns.column(name) !== undefined;

  if (cells.length === 1 && /[,;]/.test(cells[0]!) && !known(cells[0]!)) {
    const used = cells[0]!.includes(';') && !cells[0]!.includes(',') ? 'semicolons' : 'commas';
    at('', 'integrity.delimiter', `the header is separated by ${used}; Lead reads only pipe-delimited files (${spec.columns.slice(0, 3).map((c) => c.name).join('|')}|...)`);
    return { findings, fatal: true, positions };
  }
  if (!cells.some((cell) => known(cell.trim().toLowerCase()))) {
    at('', 'integrity.header_missing', `the first line is not the ${spec.title} header: none of its fields names a column (the header starts ${spec.columns.slice(0, 3).map((c) => c.name).join('|')}|...)`);
    return { findings, fatal: true, positions };
  }

  cells.forEach((cell, index) => {
    const lower = cell.toLowerCase();
    if (positions.has(cell) || (cell !== lower && positions.has(lower))) {
      at(lower, 'integrity.duplicate_column', `column ${lower} is in the header twice (fields ${positions.get(lower)! + 1} and ${index + 1})`);
    } else if (known(cell)) {
      positions.set(cell, index);
    } else if (known(lower)) {
      at(lower, 'integrity.header_case', `header "${cell}" must be written in lower case: ${lower}`);
      positions.set(lower, index);
    } else {
      at(cell, 'integrity.unknown_column', `${spec.id} has no column "${cell}"; remove it, or add it to the program profile if Lead agreed it`);
    }
  });
  for (const column of spec.columns) {
    if (positions.has(column.name)) continue;
    at(column.name, 'integrity.missing_column', column.required
      ? `required column ${column.name} is not in the header`
      : `optional column ${column.name} is not in the header; keep its header and leave its values empty`);
  }
  return { findings, fatal: false, positions };
}

/** The id of a record in the file (several columns joined for pair records); '' when it has none. */
export function recordKeyOf(columns: FileColumns, cell: (fileName: string) => string): string {
  const ids = recordIdColumnsOf(columns.spec).map(cell);
  // A balance created through Lead's API is known by Lead's `id`, not a client_balance_id (balances.md).
  if (columns.spec.id === 'balances' && ids.every((v) => v === '')) {
    const id = columns.fileName('id');
    return id ? cell(id) : '';
  }
  return ids.every((v) => v === '') ? '' : ids.join(' + ');
}

/** Per-file memory of the lines seen: a short hash per row and the ids, nothing else. */
export interface LineIntegrity {
  /** Findings for this line; a line whose field count is wrong is not read further. */
  check(line: number, cells: readonly string[], key: string): { findings: Finding[]; readable: boolean };
}

export function lineIntegrity(file: string, columns: FileColumns, headerLength: number): LineIntegrity {
  const rows = new Map<string, number>();
  const ids = new Map<string, number>();
  const idColumn = recordIdColumnsOf(columns.spec)[0]!;
  return {
    check(line, cells, key) {
      if (cells.length !== headerLength) {
        const message = cells.length === 1 && cells[0] === ''
          ? `empty line; every line has the header's ${headerLength} fields (an empty file keeps just its header)`
          : `${cells.length} fields where the header has ${headerLength}; a value holding "|" must be quoted`;
        return { findings: [finding(file, line, '', 'integrity.column_count', message)], readable: false };
      }
      const hash = createHash('sha1').update(cells.join('\u001f')).digest('base64').slice(0, 16);
      const sameRow = rows.get(hash);
      if (sameRow !== undefined) {
        return { findings: [finding(file, line, '', 'integrity.duplicate_row', `repeats line ${sameRow} whole; send each record once`)], readable: true };
      }
      rows.set(hash, line);
      if (key !== '') {
        const sameId = ids.get(key);
        if (sameId !== undefined) {
          return { findings: [finding(file, line, idColumn, 'integrity.duplicate_id', `record ${key} is already on line ${sameId}; a file carries each record once`)], readable: true };
        }
        ids.set(key, line);
      }
      return { findings: [], readable: true };
    },
  };
}
