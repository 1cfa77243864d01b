import {
  currency, date, enumOf, generatedAtWith, moneyIn, optional, required, text, timestamp, usdMoneyWith, type FileTypeSpec,
} from '../file-type-spec.js';
import { add, equals, formatDecimal, isPlainDecimal, ZERO, type Decimal } from '../money.js';
import { amountOf, requiredWhen, rule } from '../validation/rule-kit.js';
import { DayActivities } from '../validation/rollforwards.js';
import type { Aggregate, RecordRule, RowView } from '../validation/rule-types.js';
import { amountInUsdRules } from './amount-rules.js';
import { FEE_TYPES, TRANSACTION_ACTIONS, TRANSACTION_TYPES, TRANSFER_TYPES } from './lead-enums.js';

/**
 * Transactions (Financial workflow): each posted entry once, ever, in the file of the day its
 * `effective_at` falls in. Lead's schema page breaks off after `currency`; later columns are the ones
 * other pages prove (../shared/lead-spec/transactions.md).
 */
const UPDATE_UNKNOWN = rule('cross.update_unknown_transaction', 'doc', 'A Transactions Update names a transaction already sent in a Transactions file.', 'transactions-update.md');
const REUSED = rule('cross.transaction_id_reused', 'doc', 'A transaction id has never been sent in an earlier Transactions file.', 'financial-validations.md §2; transactions.md');
const CARD_ID = rule('record.card_requires_card_id', 'doc', 'A transaction with `transfer_type` card names its `card_id`.', 'transactions.md; financial-validations.md §8.4');
const BIN = rule('record.card_requires_bin', 'doc', 'A transaction with `transfer_type` card carries the card\'s `bin`.', 'transactions.md; financial-validations.md §8.4');
const FEE_TYPE = rule('record.fee_type_required', 'inferred', 'A `fee` transaction says which fee in `fee_type`.', 'financial-validations.md §8.4');
const COMPOSITION = rule('record.credit_amount_composition', 'doc', 'A credit transaction\'s `amount` equals `principal_amount + fee_amount + interest_amount`.', 'transactions.md; financial-validations.md §4');

const records: readonly RecordRule[] = [
  requiredWhen(CARD_ID, { column: 'transfer_type', is: ['card'] }, ['card_id']),
  requiredWhen(BIN, { column: 'transfer_type', is: ['card'] }, ['bin']),
  requiredWhen(FEE_TYPE, { column: 'type', is: ['fee'] }, ['fee_type']),
  {
    ...COMPOSITION,
    reads: ['balance_id', 'amount', 'principal_amount', 'fee_amount', 'interest_amount'],
    check(row, context) {
      const parts = ['principal_amount', 'fee_amount', 'interest_amount'].map((c) => row.get(c));
      // A deposit transaction has no components; a credit one always does (an empty one counts as 0).
      if (parts.every((p) => p === '') && context.balanceType(row.get('balance_id')) !== 'credit') return [];
      const sum = parts.reduce<Decimal>((total, p) => add(total, amountOf(p)), ZERO);
      return equals(sum, amountOf(row.get('amount'))) ? [] : [{
        column: 'amount',
        message: `amount ${row.get('amount')} is not principal_amount + fee_amount + interest_amount (${parts.map((p) => p || '0').join(' + ')} = ${formatDecimal(sum)})`,
      }];
    },
  },
  ...amountInUsdRules,
];

/** The day's sums per balance and roll-forward formula, for the Balances roll-forwards (balances.ts). */
export const DAY_ACTIVITY = 'activity';
export interface TransactionsActivity {
  readonly byBalance: DayActivities;
  /** Balances whose day cannot be summed: one of their transactions had an amount that did not parse. */
  readonly unsummable: Set<string>;
}

const activity: Aggregate<TransactionsActivity> = {
  name: DAY_ACTIVITY,
  reads: ['balance_id', 'type', 'amount', 'principal_amount', 'rewards_amount'],
  start: () => ({ byBalance: new DayActivities(), unsummable: new Set() }),
  add(tally, row, _line, failed) {
    const balanceId = row.get('balance_id');
    if (balanceId === '') return;
    const amount = summedText(row, failed, 'amount');
    const principal = summedText(row, failed, 'principal_amount');
    const rewards = summedText(row, failed, 'rewards_amount');
    const type = row.get('type');
    if (type === '' || amount === null || principal === null || rewards === null) {
      tally.unsummable.add(balanceId);
      return;
    }
    tally.byBalance.add(balanceId, type, { amount, principal_amount: principal, rewards_amount: rewards });
  },
};

/** A summed column's text as written ('' counts as 0); null when it failed its format or is not a decimal. */
function summedText(row: RowView, failed: (leadName: string) => boolean, leadName: string): string | null {
  if (failed(leadName)) return null;
  const text = row.get(leadName);
  return text === '' || isPlainDecimal(text) ? text : null;
}

export const transactions: FileTypeSpec = {
  id: 'transactions',
  title: 'Transactions',
  token: 'transactions',
  folder: 'transactions',
  workflow: 'financial',
  rule: 'new-only',
  recordIdColumn: 'client_transaction_id',
  queryFile: 'transactions.sql',
  source: 'lead-spec/transactions.md',
  columns: [
    required('client_transaction_id', text),
    required('balance_id', text),
    optional('card_id', text),
    optional('client_settlement_group_id', text),
    optional('client_settlement_bank_account_id', text),
    optional('bin', text),
    // Deposit: at least the currency's decimals (11.500 is taken); credit: exactly those.
    required('amount', moneyIn('currency', { decimals: 'at-least-if-deposit' })),
    optional('amount_in_usd', usdMoneyWith({ decimals: 'at-least' })),
    required('currency', currency),
    optional('principal_amount', moneyIn('currency')),
    // Spelt fee_amount in Lead's formula; fees_amount (the balances' outstanding_fees) is read with a warning.
    optional('fee_amount', moneyIn('currency'), { aliases: ['fees_amount'] }),
    optional('interest_amount', moneyIn('currency')),
    optional('rewards_amount', moneyIn('currency')),
    required('type', enumOf(...TRANSACTION_TYPES)),
    optional('fee_type', enumOf(...FEE_TYPES)),
    required('action', enumOf(...TRANSACTION_ACTIONS)),
    required('transfer_type', enumOf(...TRANSFER_TYPES)),
    required('settlement_date', date),
    // "Likely (every other financial file has it). Not confirmed."
    generatedAtWith({ presenceUnknown: true }),
    required('effective_at', timestamp),
  ],
  uncertain: [
    'File-name token not confirmed by Lead (default: the id; the folder transactions is documented).',
    'Columns after currency: the ones other pages prove; their order and any further columns are not known.',
    'Lead\'s transaction type tables were only partly captured.',
  ],
  produces: { columns: ['client_transaction_id'], complete: 'from-day0', unknown: UPDATE_UNKNOWN, newOnly: REUSED },
  references: [
    { column: 'balance_id', to: 'balances' },
    { column: 'card_id', to: 'cards' },
  ],
  validation: { records, aggregates: [activity] },
};
