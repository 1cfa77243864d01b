import type { FileColumns } from './file-columns.js';
import type { FindingList } from './judge.js';
import type { RecordContext, RecordRule, RowView } from './rule-types.js';

/**
 * Stage 3, rules inside a record (sftp-process.md §1 "Business Rules"; api-rules.md): the combinations
 * of columns of one row that each file type declares in its module (`validation.records`). Lead runs
 * them together with the field formats, so they run in the same pass over the row, and each is a pure
 * function of the row (and of what the set already knows of a balance), so a row can be checked as the
 * pipeline produces it.
 *
 * A rule is skipped for a row where a column it reads failed its format, is left out of the header or
 * was dropped by the program's profile: one wrong value is reported once, by stage 2.
 */
export function checkRecord(
  rules: readonly RecordRule[],
  row: RowView,
  context: RecordContext,
  line: number,
  columns: FileColumns,
  unreadable: (leadName: string) => boolean,
  findings: FindingList,
): void {
  for (const rule of rules) {
    if (rule.reads.some(unreadable)) continue;
    for (const breach of rule.check(row, context)) {
      findings.add(line, columns.fileName(breach.column) ?? breach.column, rule.code, breach.message);
    }
  }
}
