import {
  array, currency, enumOf, integer, moneyIn, optional, required, text, timestamp, type FileTypeSpec,
} from '../file-type-spec.js';
import {
  AAN_DELIVERY_METHODS, ACCOUNT_HOLDER_TYPES, ACCOUNT_STATUSES, ACCOUNT_STATUS_REASONS, CREDIT_REPORT_SOURCES,
} from './lead-enums.js';

/**
 * Accounts (Compliance workflow). Lead's schema page breaks off after `client_product_name`; the later
 * columns are the ones its validations and status pages name. See ../shared/lead-spec/accounts.md.
 */
export const accounts: FileTypeSpec = {
  id: 'accounts',
  title: 'Accounts',
  token: 'accounts',
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
    required('client_product_name', text),
    required('status', enumOf(...ACCOUNT_STATUSES)),
    required('status_reason', enumOf(...ACCOUNT_STATUS_REASONS)),
    optional('aan_delivered_at', timestamp),
    optional('aan_reason', text),
    optional('aan_delivery_method', enumOf(...AAN_DELIVERY_METHODS)),
    optional('credit_pulled_at', timestamp),
    optional('credit_score', integer),
    optional('credit_report_source', enumOf(...CREDIT_REPORT_SOURCES)),
    optional('credit_limit', moneyIn('currency')),
    optional('max_credit_limit', moneyIn('currency')),
    optional('available_credit', moneyIn('currency')),
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
};
