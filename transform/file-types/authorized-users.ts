import { enumOf, generatedAtWith, required, text, timestamp, type FileTypeSpec } from '../file-type-spec.js';
import { rule } from '../validation/rule-kit.js';
import { userRoleRule } from './holder-rules.js';
import { AUTHORIZED_USER_STATUSES } from './lead-enums.js';

/**
 * Authorized Users (Compliance workflow): users added to (active) or removed from (inactive) accounts,
 * for programs that do not list them in the Accounts file's `authorized_users` column (one or the
 * other, never both). The one compliance schema we have whole (../shared/lead-spec/authorized-users.md).
 */
const CLOSED_ACCOUNT = rule('cross.user_on_closed_account', 'doc',
  'An authorized user of a closed account is reported inactive.', 'authorized-users.md (future enforcement)');

export const authorizedUsers: FileTypeSpec = {
  id: 'authorized_users',
  title: 'Authorized Users',
  token: 'authorized_users',
  // Not confirmed by Lead: defaults to the id.
  folder: 'authorized_users',
  workflow: 'compliance',
  rule: 'full-overwrite',
  schemaComplete: true,
  // A record is an account and entity pair: Lead's "Effective At Outdated" check is per pair.
  recordIdColumn: 'account_id',
  recordIdColumns: ['account_id', 'entity_id'],
  queryFile: 'authorized_users.sql',
  source: 'lead-spec/authorized-users.md',
  columns: [
    required('entity_id', text),
    required('account_id', text),
    required('status', enumOf(...AUTHORIZED_USER_STATUSES)),
    // Lead says "ISO8601" without saying date or datetime; a datetime, like every other generated_at,
    // and a bare date is read with a warning.
    generatedAtWith({ dateUnknown: true }),
    required('effective_at', timestamp),
  ],
  effectiveAtColumn: 'effective_at',
  // No terminal state: `inactive` removes a user, and nothing says the pair cannot be added back.
  hashExcludes: ['generated_at', 'effective_at'],
  uncertain: [
    'Remote folder and file-name token not confirmed by Lead (default: the id).',
    'Whether generated_at is a date or a datetime; whether entity_id takes a client_customer_id.',
    'Whether a removed (inactive) user can be added back to the same account.',
  ],
  references: [
    { column: 'account_id', to: 'accounts' },
    { column: 'entity_id', to: 'customer' },
  ],
  validation: {
    facts: [{
      // Who may carry a card of the account (cards.ts).
      kind: 'authorized_users',
      reads: ['account_id', 'entity_id', 'status'],
      key: (row) => (row.get('account_id') && row.get('entity_id') ? `${row.get('account_id')} + ${row.get('entity_id')}` : undefined),
      values: (row) => ({ status: row.get('status') }),
    }],
    crossRecords: [
      userRoleRule('entity_id', false),
      {
        ...CLOSED_ACCOUNT,
        reads: ['account_id', 'status'],
        needs: (row) => [{ kind: 'accounts', id: row.get('account_id') }],
        check: (row, facts) => (row.get('status') === 'active' && facts.get('accounts', row.get('account_id'))?.terminal
          ? [{ column: 'status', message: `account ${row.get('account_id')} is closed; its authorized users are reported inactive` }]
          : []),
      },
    ],
  },
};
