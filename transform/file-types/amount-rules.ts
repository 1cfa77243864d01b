import { amountOf, recordRule, rule } from '../validation/rule-kit.js';
import { sign } from '../money.js';
import type { RecordRule } from '../validation/rule-types.js';

/** Rules inside one record that Transactions and Non-posted Transactions share (transactions.md, non-posted-transactions.md). */
const SIGN = rule('record.amount_in_usd_sign', 'doc', '`amount_in_usd` has the same sign as `amount`.', 'transactions.md; financial-validations.md §8.4');
const REQUIRED = rule('record.amount_in_usd_required', 'doc', 'A row in a currency other than USD carries `amount_in_usd`.', 'transactions.md; non-posted-transactions.md');

export const amountInUsdRules: readonly RecordRule[] = [
  recordRule(SIGN, ['amount', 'amount_in_usd'], (row) => {
    if (row.get('amount_in_usd') === '') return [];
    return sign(amountOf(row.get('amount'))) === sign(amountOf(row.get('amount_in_usd'))) ? [] : [{
      column: 'amount_in_usd',
      message: `amount_in_usd ${row.get('amount_in_usd')} does not have the sign of amount ${row.get('amount')}`,
    }];
  }),
  recordRule(REQUIRED, ['currency', 'amount_in_usd'], (row) =>
    (row.get('currency') !== 'USD' && row.get('amount_in_usd') === ''
      ? [{ column: 'amount_in_usd', message: `amount_in_usd is required for an amount in ${row.get('currency')}` }]
      : [])),
];
