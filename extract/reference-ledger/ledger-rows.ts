/**
 * One typed record per table of schema.sql, exactly as inserted: money as decimal text (from integer
 * cents), instants as ISO 8601 text with an offset, dates as `YYYY-MM-DD`.
 */
export interface CustomerRow {
  customer_id: string;
  kind: 'individual' | 'business';
  first_name: string | null;
  last_name: string | null;
  business_name: string | null;
  email: string;
  created_at: string;
}

export interface AccountRow {
  account_id: string;
  product_name: string;
  currency: string;
  holder_type: 'consumer' | 'commercial';
  opened_at: string;
}

export type LeadStatus = 'active' | 'inactive' | 'closed';
export type LeadStatusReason = 'active' | 'frozen' | 'entity_closed';

export interface AccountStatusRow {
  account_id: string;
  changed_at: string;
  status: LeadStatus;
  status_reason: LeadStatusReason;
}

export interface AccountHolderRow {
  account_id: string;
  customer_id: string;
  role: 'holder' | 'signer' | 'user';
  added_at: string;
}

export interface BalanceRow {
  balance_id: string;
  account_id: string;
  name: string;
  type: 'deposit';
  currency: string;
  created_at: string;
}

export interface BalanceStatusRow {
  balance_id: string;
  changed_at: string;
  status: LeadStatus;
  status_reason: LeadStatusReason;
}

export interface CardRow {
  card_id: string;
  account_id: string;
  customer_id: string;
  product_name: string;
  bin: string;
  last4: string;
  is_virtual: boolean;
  issued_at: string;
  expires_on: string;
  closed_at: string | null;
  closed_reason: string | null;
}

export interface LedgerEntryRow {
  entry_id: string;
  balance_id: string;
  event_type: string;
  amount: string;
  currency: string;
  effective_at: string;
  settlement_date: string;
  card_id: string | null;
  rewards_amount: string | null;
  recorded_at: string;
  description: string;
}

export interface PendingEntryRow {
  pending_id: string;
  balance_id: string | null;
  event_type: string;
  amount: string;
  currency: string;
  settled_at: string;
  settlement_date: string;
  posted_at: string | null;
  posted_entry_id: string | null;
  reconciliation_note: string;
  description: string | null;
}

/** Every table, in the order rows must reach the database so each foreign key finds its target. */
export interface LedgerTables {
  customers: CustomerRow;
  accounts: AccountRow;
  account_status_history: AccountStatusRow;
  account_holders: AccountHolderRow;
  balances: BalanceRow;
  balance_status_history: BalanceStatusRow;
  cards: CardRow;
  ledger_entries: LedgerEntryRow;
  pending_entries: PendingEntryRow;
}

export const TABLES_IN_INSERT_ORDER: readonly (keyof LedgerTables)[] = [
  'customers',
  'accounts',
  'account_status_history',
  'account_holders',
  'balances',
  'balance_status_history',
  'cards',
  'ledger_entries',
  'pending_entries',
];
