import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parse } from 'csv-parse/sync';
import { recordIdColumnsOf, type FileTypeSpec } from '../transform/file-type-spec.js';

/**
 * How the sandbox checks a workflow set before it passes it: any function with this shape. By default
 * the sandbox uses Lead's full checks (preflight-validator.ts); the minimal one here is for files made
 * by hand that only need to be well formed. `fileDate` is the date in the name, or the batch id for a
 * Customer batch. `file` in a problem is the path it was given.
 */
export interface FileToValidate {
  readonly path: string;
  readonly fileType: string;
  readonly fileDate: string;
  readonly version: number;
}

export interface SetProblem {
  readonly file: string;
  /** 1-based; the header is line 1. */
  readonly line: number;
  readonly column: string;
  readonly rule: string;
  readonly message: string;
}

export type SetValidator = (files: FileToValidate[]) => Promise<SetProblem[]>;

// Lead's first stage is file integrity; past a few problems a file is rejected anyway, so the rest of
// a badly broken file is not worth listing.
const MAX_PROBLEMS_PER_FILE = 50;

/**
 * Lead's first two stages as far as the sandbox can tell them without reconciling: the file reads as
 * pipe-delimited UTF-8 without BOM; the header is the agreed columns, in order, case as agreed; each
 * line has as many values as the header; required values are present; a record appears once. It does
 * not check value formats or cross-file rules.
 */
export function createBuiltInValidator(specs: readonly FileTypeSpec[]): SetValidator {
  return async (files) => {
    const problems: SetProblem[] = [];
    for (const file of files) {
      const spec = specs.find((s) => s.id === file.fileType);
      if (!spec) {
        problems.push({ file: file.path, line: 1, column: '', rule: 'file_type', message: `${file.fileType} is not a file type of this program` });
        continue;
      }
      problems.push(...checkFile(file.path, await readFile(file.path), spec).slice(0, MAX_PROBLEMS_PER_FILE));
    }
    return problems;
  };
}

function checkFile(path: string, bytes: Buffer, spec: FileTypeSpec): SetProblem[] {
  const problem = (line: number, column: string, rule: string, message: string): SetProblem => ({ file: path, line, column, rule, message });
  const expected = spec.columns.map((c) => c.name);
  if (bytes.length === 0) return [problem(1, expected[0] ?? '', 'header.missing', 'the file is empty; even a day without records needs the header line')];
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return [problem(1, expected[0] ?? '', 'encoding.bom', 'the file starts with a byte order mark, which becomes part of the first header name')];
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(bytes.toString('utf8'), { delimiter: '|', relax_column_count: true, info: true, skip_empty_lines: true }) as unknown as typeof records;
  } catch (error) {
    const line = Number((error as { lines?: number }).lines ?? 1);
    return [problem(line, '', 'file.format', `does not read as pipe-delimited CSV: ${(error as Error).message}`)];
  }
  const [header, ...rows] = records;
  if (!header) return [problem(1, expected[0] ?? '', 'header.missing', 'no header line')];
  const problems: SetProblem[] = [];
  const got = header.record;
  const at = got.findIndex((name, i) => name !== expected[i]);
  if (at >= 0 || got.length !== expected.length) {
    const i = at >= 0 ? at : Math.min(got.length, expected.length);
    problems.push(problem(1, expected[i] ?? got[i] ?? '', 'header.columns',
      `header column ${i + 1} is ${got[i] === undefined ? 'missing' : `"${got[i]}"`} where ${expected[i] === undefined ? 'no further column' : `"${expected[i]}"`} is expected (${basename(path)} must have the header ${expected.join('|')})`));
    return problems;
  }
  const ids = recordIdColumnsOf(spec).map((name) => expected.indexOf(name));
  const seen = new Map<string, number>();
  for (const { record, info } of rows) {
    const line = info.lines;
    if (record.length !== expected.length) {
      problems.push(problem(line, expected[Math.min(record.length, expected.length - 1)] ?? '', 'line.columns', `has ${record.length} values; the header has ${expected.length}`));
      continue;
    }
    spec.columns.forEach((column, i) => {
      if (column.required && record[i] === '') problems.push(problem(line, column.name, 'required', 'is required but empty'));
    });
    const key = ids.map((i) => record[i] ?? '').join('|');
    if (ids.every((i) => record[i] !== '')) {
      const first = seen.get(key);
      if (first !== undefined) problems.push(problem(line, expected[ids[0]!] ?? '', 'record.duplicate', `the same record as line ${first}; each record appears once in a file`));
      else seen.set(key, line);
    }
  }
  return problems;
}
