/**
 * The partner's event vocabulary as the generator uses it. The Lead mapping of each type lives in
 * schema.sql (ledger.event_types), where the queries read it; here only the sign matters, so the
 * generator hands over magnitudes and cannot get a sign wrong.
 */
export const EVENT_DIRECTIONS = {
  CARD_PURCHASE: 'debit',
  CARD_REFUND: 'credit',
  ATM_WITHDRAWAL: 'debit',
  ATM_FEE: 'debit',
  ACH_DEPOSIT: 'credit',
  ACH_WITHDRAWAL: 'debit',
  WIRE_IN: 'credit',
  BALANCE_MIGRATION_IN: 'credit',
  P2P_SEND: 'debit',
  P2P_RECEIVE: 'credit',
  BOOK_TRANSFER_OUT: 'debit',
  BOOK_TRANSFER_IN: 'credit',
  MAINTENANCE_FEE: 'debit',
  INTEREST_ACCRUAL: 'credit',
  INTEREST_PAYOUT: 'credit',
  CASHBACK_REDEMPTION: 'credit',
} as const satisfies Record<string, 'credit' | 'debit'>;

export type EventType = keyof typeof EVENT_DIRECTIONS;
