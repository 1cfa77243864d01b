import {
  array, currency, enumOf, enumWithUnconfirmed, integer, moneyIn, optional, required, text, timestamp, type FileTypeSpec,
} from '../file-type-spec.js';
import { idsIn, isEmptyList, requiredWhen, reservedPrefix, rule, statusReason } from '../validation/rule-kit.js';
import type { CrossRecordRule, Fact, FactLookup, RowView } from '../validation/rule-types.js';
import {
  adverseActionNotice, COMMERCIAL_REQUIRES_SIGNER, creditLimitWithinMax, creditReport,
} from './compliance-rules.js';
import { holderTypeRules, userRoleRule } from './holder-rules.js';
import {
  AAN_DELIVERY_METHODS, ACCOUNT_HOLDER_TYPES, ACCOUNT_STATUSES, ACCOUNT_STATUS_REASONS, ACCOUNT_STATUS_REASONS_UNCONFIRMED,
  CLOSED_REASONS, CREDIT_REPORT_SOURCES,
} from './lead-enums.js';

/**
 * Accounts (Compliance workflow). Lead's schema page breaks off after `client_product_name`; the later
 * columns are the ones its validations and status pages name. See ../shared/lead-spec/accounts.md.
 */
export const UNKNOWN_ACCOUNT = rule('cross.unknown_account', 'doc', 'An `account_id` names an account sent before or in the set.', 'balances.md; cards.md; collaterals.md; authorized-users.md');
export const APPLICATION_REQUIRED = rule('cross.application_required', 'doc',
  'An account with a credit balance names the application it came from in `application_id`.', 'accounts.md');
const NAMESPACE = rule('record.namespace_account', 'doc',
  '`client_account_id` does not start with `account_`, `subledgered_account_` or `partner_ledgered_account_` (Lead\'s ids).', 'accounts.md; sftp-process.md §5');
const STATUS_REASON = rule('record.account_status_reason', 'doc',
  'An account\'s `status_reason` belongs to its `status` (active: active; inactive: dormant, frozen, other; closed: a closing reason).', 'accounts.md (statuses)');
const AAN_CLIENT_CLOSED = rule('record.aan_required_client_closed', 'doc',
  'An account closed with reason `client_closed` carries the whole adverse action notice.', 'accounts.md; api-rules.md');
const USERS_BOTH_WAYS = rule('record.authorized_users_both_ways', 'doc',
  'A program that sends the Authorized Users file leaves the Accounts file\'s `authorized_users` empty (one or the other).', 'accounts.md; authorized-users.md');
const APPLICATION_NOT_APPROVED = rule('cross.application_not_approved', 'doc',
  'An account opened from an application names one that was approved.', 'api-rules.md; accounts.md');
const APPLICATION_MISMATCH = rule('cross.application_holders_mismatch', 'doc',
  'An account opened from an application has the application\'s holder type and at least one of its holders.', 'api-rules.md');

const LEAD_ACCOUNT_PREFIXES = ['account_', 'subledgered_account_', 'partner_ledgered_account_'];

const needsApplication = (row: RowView) => (row.get('application_id') === '' ? [] : [{ kind: 'applications' as const, id: row.get('application_id') }]);

/**
 * The application the account names, as the set sent it: `skip` when there is none to check (no id, one
 * of Lead's own ids, or one the set never sent, which is the reference rule's finding), `unchecked` when
 * the set holds it only in part.
 */
function namedApplication(row: RowView, facts: FactLookup): { id: string; application: Fact } | 'skip' | 'unchecked' {
  const id = row.get('application_id');
  if (id === '' || id.startsWith('application_')) return 'skip';
  const application = facts.get('applications', id);
  if (!application) return 'skip';
  return application.complete ? { id, application } : 'unchecked';
}

const applicationMatch: readonly CrossRecordRule[] = [
  {
    ...APPLICATION_NOT_APPROVED,
    reads: ['application_id'],
    needs: needsApplication,
    check(row, facts) {
      const named = namedApplication(row, facts);
      if (named === 'skip') return [];
      if (named === 'unchecked') return 'unchecked';
      const { id, application } = named;
      return application.values.status === 'approved' ? [] : [{ column: 'application_id', message: `application ${id} is ${application.values.status}; an account is opened from an approved application` }];
    },
  },
  {
    ...APPLICATION_MISMATCH,
    reads: ['application_id', 'account_holder_type', 'account_holders'],
    needs: needsApplication,
    check(row, facts) {
      const named = namedApplication(row, facts);
      if (named === 'skip') return [];
      if (named === 'unchecked') return 'unchecked';
      const { id, application } = named;
      if (application.values.status !== 'approved') return [];
      if (application.values.account_holder_type !== row.get('account_holder_type')) {
        return [{ column: 'account_holder_type', message: `account_holder_type is ${row.get('account_holder_type')}; application ${id} is ${application.values.account_holder_type}` }];
      }
      const theirs = new Set(idsIn(application.values.account_holders ?? ''));
      return idsIn(row.get('account_holders')).some((holder) => theirs.has(holder)) ? [] : [{ column: 'account_holders', message: `none of the holders is a holder of application ${id}` }];
    },
  },
  {
    ...APPLICATION_REQUIRED,
    reads: ['client_account_id', 'application_id'],
    needs: (row) => [{ kind: 'balances.credit_account', id: row.get('client_account_id') }],
    check(row, facts, context) {
      if (row.get('application_id') !== '') return [];
      const credit = facts.get('balances.credit_account', row.get('client_account_id'));
      // A credit balance of a later date is checked from the Balances file (balances.ts).
      return credit && credit.fileDate === context.fileDate
        ? [{ column: 'application_id', message: `application_id is required: credit balance ${credit.values.balance} is linked to ${row.get('client_account_id')}` }]
        : [];
    },
  },
];

