import { enumOf, generatedAt, required, text, timestamp, type FileTypeSpec } from '../file-type-spec.js';
import { AUTHORIZED_USER_STATUSES } from './lead-enums.js';

/**
 * Authorized Users (Compliance workflow): users added to (active) or removed from (inactive) accounts,
 * for programs that do not list them in the Accounts file's `authorized_users` column (one or the
 * other, never both). The one compliance schema we have whole (../shared/lead-spec/authorized-users.md).
 */
export const authorizedUsers: FileTypeSpec = {
  id: 'authorized_users',
  title: 'Authorized Users',
  token: 'authorized_users',
  // Not confirmed by Lead: defaults to the id.
  folder: 'authorized_users',
  workflow: 'compliance',
  rule: 'full-overwrite',
  // A record is an account and entity pair: Lead's "Effective At Outdated" check is per pair.
  recordIdColumn: 'account_id',
  recordIdColumns: ['account_id', 'entity_id'],
  queryFile: 'authorized_users.sql',
  source: 'lead-spec/authorized-users.md',
  columns: [
    required('entity_id', text),
    required('account_id', text),
    required('status', enumOf(...AUTHORIZED_USER_STATUSES)),
    // Lead says "ISO8601" without saying date or datetime; a datetime, like every other generated_at.
    generatedAt,
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
};
