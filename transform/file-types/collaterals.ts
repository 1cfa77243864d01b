import { enumOf, optional, required, text, usdMoney, type FileTypeSpec } from '../file-type-spec.js';
import { idsIn, isNegative, recordRule, requiredWhen, rule } from '../validation/rule-kit.js';
import type { CrossRecordRule } from '../validation/rule-types.js';
import { COLLATERAL_TYPES } from './lead-enums.js';

/**
 * Collaterals (Financial workflow, per Lead's workflow table; secured products only): one record per
 * relationship between an asset and the credit account it secures, sent when new or changed, header-only
 * on other days. Lead's page exists in two versions; this follows the newer one (version B in
 * ../shared/lead-spec/collaterals.md), which breaks off after `value_usd`. The older, complete version
 * ends with status, generated_at and effective_at, but whether version B does is not known, so they are
 * not here: a program profile adds the columns Lead confirms (a `status` column then counts).
 */
const REQUIRES_BALANCE = rule('record.collateral_requires_balance', 'doc', 'A `deposit_balance` collateral names the pledged balance in `balance_id`.', 'collaterals.md');
const VALUE_NEGATIVE = rule('record.collateral_value_negative', 'doc', 'A collateral\'s `value_usd` is 0 or more.', 'collaterals.md');
const CLOSED_ACCOUNT = rule('cross.collateral_on_closed_account', 'doc', 'A new collateral secures an account that is not closed.', 'collaterals.md');
const BALANCE = rule('cross.collateral_balance', 'doc',
  'A collateral\'s `balance_id` is a deposit balance of the same account, not closed.', 'collaterals.md');
const BALANCE_TAKEN = rule('cross.collateral_balance_taken', 'doc', 'A balance secures at most one active collateral.', 'collaterals.md');

const active = (status: string) => status !== 'inactive';

const crossRecords: readonly CrossRecordRule[] = [
  {
    ...CLOSED_ACCOUNT,
    reads: ['account_id'],
    usesSentBefore: true,
    needs: (row) => [{ kind: 'accounts', id: row.get('account_id') }],
    check(row, facts, context) {
      if (!facts.get('accounts', row.get('account_id'))?.terminal) return [];
      if (context.sentBefore === undefined) return 'unchecked';
      return context.sentBefore ? [] : [{ column: 'account_id', message: `account ${row.get('account_id')} is closed; a collateral is created on an open account` }];
    },
  },
  {
    ...BALANCE,
    reads: ['balance_id', 'account_id'],
    needs: (row) => (row.get('balance_id') === '' ? [] : [{ kind: 'balances', id: row.get('balance_id') }]),
    check(row, facts) {
      const id = row.get('balance_id');
      if (id === '') return [];
      const balance = facts.get('balances', id);
      // A balance the set never sent is the reference rule's finding.
      if (!balance) return [];
      if (!balance.complete) return 'unchecked';
      const wrong = balance.values.type !== 'deposit' ? `a ${balance.values.type} balance`
        : balance.values.account_id !== row.get('account_id') ? `a balance of account ${balance.values.account_id}, not ${row.get('account_id')}`
          : balance.terminal ? `${balance.values.status}` : undefined;
      return wrong ? [{ column: 'balance_id', message: `balance ${id} is ${wrong}; a collateral pledges an open deposit balance of its own account` }] : [];
    },
  },
  {
    ...BALANCE_TAKEN,
    reads: ['client_collateral_id', 'balance_id', 'status'],
    needs: (row) => (row.get('balance_id') === '' ? [] : [{ kind: 'collaterals.by_balance', id: row.get('balance_id') }]),
    check(row, facts) {
      if (row.get('balance_id') === '' || !active(row.get('status'))) return [];
      const owners = idsIn(facts.get('collaterals.by_balance', row.get('balance_id'))?.values.owners ?? '');
      const first = owners[0];
      return first !== undefined && first !== row.get('client_collateral_id')
        ? [{ column: 'balance_id', message: `balance ${row.get('balance_id')} already secures collateral ${first}` }]
        : [];
    },
  },
];

export const collaterals: FileTypeSpec = {
  id: 'collaterals',
  title: 'Collaterals',
  token: 'collaterals',
  // Not confirmed by Lead: defaults to the id.
  folder: 'collaterals',
  workflow: 'financial',
  rule: 'full-overwrite',
  recordIdColumn: 'client_collateral_id',
  queryFile: 'collaterals.sql',
  source: 'lead-spec/collaterals.md',
  columns: [
    required('client_collateral_id', text),
    // The account holding the credit balance secured.
    required('account_id', text),
    // The pledged deposit balance: required when type is deposit_balance (a rule across columns).
    optional('balance_id', text),
    required('type', enumOf(...COLLATERAL_TYPES)),
    // At least 0, exactly 2 decimals, in dollars. Its requirement is cut off on the page and a deposit
    // balance's value may come from the Balances file, so it is optional here rather than refused.
    optional('value_usd', usdMoney),
  ],
  // Lead: the type cannot change after creation.
  immutableColumns: ['type'],
  uncertain: [
    'Remote folder and file-name token not confirmed by Lead (default: the id).',
    'Which page version Lead validates (B: value_usd, real_estate; A: value_in_usd, shares, cryptocurrency).',
    'Version B columns after value_usd (status, generated_at, effective_at?) and whether value_usd is required for deposit balances.',
    'Whether a collateral has a terminal state, and whether effective_at must increase per re-send.',
  ],
  references: [
    { column: 'account_id', to: 'accounts' },
    { column: 'balance_id', to: 'balances' },
  ],
  validation: {
    records: [
      requiredWhen(REQUIRES_BALANCE, { column: 'type', is: ['deposit_balance'] }, ['balance_id']),
      recordRule(VALUE_NEGATIVE, ['value_usd'], (row) =>
        (isNegative(row.get('value_usd')) ? [{ column: 'value_usd', message: `value_usd ${row.get('value_usd')} is negative; a collateral is worth 0 or more` }] : [])),
    ],
    facts: [{
      // The active collaterals of each balance, in the order they first claimed it.
      kind: 'collaterals.by_balance',
      reads: ['client_collateral_id', 'balance_id', 'status'],
      key: (row) => row.get('balance_id') || undefined,
      values: (row) => (active(row.get('status'))
        ? { owners: JSON.stringify([row.get('client_collateral_id')]), released: '' }
        : { owners: '[]', released: row.get('client_collateral_id') }),
      merge(previous, next) {
        const released = next.released ?? '';
        const owners = [...idsIn(previous.owners ?? ''), ...idsIn(next.owners ?? '')].filter((id, i, all) => all.indexOf(id) === i && id !== released);
        return { owners: JSON.stringify(owners), released: '' };
      },
    }],
    crossRecords,
  },
};