export const accounts: FileTypeSpec = {
  id: 'accounts',
  title: 'Accounts',
  token: 'accounts',
  // Lead's pages name the folder `accounts` and leave the token open: `account` is read with a warning.
  tokenAliases: ['account'],
  folder: 'accounts',
  workflow: 'compliance',
  rule: 'full-overwrite',
  recordIdColumn: 'client_account_id',
  queryFile: 'accounts.sql',
  source: 'lead-spec/accounts.md',
  columns: [
    required('client_account_id', text),
    optional('application_id', text),
    required('account_holder_type', enumOf(...ACCOUNT_HOLDER_TYPES)),
    required('account_holders', array),
    optional('authorized_signers', array),
    optional('authorized_users', array),
    required('currency', currency),
    // "[UNKNOWN] (probably Required)": lead-etl always writes it; an empty one only warns.
    required('client_product_name', text, { requirementUnknown: true }),
    required('status', enumOf(...ACCOUNT_STATUSES)),
    required('status_reason', enumWithUnconfirmed(ACCOUNT_STATUS_REASONS, ACCOUNT_STATUS_REASONS_UNCONFIRMED)),
    optional('aan_delivered_at', timestamp),
    optional('aan_reason', text),
    optional('aan_delivery_method', enumOf(...AAN_DELIVERY_METHODS)),
    optional('credit_pulled_at', timestamp),
    optional('credit_score', integer),
    optional('credit_report_source', enumOf(...CREDIT_REPORT_SOURCES)),
    optional('credit_limit', moneyIn('currency', { unitsUnknown: true })),
    optional('max_credit_limit', moneyIn('currency', { unitsUnknown: true })),
    optional('available_credit', moneyIn('currency', { unitsUnknown: true })),
    required('effective_at', timestamp),
  ],
  // Lead rejects a re-sent account whose effective_at is not later than the last one it took, and any
  // change to a closed account (accounts.md, validations; statuses: closed cannot be reopened).
  effectiveAtColumn: 'effective_at',
  terminal: { column: 'status', values: ['closed'] },
  // effective_at moves on every re-send without the account changing; it says when, not what.
  hashExcludes: ['effective_at'],
  uncertain: [
    'File-name token: accounts or account (the folder accounts is documented).',
    'Columns after client_product_name: names, order and requirements come from validation texts, not the schema.',
    'Units of credit_limit, max_credit_limit and available_credit in the file (the API uses cents).',
    'Whether the inactive reason is dormant (API, balances) or dormat (as the account statuses page prints it).',
    'Whether the file has generated_at, a documents column, deposit details or SCRA/MLA columns.',
  ],
  produces: { columns: ['client_account_id'], complete: 'from-day0', leadIdPrefixes: LEAD_ACCOUNT_PREFIXES, unknown: UNKNOWN_ACCOUNT },
  references: [
    { column: 'account_holders', to: 'customer', list: true },
    { column: 'authorized_signers', to: 'customer', list: true },
    { column: 'authorized_users', to: 'customer', list: true },
    { column: 'application_id', to: 'applications' },
  ],
  validation: {
    records: [
      reservedPrefix(NAMESPACE, 'client_account_id', LEAD_ACCOUNT_PREFIXES),
      // `dormat` is how Lead's account statuses page spells it: its enum reads it with a warning.
      statusReason(STATUS_REASON, { active: ['active'], inactive: ['dormant', 'dormat', 'frozen', 'other'], closed: CLOSED_REASONS }),
      ...adverseActionNotice(AAN_CLIENT_CLOSED, { column: 'status_reason', is: ['client_closed'] }),
      creditReport,
      creditLimitWithinMax,
      requiredWhen(COMMERCIAL_REQUIRES_SIGNER, { column: 'account_holder_type', is: ['commercial'] }, ['authorized_signers']),
      {
        ...USERS_BOTH_WAYS,
        reads: ['authorized_users'],
        check: (row, context) => (context.program.authorizedUsers === 'authorized_users_file' && !isEmptyList(row.get('authorized_users'))
          ? [{ column: 'authorized_users', message: 'authorized_users is filled, but the program reports authorized users in the Authorized Users file; leave this column empty' }]
          : []),
      },
    ],
    facts: [{
      // What cards, authorized users, collaterals and balances of the account are checked against.
      kind: 'accounts',
      reads: ['client_account_id', 'status', 'account_holder_type', 'account_holders', 'authorized_users', 'application_id', 'effective_at'],
      key: (row) => row.get('client_account_id') || undefined,
      values: (row) => ({
        status: row.get('status'),
        account_holder_type: row.get('account_holder_type'),
        account_holders: row.get('account_holders'),
        authorized_users: row.get('authorized_users'),
        application_id: row.get('application_id'),
        effective_at: row.get('effective_at'),
      }),
    }],
    crossRecords: [...holderTypeRules, userRoleRule('authorized_users', true), ...applicationMatch],
  },
};
