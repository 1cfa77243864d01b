import type { FileColumns } from './file-columns.js';
import type { FindingList, Judge } from './judge.js';
import { FORMAT, INTEGRITY } from './rule-catalog.js';
import type { ProgramFacts, RecordContext, RowView } from './rule-types.js';
import { checkHeader, lineIntegrity, recordKeyOf, spooledLineIntegrity, type HeaderCheck, type LineIntegrity } from './stage-1-integrity.js';
import { checkValue, isNullLiteral } from './stage-2-format.js';
import { checkRecord } from './stage-3-record.js';
import { fileTypeById } from '../file-types/registry.js';
import { collectRow, type FileFacts } from './stage-4-cross.js';

/**
 * The checks of one file's rows, one row at a time, whoever produces them: `lead-etl validate` and
 * Lead's sandbox hand over what csv-parse read from a file (validate-files.ts, which also checks the
 * bytes and the CSV syntax), the run pipeline the values it writes, in the same pass as the CSV writer
 * (jobs/build-date-files.ts), so it never reads its own files back. Per row: the field count and
 * duplicates (stage 1), each value's format (stage 2), the record rules (stage 3), and what the row
 * teaches the set (stage 4's collectRow).
 */
export interface RowCheckContext {
  readonly programCurrency: string;
  readonly judge: Judge;
  readonly program: ProgramFacts;
  readonly depositProgram: boolean;
  /** The type of a balance the set reported, for amounts and rules that differ for credit. */
  readonly balanceType: (balanceId: string) => 'deposit' | 'credit' | undefined;
  /** After a row: hands a full batch of what the file gathered to the set's memory; undefined when there is none. */
  readonly flush: () => Promise<void> | undefined;
}

export interface RowChecker {
  /** Line 1. A fatal header (no row can be read) stops the file. */
  header(cells: readonly string[]): HeaderCheck;
  /**
   * One line after the header, its cells in the header's order. A promise when the row filled a batch
   * for the set's memory: await it before the next row.
   */
  row(line: number, cells: readonly string[]): Promise<void> | undefined;
  /** Data rows seen. */
  readonly rows: number;
  /** Every row had the header's field count. */
  readonly readable: boolean;
  /**
   * A stray carriage return was reported (once per file): the file reader sets it when it names a
   * line ending, and a CR inside a value is then not named again.
   */
  lineEndingReported: boolean;
}

/** `lines`: where each line's hash and key go for the set's memory to find repeats (else stage 1 keeps them). */
export function createRowChecker(columns: FileColumns, context: RowCheckContext, facts: FileFacts | undefined, findings: FindingList, lines?: [number, string, string][]): RowChecker {
  const spec = columns.spec;
  const records = spec.validation?.records ?? [];
  const dropped = droppedOf(columns);
  const recordContext: RecordContext = { balanceType: context.balanceType, program: context.program };
  let positions: ReadonlyMap<string, number> = new Map();
  let integrity: LineIntegrity | undefined;
  let record: readonly string[] = [];
  const overrides = new Map<string, string>();
  const failed = new Set<string>();
  const cell = (name: string) => {
    const at = positions.get(name);
    return overrides.get(name) ?? (at === undefined ? '' : record[at] ?? '');
  };
  const valueContext = {
    rowCurrency: cell,
    programCurrency: context.programCurrency,
    balanceType: () => context.balanceType(cell(columns.fileName('balance_id') ?? '')),
    depositProgram: context.depositProgram,
  };
  const view: RowView = { get: (lead) => cell(columns.fileName(lead) ?? '') };
  const unreadable = (lead: string) => {
    const name = columns.fileName(lead);
    return dropped.has(lead) || (name !== undefined && (failed.has(name) || !positions.has(name)));
  };
  const failedOrAbsent = (name: string) => failed.has(name) || !positions.has(name);

  let rows = 0;
  let readable = true;
  const checker: RowChecker = {
    get rows() {
      return rows;
    },
    get readable() {
      return readable;
    },
    lineEndingReported: false,
    header(cells) {
      const header = checkHeader(cells, columns, findings);
      if (header.fatal) {
        readable = false;
        return header;
      }
      positions = header.positions;
      integrity = lines ? spooledLineIntegrity(cells.length, findings, lines) : lineIntegrity(columns, cells.length, findings);
      return header;
    },
    row(line, cells) {
      rows += 1;
      record = cells;
      overrides.clear();
      failed.clear();
      if (!integrity!.check(line, cells, recordKeyOf(columns, cell)).readable) {
        readable = false;
        return context.flush();
      }
      for (const column of spec.columns) {
        if (!positions.has(column.name)) continue;
        const value = cell(column.name);
        if (value.includes('\r')) {
          // A carriage return inside a value: named once, as what it is, and the value is not judged.
          failed.add(column.name);
          if (!checker.lineEndingReported) {
            checker.lineEndingReported = true;
            findings.add(line, column.name, INTEGRITY.lineEndings.code, `${column.name} holds a carriage return (a stray CR in the line); remove it`);
          }
          continue;
        }
        if (value.includes('|') || value.includes('\n')) {
          findings.add(line, column.name, FORMAT.delimiterInValue.code, `${column.name} holds ${value.includes('|') ? 'a "|"' : 'a line break'}, quoted; Lead has not said how it reads quoted values, so keep them out of values if you can`);
        }
        if (!column.required && isNullLiteral(value)) {
          findings.add(line, column.name, FORMAT.nullLiteral.code, `${column.name} is the word ${value}; it is read as empty, as Lead's Non-posted page seems to mean, but leave it empty`);
          overrides.set(column.name, '');
          continue;
        }
        for (const problem of checkValue(column, value, valueContext)) {
          findings.add(line, column.name, problem.rule, `${column.name} ${problem.message}`);
          if (context.judge.severity(problem.rule) === 'error') failed.add(column.name);
        }
      }
      checkRecord(records, view, recordContext, line, columns, unreadable, findings);
      if (facts) collectRow(facts, line, cell, failedOrAbsent);
      return context.flush();
    },
  };
  return checker;
}

/** Lead's names of the spec's columns the program's file does not have (its profile dropped them). */
function droppedOf(columns: FileColumns): ReadonlySet<string> {
  return new Set(fileTypeById(columns.spec.id).columns.map((c) => c.name).filter((lead) => columns.fileName(lead) === undefined));
}
