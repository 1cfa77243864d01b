import { describe, expect, it } from 'vitest';
import { FILE_TYPES } from '../../transform/file-types/registry.js';
import { parseLeadFileName } from '../../transform/lead-file-name.js';

describe('reading a Lead file name', () => {
  const read = (name: string) => {
    const parsed = parseLeadFileName(name, FILE_TYPES);
    return parsed && [parsed.key, parsed.spec.id, parsed.version];
  };

  it('tells the date or batch id, the file type and the version, in every spelling Lead uses', () => {
    expect(read('2026-03-06_balances_V1.csv')).toEqual(['2026-03-06', 'balances', 1]);
    expect(read('2026-03-06_balances_v12.csv')).toEqual(['2026-03-06', 'balances', 12]);
    expect(read('2026-01-27_customer_001.csv')).toEqual(['2026-01-27', 'customer', 1]);
    expect(read('2024-12-25-01-Batch-1_customer_V1.csv')).toEqual(['2024-12-25-01-Batch-1', 'customer', 1]);
  });

  it('takes the longest token a name ends with, so a batch id may hold underscores', () => {
    expect(read('2026-03-06_non_posted_transactions_V2.csv')).toEqual(['2026-03-06', 'non_posted_transactions', 2]);
    expect(read('2026-03-06_transactions_update_V1.csv')).toEqual(['2026-03-06', 'transactions_update', 1]);
    expect(read('batch_7_customer_relationship_V1.csv')).toEqual(['batch_7', 'customer_relationship', 1]);
  });

  it('reads nothing from a name outside the convention', () => {
    for (const name of ['balances.csv', '2026-03-06_balances.csv', '2026-03-06_balances_V1.txt', '_balances_V1.csv', '2026-03-06_ledger_V1.csv', '2026-03-06_balances_V0.csv', '2026-03-06_balances_Vx.csv']) {
      expect(parseLeadFileName(name, FILE_TYPES), name).toBeUndefined();
    }
  });
});
