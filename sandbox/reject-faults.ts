import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { LeadEtlError } from '../core/errors.js';
import { addDays, parseFileDate, type FileDate } from '../core/file-date.js';
import type { ColumnSpec, FileTypeSpec } from '../transform/file-type-spec.js';
import type { SetProblem } from './set-validator.js';

/**
 * Faults a rehearsal asks the sandbox for: `--reject <date or day index>:<file type>` makes Lead reject
 * the first version of that file, with a reason of the kind Lead gives (a line, a column, a rule), so
 * an operator practises reading the alert, fixing, and sending the next version. Every later version
 * passes. The reason says it was injected, so nobody goes looking for it in the ledger.
 */
export interface RejectFault {
  /** A file date, or a day index counted from Day 0 (Day 0 is index 0). */
  readonly day: FileDate | number;
  readonly fileType: string;
}

export function parseRejectFault(text: string, fileTypes: readonly string[]): RejectFault {
  const match = /^([^:]+):([a-z_]+)$/.exec(text.trim());
  if (!match) throw new LeadEtlError('USAGE', `--reject takes <date or day index>:<file type>, e.g. 2026-03-07:balances or 1:balances; got "${text}"`);
  const [, dayText, fileType] = match as unknown as [string, string, string];
  if (!fileTypes.includes(fileType)) {
    throw new LeadEtlError('USAGE', `--reject ${text}: ${fileType} is not a file type this program sends (${fileTypes.join(', ')})`);
  }
  if (/^\d{1,4}$/.test(dayText)) return { day: Number(dayText), fileType };
  try {
    return { day: parseFileDate(dayText, `--reject ${text}`), fileType };
  } catch (error) {
    throw new LeadEtlError('USAGE', (error as Error).message);
  }
}

export function faultApplies(fault: RejectFault, fileDate: string, fileType: string, day0: FileDate | undefined): boolean {
  if (fault.fileType !== fileType) return false;
  if (typeof fault.day === 'string') return fault.day === fileDate;
  return day0 !== undefined && addDays(day0, fault.day) === fileDate;
}

const INJECTED = '(injected by --reject)';

/** Which column of the first record the fault quotes, and what Lead says about it, by column kind. */
const FAULT_REASONS: ReadonlyArray<{ applies: (c: ColumnSpec) => boolean; rule: string; message: (value: string) => string }> = [
  {
    applies: (c) => c.type.kind === 'money' && c.required,
    rule: 'reconciliation',
    message: (v) => `"${v}" does not reconcile with the previous day's balance and the day's transactions`,
  },
  {
    applies: (c) => c.type.kind === 'enum' && c.required,
    rule: 'program_configuration',
    message: (v) => `"${v}" is not enabled in the program configuration`,
  },
  {
    applies: (c) => c.type.kind === 'timestamp' && c.name === 'effective_at',
    rule: 'effective_at',
    message: (v) => `"${v}" is not later than the effective_at already on file for this record`,
  },
];

/** The problem the fault reports for a file: its first record, or its header when it has none. */
export async function injectedProblem(path: string, spec: FileTypeSpec): Promise<SetProblem> {
  let records: string[][] = [];
  try {
    records = parse(await readFile(path, 'utf8'), { delimiter: '|', relax_column_count: true, skip_empty_lines: true });
  } catch {
    // An unreadable file is reported by the validator; the fault still rejects it.
  }
  const [header = [], first] = records;
  if (first) {
    for (const reason of FAULT_REASONS) {
      const column = spec.columns.find(reason.applies);
      const at = column ? header.indexOf(column.name) : -1;
      if (column && at >= 0 && first[at]) {
        return { file: path, line: 2, column: column.name, rule: reason.rule, message: `${reason.message(first[at]!)} ${INJECTED}` };
      }
    }
    return { file: path, line: 2, column: spec.recordIdColumn, rule: 'record.duplicate', message: `this record was already submitted in an earlier file ${INJECTED}` };
  }
  return { file: path, line: 1, column: spec.columns[0]?.name ?? '', rule: 'header.columns', message: `the header does not match the schema agreed for ${spec.id} ${INJECTED}` };
}
