import type { FileColumns } from './file-columns.js';
import type { FindingList, Judge } from './judge.js';
import { FORMAT, INTEGRITY } from './rule-catalog.js';
import type { ProgramFacts, RecordContext, RowView } from './rule-types.js';
import { checkHeader, lineIntegrity, lineText, recordKeyOf, spooledLineIntegrity, type HeaderCheck, type LineIntegrity } from './stage-1-integrity.js';
import { isNullLiteral, valueCheckerOf } from './stage-2-format.js';
import { checkRecord, recordPlans, type RecordPlan } from './stage-3-record.js';
import { fileTypeById } from '../file-types/registry.js';
import { collectRow, type FileFacts, type RowCells } from './stage-4-cross.js';

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
  /** The line breaks inside the values of the last row given: the lines it took beyond its own. */
  readonly breaks: number;
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

/** What a value may hold that is named (a carriage return, a line break, the delimiter). */
const SPECIAL = /[\r\n|]/;

/** `lines`: where each line's hash and key go for the set's memory to find repeats (else stage 1 keeps them). */
export function createRowChecker(columns: FileColumns, context: RowCheckContext, facts: FileFacts | undefined, findings: FindingList, lines?: [number, string, string][]): RowChecker {
  const spec = columns.spec;
  const records = spec.validation?.records ?? [];
  const dropped = droppedOf(columns);
  // A row asks its balance's type for an amount's decimals and for a record rule: asked once per row.
  let balanceAsked = false;
  let balanceId = '';
  let balanceType: 'deposit' | 'credit' | undefined;
  const typeOfBalance = (id: string) => {
    if (!balanceAsked || id !== balanceId) {
      balanceType = context.balanceType(id);
      balanceId = id;
      balanceAsked = true;
    }
    return balanceType;
  };
  const recordContext: RecordContext = { balanceType: typeOfBalance, program: context.program };
  const width = spec.columns.length;
  // Per spec column: where it sits in a line (-1: not in the header), its value on the current row (a
  // null literal read as empty once it is judged), and whether that value failed its format.
  const byName = new Map(spec.columns.map((c, j) => [c.name, j]));
  // `free`: a text with no length limit, which only an empty value can fail (most ids): not asked otherwise.
  const checks = spec.columns.map((column) => ({
    name: column.name, optional: !column.required, free: column.type.kind === 'string' && column.maxLength === undefined, check: valueCheckerOf(column),
  }));
  let at: number[] = [];
  const values: string[] = new Array<string>(width).fill('');
  const failed = new Uint8Array(width);
  let integrity: LineIntegrity | undefined;
  let plans: readonly RecordPlan[] = [];
  // Lead's name to the spec column the program's file has for it (-1: none), asked once per name.
  const leadAt = new Map<string, number>();
  const indexOfLead = (lead: string) => {
    let j = leadAt.get(lead);
    if (j === undefined) {
      const name = columns.fileName(lead);
      leadAt.set(lead, (j = name === undefined ? -1 : byName.get(name) ?? -1));
    }
    return j;
  };
  const unusable = (j: number) => failed[j] === 1 || at[j]! < 0;
  const cell = (name: string) => {
    const j = byName.get(name);
    return j === undefined ? '' : values[j]!;
  };
  const row: RowCells = {
    cell,
    failedOrAbsent: (name) => {
      const j = byName.get(name);
      return j === undefined || unusable(j);
    },
    view: {
      get: (lead) => {
        const j = indexOfLead(lead);
        return j < 0 ? '' : values[j]!;
      },
    },
    usable: {
      get: (lead) => {
        const j = indexOfLead(lead);
        return j < 0 || unusable(j) ? '' : values[j]!;
      },
    },
    failedLead: (lead) => {
      const j = indexOfLead(lead);
      return j >= 0 && unusable(j);
    },
  };
  const balanceColumn = columns.fileName('balance_id') ?? '';
  const valueContext = {
    rowCurrency: cell,
    programCurrency: context.programCurrency,
    balanceType: () => typeOfBalance(cell(balanceColumn)),
    depositProgram: context.depositProgram,
  };

  let rows = 0;
  let breaks = 0;
  let readable = true;
  const checker: RowChecker = {
    get rows() {
      return rows;
    },
    get breaks() {
      return breaks;
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
      at = spec.columns.map((c) => header.positions.get(c.name) ?? -1);
      plans = recordPlans(records, dropped, indexOfLead, (j) => at[j]! < 0);
      integrity = lines ? spooledLineIntegrity(cells.length, findings, lines) : lineIntegrity(columns, cells.length, findings);
      return header;
    },
    row(line, cells) {
      rows += 1;
      for (let j = 0; j < width; j += 1) {
        const position = at[j]!;
        values[j] = position < 0 ? '' : cells[position] ?? '';
      }
      failed.fill(0);
      balanceAsked = false;
      const text = lineText(cells);
      // Most lines hold no carriage return, line break or "|": their values need not be looked at for one.
      const plain = !SPECIAL.test(text);
      breaks = plain ? 0 : text.split('\n').length - 1;
      const recordKey = recordKeyOf(columns, cell);
      if (!integrity!.check(line, cells, recordKey, text).readable) {
        readable = false;
        return context.flush();
      }
      // A null literal read as empty may be part of the key collectRow reads.
      let nulled = false;
      for (let j = 0; j < width; j += 1) {
        if (at[j]! < 0) continue;
        const { name, optional, free, check } = checks[j]!;
        const value = values[j]!;
        if (!plain) {
          if (value.includes('\r')) {
            // A carriage return inside a value: named once, as what it is, and the value is not judged.
            failed[j] = 1;
            if (!checker.lineEndingReported) {
              checker.lineEndingReported = true;
              findings.add(line, name, INTEGRITY.lineEndings.code, `${name} holds a carriage return (a stray CR in the line); remove it`);
            }
            continue;
          }
          if (value.includes('|') || value.includes('\n')) {
            findings.add(line, name, FORMAT.delimiterInValue.code, `${name} holds ${value.includes('|') ? 'a "|"' : 'a line break'}, quoted; Lead has not said how it reads quoted values, so keep them out of values if you can`);
          }
        }
        if (optional && isNullLiteral(value)) {
          findings.add(line, name, FORMAT.nullLiteral.code, `${name} is the word ${value}; it is read as empty, as Lead's Non-posted page seems to mean, but leave it empty`);
          values[j] = '';
          nulled = true;
          continue;
        }
        if (free && value !== '') continue;
        const problems = check(value, valueContext);
        for (let k = 0; k < problems.length; k += 1) {
          const problem = problems[k]!;
          findings.add(line, name, problem.rule, `${name} ${problem.message}`);
          if (context.judge.severity(problem.rule) === 'error') failed[j] = 1;
        }
      }
      checkRecord(plans, row.view, recordContext, line, columns, failed, findings);
      if (facts) collectRow(facts, line, row, nulled ? recordKeyOf(columns, cell) : recordKey);
      return context.flush();
    },
  };
  return checker;
}

/** Lead's names of the spec's columns the program's file does not have (its profile dropped them). */
function droppedOf(columns: FileColumns): ReadonlySet<string> {
  return new Set(fileTypeById(columns.spec.id).columns.map((c) => c.name).filter((lead) => columns.fileName(lead) === undefined));
}
