import {
  currency, date, enumOf, generatedAt, moneyIn, optional, required, text, timestamp, usdMoney, type FileTypeSpec,
} from '../file-type-spec.js';
import { FEE_TYPES, TRANSACTION_ACTIONS, TRANSACTION_TYPES, TRANSFER_TYPES } from './lead-enums.js';

/**
 * Transactions (Financial workflow): each posted entry once, ever, in the file of the day its
 * `effective_at` falls in. Lead's schema page breaks off after `currency`; later columns are the ones
 * other pages prove (../shared/lead-spec/transactions.md).
 */
export const transactions: FileTypeSpec = {
  id: 'transactions',
  title: 'Transactions',
  token: 'transactions',
  folder: 'transactions',
  workflow: 'financial',
  rule: 'new-only',
  recordIdColumn: 'client_transaction_id',
  queryFile: 'transactions.sql',
  source: 'lead-spec/transactions.md',
  columns: [
    required('client_transaction_id', text),
    required('balance_id', text),
    optional('card_id', text),
    optional('client_settlement_group_id', text),
    optional('client_settlement_bank_account_id', text),
    optional('bin', text),
    required('amount', moneyIn('currency')),
    optional('amount_in_usd', usdMoney),
    required('currency', currency),
    optional('principal_amount', moneyIn('currency')),
    optional('fee_amount', moneyIn('currency')),
    optional('interest_amount', moneyIn('currency')),
    optional('rewards_amount', moneyIn('currency')),
    required('type', enumOf(...TRANSACTION_TYPES)),
    optional('fee_type', enumOf(...FEE_TYPES)),
    required('action', enumOf(...TRANSACTION_ACTIONS)),
    required('transfer_type', enumOf(...TRANSFER_TYPES)),
    required('settlement_date', date),
    generatedAt,
    required('effective_at', timestamp),
  ],
  uncertain: [
    'File-name token not confirmed by Lead (default: the id; the folder transactions is documented).',
    'Columns after currency: the ones other pages prove; their order and any further columns are not known.',
    'Lead\'s transaction type tables were only partly captured.',
  ],
};
