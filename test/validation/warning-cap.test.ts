import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatValidationJson, formatValidationTable } from '../../jobs/validation-report.js';
import { createJudge, FindingList } from '../../transform/validation/judge.js';
import { createSetValidation } from '../../transform/validation/set-validation.js';
import type { RuleCode } from '../../transform/validation/rule-types.js';
import { validateFiles } from '../../transform/validation/validate-files.js';

const NEGATIVE = 'record.deposit_balance_negative' as RuleCode;
const [A, B, E, OFF]: RuleCode[] = ['record.test_a', 'record.test_b', 'record.test_e', 'record.test_off'];

describe('a cap on warnings per file and rule', () => {
  it('keeps every error, the first N warnings of each rule in order, and counts the rest exactly', () => {
    const judge = createJudge({ [A!]: 'warning', [B!]: 'warning', [E!]: 'error', [OFF!]: 'off' });
    const list = new FindingList(judge, 'f.csv', 2);
    for (let line = 2; line < 12; line += 1) {
      list.add(line, 'c', A!, `a${line}`);
      list.add(line, 'c', E!, `e${line}`);
      if (line % 2 === 0) list.add(line, 'c', B!, `b${line}`);
      list.add(line, 'c', OFF!, 'off');
    }
    expect(list.items.filter((f) => f.rule === E).map((f) => f.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(list.items.filter((f) => f.rule === A).map((f) => f.message)).toEqual(['a2', 'a3']);
    expect(list.items.filter((f) => f.rule === B).map((f) => f.message)).toEqual(['b2', 'b4']);
    expect(Object.fromEntries(list.leftOut)).toEqual({ [A!]: 8, [B!]: 3 });

    list.retain((rule) => rule !== A);
    expect(list.items.some((f) => f.rule === A)).toBe(false);
    expect(Object.fromEntries(list.leftOut)).toEqual({ [B!]: 3 });
    expect(list.errors).toBe(10);
  });

  it('keeps every warning without a cap', () => {
    const list = new FindingList(createJudge({ 'rule.a': 'warning' }), 'f.csv');
    for (let line = 2; line < 2002; line += 1) list.add(line, '', 'rule.a' as RuleCode, 'a');
    expect(list.items).toHaveLength(2000);
    expect(list.leftOut.size).toBe(0);
  });

  it('in a set: the same errors and exact counts, the first warnings listed, the rest said to be left out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lead-etl-warning-cap-'));
    const fixture = readFileSync(join('test', 'fixtures', 'validation', 'cases', 'record-deposit-balance-negative', 'balances', '2026-03-06_balances_V1.csv'), 'utf8').split('\n');
    const [header, negative] = [fixture[0]!, fixture[1]!];
    const rows = Array.from({ length: 9 }, (_, i) => negative.replaceAll('acc_1', `acc_${i + 1}`).replaceAll('bal_1', `bal_${i + 1}`));
    // An error among the warnings: a created_at that is no timestamp.
    rows[4] = rows[4]!.replace('2026-03-05T08:00:00-06:00', 'yesterday');
    const path = join(dir, '2026-03-06_balances_V1.csv');
    writeFileSync(path, [header, ...rows, ''].join('\n'));

    const all = await validateFiles([path]);
    const capped = await validateFiles([path], { warningsPerRule: 3 });
    const negatives = all.findings.filter((f) => f.rule === NEGATIVE);
    expect(negatives.length).toBe(9);
    expect(all.summary.errors).toBeGreaterThan(0);
    expect(all.leftOut).toBeUndefined();
    expect(all.summary.warningsLeftOut).toBeUndefined();

    expect(capped.findings.filter((f) => f.severity === 'error')).toEqual(all.findings.filter((f) => f.severity === 'error'));
    expect(capped.findings.filter((f) => f.rule === NEGATIVE)).toEqual(negatives.slice(0, 3));
    expect(capped.summary).toEqual({ ...all.summary, warningsLeftOut: 6 });
    expect(capped.leftOut).toEqual([{ file: path, rule: NEGATIVE, count: 6 }]);

    const table = formatValidationTable(capped, dir);
    expect(table).toContain(`2026-03-06_balances_V1.csv: 6 more of ${NEGATIVE}`);
    expect(table).toContain(`${all.summary.warnings} warning(s) (6 not listed)`);
    expect(JSON.parse(formatValidationJson(capped)).leftOut).toEqual([{ file: path, rule: NEGATIVE, count: 6 }]);
    // Without a cap nothing changes in what is printed.
    expect(formatValidationJson(all)).not.toContain('leftOut');
    expect(formatValidationTable(all, dir)).not.toContain('not listed');
  });

  it('refuses a cap below 1', () => {
    expect(() => createSetValidation([], { warningsPerRule: 0 })).toThrow(/warningsPerRule/);
  });
});
