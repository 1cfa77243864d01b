import {
  array, boolean, currency, enumOf, enumWithUnconfirmed, integer, moneyIn, optional, required, text, timestamp, type FileTypeSpec,
} from '../file-type-spec.js';
import { isEmptyList, recordRule, requiredWhen, reservedPrefix, rule } from '../validation/rule-kit.js';
import {
  adverseActionNotice, COMMERCIAL_REQUIRES_SIGNER, creditLimitWithinMax, creditReport,
} from './compliance-rules.js';
import { holderTypeRules } from './holder-rules.js';
import {
  AAN_DELIVERY_METHODS, ACCOUNT_HOLDER_TYPES, APPLICATION_OPEN_STATUSES, APPLICATION_TERMINAL_STATUSES, CREDIT_REPORT_SOURCES,
} from './lead-enums.js';

/**
 * Applications (Compliance workflow, credit products only): the outcome of underwriting, declined and
 * canceled applications included (fair lending). Lead's schema page breaks off after
 * `is_exception_approval`; the credit columns and `effective_at` after it are the ones the validations
 * name, in the order the Accounts file uses for the same fields (../shared/lead-spec/applications.md).
 *
 * Status: the file schema lists `submitted` and `under_review` too, but api-rules.md says only terminal
 * outcomes are reported. lead-etl sends each application once, when decided, which is valid under both
 * readings; an open status in a file is read with a warning.
 */
export const UNKNOWN_APPLICATION = rule('cross.unknown_application', 'doc',
  'An account\'s `application_id` names an application sent before or in the set (or a Lead `application_` id).', 'accounts.md; api-rules.md');
const NAMESPACE = rule('record.namespace_application', 'doc', '`client_application_id` does not start with `application_` (Lead\'s ids).', 'applications.md; sftp-process.md §5');
const AAN_DECLINED = rule('record.aan_required_declined', 'doc', 'A declined application carries the whole adverse action notice.', 'applications.md; api-rules.md');
const DECISION = rule('record.decision_required', 'doc', 'An approved, declined or canceled application carries `decided_at` and `decision_reason`.', 'applications.md; api-rules.md');

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
    required('status', enumWithUnconfirmed(APPLICATION_TERMINAL_STATUSES, APPLICATION_OPEN_STATUSES)),
    // Required for the three terminal statuses, which are the ones lead-etl sends: a rule across columns.
    optional('decided_at', timestamp),
    optional('decision_reason', text),
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
    // Units not stated: decimal major units in the application's currency, as every readable file; a
    // whole number (cents, as the API has it?) is read with a warning.
    optional('credit_limit', moneyIn('currency', { unitsUnknown: true })),
    optional('max_credit_limit', moneyIn('currency', { unitsUnknown: true })),
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
  produces: { columns: ['client_application_id'], complete: 'from-day0', leadIdPrefixes: ['application_'], unknown: UNKNOWN_APPLICATION },
  references: [
    { column: 'account_holders', to: 'customer', list: true },
    { column: 'authorized_signers', to: 'customer', list: true },
  ],
  validation: {
    records: [
      reservedPrefix(NAMESPACE, 'client_application_id', ['application_']),
      requiredWhen(DECISION, { column: 'status', is: APPLICATION_TERMINAL_STATUSES }, ['decided_at', 'decision_reason']),
      ...adverseActionNotice(AAN_DECLINED, { column: 'status', is: ['declined'] }),
      creditReport,
      creditLimitWithinMax,
      recordRule(COMMERCIAL_REQUIRES_SIGNER, ['account_holder_type', 'status', 'authorized_signers'], (row) =>
        (row.get('account_holder_type') === 'commercial' && row.get('status') === 'approved' && isEmptyList(row.get('authorized_signers'))
          ? [{ column: 'authorized_signers', message: 'authorized_signers is required: a commercial approved application names at least one signer' }]
          : [])),
    ],
    facts: [{
      // What an account opened from the application is checked against (accounts.ts).
      kind: 'applications',
      reads: ['client_application_id', 'status', 'account_holder_type', 'account_holders'],
      key: (row) => row.get('client_application_id') || undefined,
      values: (row) => ({ status: row.get('status'), account_holder_type: row.get('account_holder_type'), account_holders: row.get('account_holders') }),
    }],
    crossRecords: holderTypeRules,
  },
};
