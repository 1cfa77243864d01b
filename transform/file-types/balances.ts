import { enumOf, generatedAt, optional, programMoney, required, text, timestamp, type FileTypeSpec } from '../file-type-spec.js';
import { BALANCE_STATUSES, BALANCE_STATUS_REASONS, BALANCE_TYPES } from './lead-enums.js';

/**
 * Balances (Financial workflow): every balance not closed as of the end of T-1, zero balances too.
 * Lead's schema page breaks off at `balance`; the later columns are the ones its reconciliation formulas
 * name (../shared/lead-spec/balances.md, financial-validations.md). `generated_at` and `effective_at`
 * are not confirmed for this file but every other financial file has them; a profile can drop them.
 * No currency column is confirmed either, so amounts use the program's currency.
 */
export const balances: FileTypeSpec = {
  id: 'balances',
  title: 'Balances',
  token: 'balances',
  folder: 'balances',
  workflow: 'financial',
  rule: 'daily-snapshot',
  recordIdColumn: 'client_balance_id',
  queryFile: 'balances.sql',
  source: 'lead-spec/balances.md',
  columns: [
    required('account_id', text),
    optional('client_balance_id', text),
    optional('id', text),
    required('client_balance_name', text),
    optional('client_settlement_bank_account_id', text),
    required('created_at', timestamp),
    required('status', enumOf(...BALANCE_STATUSES)),
    required('status_reason', enumOf(...BALANCE_STATUS_REASONS)),
    required('type', enumOf(...BALANCE_TYPES)),
    required('balance', programMoney),
    optional('rewards_balance', programMoney),
    optional('interest_accrued_balance', programMoney),
    optional('dispute_balance', programMoney),
    optional('charge_off_balance', programMoney),
    optional('past_due_balance', programMoney),
    optional('outstanding_principal', programMoney),
    optional('outstanding_interest', programMoney),
    optional('outstanding_fees', programMoney),
    generatedAt,
    required('effective_at', timestamp),
  ],
  // A closed balance leaves the snapshot, and one whose receivable went to the partner is omitted from
  // every later Balances file (sales.md): neither comes back once sent so.
  terminal: { column: 'status', values: ['closed', 'receivable_transferred'] },
  uncertain: [
    'File-name token not confirmed by Lead (default: the id; the folder balances is documented).',
    'Columns after balance: taken from the reconciliation formulas, not the schema.',
    'generated_at and effective_at are not confirmed for this file.',
    'No currency column is confirmed: amounts use the program currency.',
  ],
};
