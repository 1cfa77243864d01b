import { boolean, date, enumOf, generatedAtWith, optional, required, text, timestamp, type FileTypeSpec } from '../file-type-spec.js';
import { idsIn, instantOf, localDateOf, recordRule, requiredWhen, reservedPrefix, rule } from '../validation/rule-kit.js';
import type { CrossRecordRule, RecordRule, RowView } from '../validation/rule-types.js';
import { CARD_STATUSES, CARD_TYPES } from './lead-enums.js';

/**
 * Cards (Compliance workflow): every card issued, sent when new or changed, whole each time. Lead's
 * schema page breaks off after `generated_at`; whether `effective_at` follows is not known, so it is not
 * here (../shared/lead-spec/cards.md).
 */
export const UNKNOWN_CARD = rule('cross.unknown_card', 'doc', 'A `card_id` (or a card\'s `replaced_by`) names a card sent before or in the set.', 'transactions.md; cards.md');
const NAMESPACE = rule('record.namespace_card', 'doc', '`client_card_id` does not start with `card_` (Lead\'s ids).', 'cards.md; sftp-process.md §5');
const CLOSURE = rule('record.card_closure_details', 'doc', 'A closed card carries `closed_at` and `closed_reason`.', 'cards.md');
const EXPIRY = rule('record.card_expiry', 'doc', 'A card\'s `expiry_date` is not before its `created_at` or `activated_at`.', 'cards.md');
const DATES = rule('record.card_dates', 'doc', 'A card\'s `activated_at` and `closed_at` are not before its `created_at`.', 'cards.md');
const REPLACED = rule('record.replaced_card_terminal', 'doc', 'A card with `replaced_by` is closed or expired, not active or inactive.', 'cards.md (future enforcement)');
const CARDHOLDER = rule('cross.cardholder_not_on_account', 'doc',
  'A card\'s `entity_id` is a holder or an authorized user of the card\'s account.', 'cards.md (Disallowed Entity Reference)');
const CLOSED_ACCOUNT = rule('cross.card_on_closed_account', 'doc',
  'A card of a closed account is closed or expired, and no card is created after its account closed.', 'cards.md (Nonterminating Update, Card Creation on Closed Account)');

const TERMINAL_CARD = ['closed', 'expired'];

const records: readonly RecordRule[] = [
  reservedPrefix(NAMESPACE, 'client_card_id', ['card_']),
  requiredWhen(CLOSURE, { column: 'card_status', is: ['closed'] }, ['closed_at', 'closed_reason']),
  recordRule(EXPIRY, ['expiry_date', 'created_at', 'activated_at'], (row) => {
    const expiry = row.get('expiry_date');
    const after = ['created_at', 'activated_at'].filter((c) => row.get(c) !== '' && expiry < localDateOf(row.get(c)));
    if (after.length === 0) return [];
    // When only the activation is after the expiry the activation is the odd one (a card is created
    // before it expires); when both are, the expiry is.
    const column = after.length === 1 && after[0] === 'activated_at' ? 'activated_at' : 'expiry_date';
    return [{ column, message: `expiry_date ${expiry} is before the card's ${after.join(' and ')} ${after.map((c) => row.get(c)).join(', ')}` }];
  }),
  recordRule(DATES, ['created_at', 'activated_at', 'closed_at'], (row) => {
    const created = instantOf(row.get('created_at'));
    const early = ['activated_at', 'closed_at'].filter((c) => row.get(c) !== '' && instantOf(row.get(c)) < created);
    if (early.length === 0) return [];
    // Both before the creation: the creation is the odd one.
    const column = early.length === 2 ? 'created_at' : early[0]!;
    return [{ column, message: `${early.join(' and ')} ${early.map((c) => row.get(c)).join(', ')} ${early.length === 2 ? 'are' : 'is'} before created_at ${row.get('created_at')}` }];
  }),
  recordRule(REPLACED, ['replaced_by', 'card_status'], (row) =>
    (row.get('replaced_by') !== '' && !TERMINAL_CARD.includes(row.get('card_status'))
      ? [{ column: 'card_status', message: `card_status is ${row.get('card_status')}, but the card was replaced by ${row.get('replaced_by')}; a replaced card is closed or expired` }]
      : [])),
];

const userPair = (row: RowView) => `${row.get('account_id')} + ${row.get('entity_id')}`;

