/**
 * Enumerations Lead documents for its files (../shared/lead-spec/, one note per file type). Lead's type
 * tables were only partly captured, so a program profile can extend them.
 */
export const TRANSFER_TYPES = [
  'ach', 'wire', 'check', 'card', 'oct', 'aft', 'internal_transfer', 'external_transfer',
  'no_money_movement', 'out_of_bank_settlement',
] as const;

export const TRANSACTION_TYPES = [
  'debit', 'credit', 'refund', 'fee', 'disbursement',
  'rewards_earned', 'rewards_spent', 'rewards_redeemed',
  'interest_accrued', 'interest_paid',
  'dispute_provisional', 'dispute_won', 'dispute_lost',
  'charge_off', 'charge_off_recovery',
] as const;

export const FEE_TYPES = ['atm', 'overdraft', 'periodic_maintenance', 'card', 'international_transaction', 'other'] as const;

export const TRANSACTION_ACTIONS = ['applied', 'reversed'] as const;

export const BALANCE_TYPES = ['deposit', 'credit'] as const;

export const BALANCE_STATUSES = ['active', 'inactive', 'closed', 'receivable_transferred'] as const;
export const BALANCE_STATUS_REASONS = [
  'active', 'dormant', 'frozen', 'other',
  'entity_closed', 'client_closed', 'paid_off', 'charged_off', 'canceled',
  'receivable_sold_to_partner',
] as const;

export const ACCOUNT_STATUSES = ['active', 'inactive', 'closed'] as const;
/** `dormant` as the API and balance pages spell it; the account page's `dormat` looks like a typo. */
export const ACCOUNT_STATUS_REASONS = [
  'active', 'dormant', 'frozen', 'other',
  'entity_closed', 'client_closed', 'paid_off', 'charged_off', 'canceled',
] as const;
/** The account statuses page prints `dormat` ([UNKNOWN] whether Lead reads it or `dormant`). */
export const ACCOUNT_STATUS_REASONS_UNCONFIRMED = ['dormat'] as const;
export const CLOSED_REASONS = ['entity_closed', 'client_closed', 'paid_off', 'charged_off', 'canceled'] as const;

export const ACCOUNT_HOLDER_TYPES = ['consumer', 'commercial'] as const;
export const AAN_DELIVERY_METHODS = ['email', 'text', 'other'] as const;
export const CREDIT_REPORT_SOURCES = ['equifax', 'experian', 'transunion'] as const;

/** Customer file (customers.md). */
export const CUSTOMER_TYPES = ['individual', 'business', 'sole_prop'] as const;
/** Items of `inteded_roles`; business and sole_prop customers may only be `account_holder`. */
export const CUSTOMER_INTENDED_ROLES = ['authorized_user', 'authorized_signer', 'account_holder'] as const;
/** `sole_prop` is listed for business customers too; a sole_prop customer may only use `sole_prop`. */
export const BUSINESS_TYPES = ['corporation', 'partnership', 'sole_prop', 'llc', 'trust', 'cooperative', 'other'] as const;

/** Customer Relationship file (customers.md): `deleted` removes an individual from the business. */
export const RELATIONSHIP_STATUSES = ['active', 'deleted'] as const;
export const RELATIONSHIP_TYPES = ['beneficial_owner', 'control_person', 'sole_proprietor'] as const;

/**
 * Applications file (applications.md). The file schema lists five statuses, these three and the two
 * open ones below; api-rules.md says only terminal outcomes are reported, and they cannot change afterwards.
 */
export const APPLICATION_TERMINAL_STATUSES = ['approved', 'declined', 'canceled'] as const;
/** Listed by the file schema, excluded by the API rules ([UNKNOWN] whether the file takes them). */
export const APPLICATION_OPEN_STATUSES = ['submitted', 'under_review'] as const;

/** Cards file (cards.md). Only `closed` is documented as terminal. */
export const CARD_TYPES = ['hsa', 'fsa', 'consumer', 'commercial'] as const;
export const CARD_STATUSES = ['active', 'closed', 'inactive', 'expired'] as const;

/** Authorized Users file: `active` adds the user to the account, `inactive` removes it. */
export const AUTHORIZED_USER_STATUSES = ['active', 'inactive'] as const;

/** Collaterals file, version B of the schema page (collaterals.md); version A had shares and crypto. */
export const COLLATERAL_TYPES = ['deposit_balance', 'real_estate'] as const;

/** Sales Response file (sales.md). */
export const SALE_RESPONSES = ['accepted', 'rejected'] as const;
