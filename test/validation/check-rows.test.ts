import { describe, expect, it } from 'vitest';
import { transactions } from '../../transform/file-types/transactions.js';
import { createRowChecker } from '../../transform/validation/check-rows.js';
import { fileColumnsOf } from '../../transform/validation/file-columns.js';
import { createJudge, FindingList } from '../../transform/validation/judge.js';

/** One Transactions file's row checker, with no set around it: the findings of its rows alone. */
function checker() {
  const judge = createJudge();
  const findings = new FindingList(judge, 'transactions.csv');
  const check = createRowChecker(fileColumnsOf(transactions), {
    programCurrency: 'USD', judge, program: { authorizedUsers: 'unknown' }, depositProgram: true,
    balanceType: () => undefined, flush: () => undefined,
  }, undefined, findings);
  check.header(transactions.columns.map((c) => c.name));
  return { check, findings };
}

const good: Record<string, string> = {
  client_transaction_id: 'txn_1', balance_id: 'bal_1', amount: '-12.50', currency: 'USD', type: 'debit', action: 'applied',
  transfer_type: 'ach', settlement_date: '2026-03-05', generated_at: '2026-03-06T01:00:00-06:00', effective_at: '2026-03-05T09:30:00-06:00',
};
const row = (values: Record<string, string>) => transactions.columns.map((c) => values[c.name] ?? '');

describe('the row checker', () => {
  it('counts the line breaks a row\'s values hold, so the next row gets its line (issue 10: the run numbers lines by it)', () => {
    const { check, findings } = checker();
    check.row(2, row(good));
    expect(check.breaks).toBe(0);
    check.row(3, row({ ...good, client_transaction_id: 'txn_2', client_settlement_group_id: 'a\nb\nc', bin: 'x\ny' }));
    expect(check.breaks).toBe(3);
    check.row(4, row({ ...good, client_transaction_id: 'txn_3' }));
    expect(check.breaks).toBe(0);
    expect(findings.items.map((f) => [f.line, f.column, f.rule])).toEqual([
      [3, 'client_settlement_group_id', 'format.delimiter_in_value'],
      [3, 'bin', 'format.delimiter_in_value'],
    ]);
  });

  it('names a "|" or a carriage return in a value on any row, and nothing on a plain one', () => {
    const { check, findings } = checker();
    check.row(2, row({ ...good, card_id: 'card|1' }));
    check.row(3, row({ ...good, client_transaction_id: 'txn_2' }));
    check.row(4, row({ ...good, client_transaction_id: 'txn_3', bin: '4111\r' }));
    check.row(5, row({ ...good, client_transaction_id: 'txn_4', amount: '12.5x' }));
    expect(findings.items.map((f) => [f.line, f.column, f.rule])).toEqual([
      [2, 'card_id', 'format.delimiter_in_value'],
      [4, 'bin', 'integrity.line_endings'],
      [5, 'amount', 'format.money'],
    ]);
  });
});
