/**
 * The file types the reference ledger has queries for, in registry order: every file a deposit,
 * credit-card or business program sends, except the Sales Response (lead-etl answers Lead's Sales
 * Request itself) and the Sales Request (Lead's).
 */
export const REFERENCE_LEDGER_FILE_TYPES = [
  'customer', 'customer_relationship', 'applications', 'accounts', 'cards', 'authorized_users', 'collaterals',
  'balances', 'transactions', 'non_posted_transactions', 'transactions_update',
] as const;
