/**
 * The file types whose reference queries read the ledger alone, in registry order: every file a
 * deposit, credit-card or business program sends but the Sales Response, whose query
 * (queries/sales_response.sql) also takes the rows of Lead's Sales Request (`:sales_request`), and the
 * Sales Request itself, which Lead writes.
 */
export const REFERENCE_LEDGER_FILE_TYPES = [
  'customer', 'customer_relationship', 'applications', 'accounts', 'cards', 'authorized_users', 'collaterals',
  'balances', 'transactions', 'non_posted_transactions', 'transactions_update',
] as const;