const crossRecords: readonly CrossRecordRule[] = [
  {
    ...CARDHOLDER,
    reads: ['account_id', 'entity_id', 'card_status'],
    needs: (row) => [{ kind: 'accounts', id: row.get('account_id') }, { kind: 'authorized_users', id: userPair(row) }],
    check(row, facts, context) {
      const account = facts.get('accounts', row.get('account_id'));
      // An account the set never sent is the reference rule's finding.
      if (!account) return [];
      const entity = row.get('entity_id');
      if (!account.complete || entity.startsWith('entity_')) return 'unchecked';
      const onAccount = [...idsIn(account.values.account_holders ?? ''), ...idsIn(account.values.authorized_users ?? '')];
      if (onAccount.includes(entity)) return [];
      const user = facts.get('authorized_users', userPair(row));
      // A card closed as its user leaves the account names a user who was one: Lead takes the Cards
      // file of a date before its Authorized Users file.
      if (user?.values.status === 'active' || (user?.complete && TERMINAL_CARD.includes(row.get('card_status')))) return [];
      // Users reported in the Authorized Users file: only a set that knows every pair can say one is not there.
      const usersInFile = context.program.authorizedUsers !== 'accounts_column';
      if (usersInFile && ((user && !user.complete) || (!user && !context.complete('authorized_users')))) return 'unchecked';
      return [{ column: 'entity_id', message: `${entity} is neither a holder nor an authorized user of account ${row.get('account_id')}` }];
    },
  },
  {
    ...CLOSED_ACCOUNT,
    reads: ['account_id', 'card_status', 'created_at'],
    needs: (row) => [{ kind: 'accounts', id: row.get('account_id') }],
    check(row, facts) {
      const account = facts.get('accounts', row.get('account_id'));
      if (!account?.terminal) return [];
      if (!TERMINAL_CARD.includes(row.get('card_status'))) {
        return [{ column: 'card_status', message: `card_status is ${row.get('card_status')}, but account ${row.get('account_id')} was closed in ${account.where}; its cards are closed or expired` }];
      }
      const closedAt = instantOf(account.values.effective_at ?? '');
      return instantOf(row.get('created_at')) > closedAt
        ? [{ column: 'created_at', message: `the card was created at ${row.get('created_at')}, after account ${row.get('account_id')} closed (${account.values.effective_at}); no card is created on a closed account` }]
        : [];
    },
  },
];

export const cards: FileTypeSpec = {
  id: 'cards',
  title: 'Cards',
  token: 'cards',
  // Not confirmed by Lead: defaults to the id.
  folder: 'cards',
  workflow: 'compliance',
  rule: 'full-overwrite',
  recordIdColumn: 'client_card_id',
  queryFile: 'cards.sql',
  source: 'lead-spec/cards.md',
  columns: [
    required('client_card_id', text),
    required('account_id', text),
    // The cardholder: a client_customer_id or Lead entity id, holder or authorized user of the account.
    required('entity_id', text),
    required('client_card_product_name', text),
    required('is_virtual', boolean),
    required('card_type', enumOf(...CARD_TYPES)),
    required('created_at', timestamp),
    required('card_status', enumOf(...CARD_STATUSES)),
    // Lead's table says required, though cards that were never activated exist: ask Lead.
    required('activated_at', timestamp),
    required('expiry_date', date),
    // Both required when card_status is closed: a rule across columns.
    optional('closed_at', timestamp),
    optional('closed_reason', text),
    optional('replaced_by', text),
    // Lead's type is cut to "date..."; every other file's generated_at is an ISO 8601 datetime, and the
    // pipeline writes one; a bare date is read with a warning.
    generatedAtWith({ dateUnknown: true }),
  ],
  // A closed card cannot be reopened and later changes to it are rejected. `expired` is not documented
  // as terminal, so an expired card may still be updated (closed, for instance).
  terminal: { column: 'card_status', values: ['closed'] },
  // Lead's future validation "Updates not allowed on Immutable Fields": once set, these never change,
  // so every re-sent card repeats the values first reported (replaced_by and closed_* are set late).
  immutableColumns: [
    'account_id', 'entity_id', 'is_virtual', 'card_type', 'created_at', 'activated_at', 'expiry_date',
    'closed_at', 'closed_reason', 'replaced_by',
  ],
  hashExcludes: ['generated_at'],
  uncertain: [
    'Remote folder and file-name token not confirmed by Lead (default: the id).',
    'Whether generated_at is a date or a datetime, and whether effective_at or other columns follow it.',
    'How to report a card never activated (activated_at is required); allowed closed_reason values.',
    'Whether expired is terminal; the boolean literal form (true/false assumed).',
  ],
  produces: { columns: ['client_card_id'], complete: 'from-day0', leadIdPrefixes: ['card_'], unknown: UNKNOWN_CARD },
  references: [
    { column: 'account_id', to: 'accounts' },
    { column: 'entity_id', to: 'customer' },
    { column: 'replaced_by', to: 'cards' },
  ],
  validation: { records, crossRecords },
};
