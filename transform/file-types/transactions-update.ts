import { date, optional, required, text, type FileTypeSpec } from '../file-type-spec.js';

/**
 * Transactions Update (Financial workflow, deposit balances only): a transaction sent earlier in a
 * Transactions file that settled on another date than first reported. Updates only: every
 * transaction_id was sent before, and only settlement_date may change (effective_at, the moment the
 * available balance moved, never does). Lead's schema page breaks off in the transfer_id row
 * (../shared/lead-spec/transactions-update.md).
 */
export const transactionsUpdate: FileTypeSpec = {
  id: 'transactions_update',
  title: 'Transactions Update',
  token: 'transactions_update',
  // Not confirmed by Lead: defaults to the id.
  folder: 'transactions_update',
  workflow: 'financial',
  rule: 'updates-only',
  updates: 'transactions',
  // The client_transaction_id sent in the Transactions file [inferred], without the client_ prefix
  // because it refers to an existing record.
  recordIdColumn: 'transaction_id',
  queryFile: 'transactions_update.sql',
  source: 'lead-spec/transactions-update.md',
  columns: [
    required('transaction_id', text),
    required('settlement_date', date),
    // Described as "the unique IDs for the related tran[sfer]" before the page ends: requirement and
    // form (one id or a list) unknown, so optional text the partner's query writes as Lead confirms.
    optional('transfer_id', text),
  ],
  updatableColumns: ['settlement_date'],
  references: [{ column: 'transaction_id', to: 'transactions' }],
  uncertain: [
    'Remote folder and file-name token not confirmed by Lead (default: the id).',
    'transfer_id: requirement, and whether it holds one id or a list.',
    'Columns after transfer_id: every other financial file ends with generated_at and effective_at, not confirmed here.',
  ],
};
