import {
  currency, date, enumOf, generatedAt, moneyIn, optional, required, text, timestamp, usdMoney, type FileTypeSpec,
} from '../file-type-spec.js';
import { rule } from '../validation/rule-kit.js';
import { amountInUsdRules } from './amount-rules.js';
import { TRANSACTION_TYPES, TRANSFER_TYPES } from './lead-enums.js';

/**
 * Non-posted Transactions (Financial workflow, deposit programs): every entry that has settled into the
 * FBO but not yet posted to a customer balance, every day until it posts. The one financial schema we
 * have whole (../shared/lead-spec/non-posted-transactions.md).
 */
const DEPOSIT_ONLY = rule('cross.non_posted_deposit_only', 'doc', 'A non-posted transaction names a deposit balance, if any: the file is for deposit balances only.', 'non-posted-transactions.md');

export const nonPostedTransactions: FileTypeSpec = {
  id: 'non_posted_transactions',
  title: 'Non-posted Transactions',
  token: 'non_posted_transactions',
  folder: 'non_posted_transactions',
  workflow: 'financial',
  rule: 'daily-snapshot',
  schemaComplete: true,
  recordIdColumn: 'transaction_id',
  queryFile: 'non_posted_transactions.sql',
  source: 'lead-spec/non-posted-transactions.md',
  columns: [
    required('transaction_id', text),
    optional('balance_id', text),
    optional('settlement_group_id', text),
    required('amount', moneyIn('currency')),
    required('currency', currency),
    optional('amount_in_usd', usdMoney),
    required('type', enumOf(...TRANSACTION_TYPES)),
    required('transfer_type', enumOf(...TRANSFER_TYPES)),
    required('reconciliation_note', text),
    required('settlement_date', date),
    optional('transfer_id', text),
    optional('statement_description', text),
    generatedAt,
    required('effective_at', timestamp),
  ],
  uncertain: [
    'Remote folder and file-name token not confirmed by Lead (default: the id).',
    'The page asks for a "null value" in optional columns where the others say empty: both are read, null with a warning.',
  ],
  references: [{ column: 'balance_id', to: 'balances' }],
  validation: {
    records: amountInUsdRules,
    crossRecords: [{
      ...DEPOSIT_ONLY,
      reads: ['balance_id'],
      needs: (row) => (row.get('balance_id') === '' ? [] : [{ kind: 'balances', id: row.get('balance_id') }]),
      check(row, facts) {
        const balance = facts.get('balances', row.get('balance_id'));
        if (!balance) return [];
        if (!balance.complete) return 'unchecked';
        return balance.values.type === 'credit' ? [{ column: 'balance_id', message: `balance ${row.get('balance_id')} is a credit balance; non-posted transactions are for deposit balances` }] : [];
      },
    }],
  },
};
