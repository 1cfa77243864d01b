/**
 * The partner's event vocabulary as the generator uses it: which product each event belongs to and
 * whether it debits or credits the customer's account. schema.sql (ledger.event_types) holds the same
 * facts for the queries, and event-type-map.json maps each event to Lead's vocabulary; a test keeps the
 * three in step. The generator hands over magnitudes, so it cannot get a sign wrong.
 */
export const EVENT_TYPES = {
  CARD_PURCHASE: { product: 'deposit', direction: 'debit' },
  CARD_REFUND: { product: 'deposit', direction: 'credit' },
  ATM_WITHDRAWAL: { product: 'deposit', direction: 'debit' },
  ATM_FEE: { product: 'deposit', direction: 'debit' },
  ACH_DEPOSIT: { product: 'deposit', direction: 'credit' },
  ACH_WITHDRAWAL: { product: 'deposit', direction: 'debit' },
  WIRE_IN: { product: 'deposit', direction: 'credit' },
  BALANCE_MIGRATION_IN: { product: 'deposit', direction: 'credit' },
  P2P_SEND: { product: 'deposit', direction: 'debit' },
  P2P_RECEIVE: { product: 'deposit', direction: 'credit' },
  BOOK_TRANSFER_OUT: { product: 'deposit', direction: 'debit' },
  BOOK_TRANSFER_IN: { product: 'deposit', direction: 'credit' },
  MAINTENANCE_FEE: { product: 'deposit', direction: 'debit' },
  INTEREST_ACCRUAL: { product: 'deposit', direction: 'credit' },
  INTEREST_PAYOUT: { product: 'deposit', direction: 'credit' },
  CASHBACK_REDEMPTION: { product: 'deposit', direction: 'credit' },
  SECURITY_DEPOSIT_IN: { product: 'deposit', direction: 'credit' },
  SECURITY_DEPOSIT_RETURN: { product: 'deposit', direction: 'debit' },
  CC_PURCHASE: { product: 'credit', direction: 'debit' },
  CC_REFUND: { product: 'credit', direction: 'credit' },
  CC_PAYMENT: { product: 'credit', direction: 'credit' },
  CC_PAYMENT_RETURNED: { product: 'credit', direction: 'debit' },
  CC_INTEREST: { product: 'credit', direction: 'debit' },
  CC_FOREIGN_FEE: { product: 'credit', direction: 'debit' },
  CC_ANNUAL_FEE: { product: 'credit', direction: 'debit' },
  CC_RETURNED_PAYMENT_FEE: { product: 'credit', direction: 'debit' },
} as const satisfies Record<string, { product: 'deposit' | 'credit'; direction: 'credit' | 'debit' }>;

export type EventType = keyof typeof EVENT_TYPES;
export type DepositEventType = { [K in EventType]: (typeof EVENT_TYPES)[K]['product'] extends 'deposit' ? K : never }[EventType];
export type CreditEventType = Exclude<EventType, DepositEventType>;

/**
 * +1 when the event raises the balance it posts to, -1 when it lowers it: a credit raises a deposit
 * balance and lowers what a card owes; a debit does the reverse.
 */
export function signOf(eventType: EventType): 1n | -1n {
  const { product, direction } = EVENT_TYPES[eventType];
  return (product === 'deposit') === (direction === 'credit') ? 1n : -1n;
}
