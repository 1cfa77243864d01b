/**
 * One reason a ledger row cannot go into a Lead file. It names the file type, the record, the column
 * and the rule, never the row's other values (they may be personal data).
 */
export interface RowProblem {
  readonly fileType: string;
  /** The file the problem is in, once it has its name. */
  readonly file?: string;
  /** 1-based line in the file being built (the header is line 1). */
  readonly line: number;
  readonly recordId: string;
  readonly column: string;
  readonly rule: string;
  readonly message: string;
}

export function describeRowProblem(problem: RowProblem): string {
  return `${problem.file ?? problem.fileType} line ${problem.line} record ${problem.recordId || '(no id)'} column ${problem.column}: ${problem.rule}: ${problem.message}`;
}
