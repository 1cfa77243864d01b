import {
  array, boolean, currency, enumOf, integer, moneyIn, optional, required, text, timestamp, type FileTypeSpec,
} from '../file-type-spec.js';
import {
  AAN_DELIVERY_METHODS, ACCOUNT_HOLDER_TYPES, APPLICATION_TERMINAL_STATUSES, CREDIT_REPORT_SOURCES,
} from './lead-enums.js';

/**
 * Applications (Compliance workflow, credit products only): the outcome of underwriting, declined and
 * canceled applications included (fair lending). Lead's schema page breaks off after
 * `is_exception_approval`; the credit columns and `effective_at` after it are the ones the validations
 * name, in the order the Accounts file uses for the same fields (../shared/lead-spec/applications.md).
 *
 * Status: the file schema lists `submitted` and `under_review` too, but api-rules.md says only terminal
 * outcomes are reported. Sending each application once, when decided, is valid under both readings, so
 * only the terminal statuses are accepted and every application sent is final. That also makes the
 * decision columns always required (Lead requires them for every terminal status).
 */
export const applications: FileTypeSpec = {
  id: 'applications',
  title: 'Applications',
  token: 'applications',
  // Not confirmed by Lead: defaults to the id.
  folder: 'applications',
  workflow: 'compliance',
  rule: 'full-overwrite',
  recordIdColumn: 'client_application_id',
  queryFile: 'applications.sql',
  source: 'lead-spec/applications.md',
  columns: [
    required('client_application_id', text),
    required('account_holder_type', enumOf(...ACCOUNT_HOLDER_TYPES)),
    required('account_holders', array),
    // Required (at least one) for commercial approved applications: a rule across columns.
    optional('authorized_signers', array),
    required('currency', currency),
    required('client_product_name', text),
    required('is_secured', boolean),
    required('created_at', timestamp),
    required('submitted_at', timestamp),
    required('status', enumOf(...APPLICATION_TERMINAL_STATUSES)),
    required('decided_at', timestamp),
    required('decision_reason', text),
    // The adverse action notice: all three required when the status is declined.
    optional('aan_delivered_at', timestamp),
    optional('aan_reason', text),
    optional('aan_delivery_method', enumOf(...AAN_DELIVERY_METHODS)),
    // Requirement cut off on the page; a boolean by its name.
    optional('is_exception_approval', boolean),
    // Below: named by the validations, not the schema. Credit report: all three or none.
    optional('credit_pulled_at', timestamp),
    optional('credit_score', integer),
    optional('credit_report_source', enumOf(...CREDIT_REPORT_SOURCES)),
    // Units not stated; decimal major units in the application's currency, as every readable file.
    optional('credit_limit', moneyIn('currency')),
    optional('max_credit_limit', moneyIn('currency')),
    required('effective_at', timestamp),
  ],
  effectiveAtColumn: 'effective_at',
  // Lead: no update once approved, declined or canceled.
  terminal: { column: 'status', values: APPLICATION_TERMINAL_STATUSES },
  hashExcludes: ['effective_at'],
  uncertain: [
    'Remote folder and file-name token not confirmed by Lead (default: the id).',
    'Whether the file takes submitted and under_review rows (the file schema lists them; the API rules do not).',
    'Columns after is_exception_approval: names, order and requirements; the documents and authorized users columns are not named.',
    'Units of credit_limit and max_credit_limit; the boolean literal form (true/false assumed); whether the file has generated_at.',
  ],
};
