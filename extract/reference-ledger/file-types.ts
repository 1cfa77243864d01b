/**
 * The file types the reference ledger (a deposit program) has queries for, in registry order. The
 * registry knows every Lead file type; the reference ledger answers only these.
 */
export const REFERENCE_LEDGER_FILE_TYPES = ['accounts', 'balances', 'transactions', 'non_posted_transactions'] as const;
