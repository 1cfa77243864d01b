/**
 * One typed record per table of schema.sql, exactly as inserted: money as decimal text (from integer
 * cents), instants as ISO 8601 text with an offset, dates as `YYYY-MM-DD`.
 */
export type CustomerKind = 'individual' | 'business' | 'sole_prop';
export type IntendedRole = 'account_holder' | 'authorized_signer' | 'authorized_user';
export type BusinessType = 'corporation' | 'partnership' | 'sole_prop' | 'llc' | 'trust' | 'cooperative' | 'other';
export type ScreeningResult = 'pending' | 'passed' | 'failed';

export interface CustomerRow {
  customer_id: string;
  kind: CustomerKind;
  intended_roles: IntendedRole[];
  first_name: string | null;
  preferred_first_name: string | null;
  middle_name: string | null;
  last_name: string | null;
  date_of_birth: string | null;
  occupation: string | null;
  business_name: string | null;
  business_type: BusinessType | null;
  doing_business_as: string | null;
  website: string | null;
  naics_code: string | null;
  gross_annual_revenue: string | null;
  tax_id_type: 'ssn' | 'ein' | null;
  tax_id: string | null;
  kyc_result: ScreeningResult | null;
  ofac_result: ScreeningResult | null;
  screened_at: string | null;
  risk_score: 'low' | 'medium' | 'high' | null;
  created_at: string;
}

export interface CustomerContactRow {
  customer_id: string;
  changed_at: string;
  email: string;
  phone: string;
  address_line_1: string | null;
  address_line_2: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  country: string | null;
}

export type RelationshipType = 'beneficial_owner' | 'control_person' | 'sole_proprietor';

export interface CustomerRelationshipRow {
  business_id: string;
  individual_id: string;
  relationship_type: RelationshipType;
  changed_at: string;
  status: 'active' | 'deleted';
  ownership_percentage: string | null;
  title: string | null;
  established_on: string;
}

export type HolderType = 'consumer' | 'commercial';

export interface ApplicationRow {
  application_id: string;
  product_name: string;
  holder_type: HolderType;
  is_secured: boolean;
  currency: string;
  created_at: string;
  submitted_at: string;
  review_started_at: string | null;
}

export interface ApplicationPartyRow {
  application_id: string;
  customer_id: string;
  role: 'holder' | 'signer';
}

export type CreditBureau = 'equifax' | 'experian' | 'transunion';

export interface CreditReportRow {
  application_id: string;
  pulled_at: string;
  score: number;
  source: CreditBureau;
}

export type AanDeliveryMethod = 'email' | 'text' | 'other';
export type ApplicationOutcome = 'approved' | 'declined' | 'canceled';

export interface ApplicationDecisionRow {
  application_id: string;
  decided_at: string;
  outcome: ApplicationOutcome;
  decision_reason: string;
  is_exception_approval: boolean;
  credit_limit: string | null;
  max_credit_limit: string | null;
  aan_delivered_at: string | null;
  aan_reason: string | null;
  aan_delivery_method: AanDeliveryMethod | null;
}

export interface AccountRow {
  account_id: string;
  application_id: string | null;
  product_name: string;
  currency: string;
  holder_type: HolderType;
  opened_at: string;
}

export type LeadStatus = 'active' | 'inactive' | 'closed';
export type LeadStatusReason = 'active' | 'frozen' | 'entity_closed' | 'client_closed' | 'paid_off';

export interface AccountStatusRow {
  account_id: string;
  changed_at: string;
  status: LeadStatus;
  status_reason: LeadStatusReason;
  aan_delivered_at: string | null;
  aan_reason: string | null;
  aan_delivery_method: AanDeliveryMethod | null;
}

export type PartyRole = 'holder' | 'signer' | 'user';

export interface AccountPartyRow {
  account_id: string;
  customer_id: string;
  role: PartyRole;
  changed_at: string;
  status: 'active' | 'removed';
}

export interface CreditLimitRow {
  account_id: string;
  changed_at: string;
  credit_limit: string;
  max_credit_limit: string;
}

export interface BalanceRow {
  balance_id: string;
  account_id: string;
  name: string;
  type: 'deposit' | 'credit';
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
  card_type: 'consumer' | 'commercial';
  bin: string;
  last4: string;
  is_virtual: boolean;
  issued_at: string;
  activated_at: string;
  expires_on: string;
}

export interface CardStatusRow {
  card_id: string;
  changed_at: string;
  status: 'active' | 'inactive' | 'closed';
  reason: string | null;
  replaced_by: string | null;
}

export interface CollateralRow {
  collateral_id: string;
  account_id: string;
  application_id: string;
  balance_id: string;
  type: 'deposit_balance';
  created_at: string;
}

export interface CollateralStatusRow {
  collateral_id: string;
  changed_at: string;
  status: 'active' | 'inactive';
}

export interface LedgerEntryRow {
  entry_id: string;
  balance_id: string;
  event_type: string;
  amount: string;
  currency: string;
  principal_amount: string | null;
  interest_amount: string | null;
  fee_amount: string | null;
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

export interface SettlementCorrectionRow {
  entry_id: string;
  corrected_at: string;
  settlement_date: string;
  reason: string;
}

/** Every table, in the order rows must reach the database so each foreign key finds its target. */
export interface LedgerTables {
  customers: CustomerRow;
  customer_contact_history: CustomerContactRow;
  customer_relationship_history: CustomerRelationshipRow;
  applications: ApplicationRow;
  application_parties: ApplicationPartyRow;
  credit_reports: CreditReportRow;
  application_decisions: ApplicationDecisionRow;
  accounts: AccountRow;
  account_status_history: AccountStatusRow;
  account_party_history: AccountPartyRow;
  credit_limit_history: CreditLimitRow;
  balances: BalanceRow;
  balance_status_history: BalanceStatusRow;
  cards: CardRow;
  card_status_history: CardStatusRow;
  collaterals: CollateralRow;
  collateral_status_history: CollateralStatusRow;
  ledger_entries: LedgerEntryRow;
  pending_entries: PendingEntryRow;
  settlement_corrections: SettlementCorrectionRow;
}

export const TABLES_IN_INSERT_ORDER: readonly (keyof LedgerTables)[] = [
  'customers',
  'customer_contact_history',
  'customer_relationship_history',
  'applications',
  'application_parties',
  'credit_reports',
  'application_decisions',
  'accounts',
  'account_status_history',
  'account_party_history',
  'credit_limit_history',
  'balances',
  'balance_status_history',
  'cards',
  'card_status_history',
  'collaterals',
  'collateral_status_history',
  'ledger_entries',
  'pending_entries',
  'settlement_corrections',
];
