/**
 * Enumerations Lead documents for the financial files (../shared/lead-spec/transactions.md and
 * balances.md). Lead's type tables were only partly captured, so a program profile can extend them.
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

export const ACCOUNT_HOLDER_TYPES = ['consumer', 'commercial'] as const;
export const AAN_DELIVERY_METHODS = ['email', 'text', 'other'] as const;
export const CREDIT_REPORT_SOURCES = ['equifax', 'experian', 'transunion'] as const;
