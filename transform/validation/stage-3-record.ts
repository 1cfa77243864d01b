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
export interface RecordPlan {
  readonly rule: RecordRule;
  /** A column it reads was dropped by the profile or is left out of the header: it never runs. */
  readonly never: boolean;
  /** Where the columns it reads sit among the row's values, to be asked whether they failed their format. */
  readonly slots: readonly number[];
}

/**
 * Which columns each rule reads, settled once per file: `slot` gives a Lead column's place among the
 * row's values (-1: not in the program's file), `absent` whether a column at that place is left out of the
 * header.
 */
export function recordPlans(rules: readonly RecordRule[], dropped: ReadonlySet<string>, slot: (leadName: string) => number, absent: (slot: number) => boolean): RecordPlan[] {
  return rules.map((rule) => {
    const slots = rule.reads.map(slot).filter((j) => j >= 0);
    return { rule, never: rule.reads.some((lead) => dropped.has(lead)) || slots.some(absent), slots };
  });
}

/** `failed[slot]` is 1 where the row's value failed its format. */
export function checkRecord(
  plans: readonly RecordPlan[],
  row: RowView,
  context: RecordContext,
  line: number,
  columns: FileColumns,
  failed: Uint8Array,
  findings: FindingList,
): void {
  for (let i = 0; i < plans.length; i += 1) {
    const { rule, never, slots } = plans[i]!;
    if (never) continue;
    let skip = false;
    for (let k = 0; k < slots.length && !skip; k += 1) skip = failed[slots[k]!] === 1;
    if (skip) continue;
    const breaches = rule.check(row, context);
    for (let k = 0; k < breaches.length; k += 1) {
      const breach = breaches[k]!;
      findings.add(line, columns.fileName(breach.column) ?? breach.column, rule.code, breach.message);
    }
  }
}
