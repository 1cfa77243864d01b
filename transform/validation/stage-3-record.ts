import { parseIsoTimestamp } from './iso-timestamp.js';
import { add, equals, formatDecimal, parseDecimal, sign, subtract, ZERO, type Decimal } from './exact-decimal.js';
import type { RowView } from './file-columns.js';
import type { RuleCode } from './rule-catalog.js';

/**
 * Stage 3, rules inside a record (sftp-process.md §1 "Business Rules"; api-rules.md): combinations of
 * columns of one row. Lead runs them together with the field formats, so they run in the same pass; a
 * rule is skipped for a row where a column it reads failed its format or is not in the program's file,
 * so one wrong value is reported once.
 *
 * The table below is the rules; the helpers after it only build table entries.
 */
export interface RecordContext {
  /** The type of a balance the set (or history) reported, for rules that differ for credit. */
  balanceType(balanceId: string): 'deposit' | 'credit' | undefined;
}

export interface Breach {
  /** Lead's name of the column to fix. */
  readonly column: string;
  readonly message: string;
}

export interface RecordRule {
  readonly code: RuleCode;
  readonly fileTypes: readonly string[];
  /** Lead's names of the columns the rule reads. */
  readonly reads: readonly string[];
  check(row: RowView, context: RecordContext): readonly Breach[];
}

const AAN = ['aan_delivered_at', 'aan_reason', 'aan_delivery_method'];
const CREDIT_REPORT = ['credit_pulled_at', 'credit_score', 'credit_report_source'];
const CLOSED_REASONS = ['entity_closed', 'client_closed', 'paid_off', 'charged_off', 'canceled'];

export const RECORD_RULES: readonly RecordRule[] = [
  requiredWhen('record.card_requires_card_id', 'transactions', { column: 'transfer_type', is: ['card'] }, ['card_id']),
  requiredWhen('record.card_requires_bin', 'transactions', { column: 'transfer_type', is: ['card'] }, ['bin']),
  requiredWhen('record.fee_type_required', 'transactions', { column: 'type', is: ['fee'] }, ['fee_type']),
  {
    code: 'record.credit_amount_composition',
    fileTypes: ['transactions'],
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
  ...['transactions', 'non_posted_transactions'].flatMap((fileType): RecordRule[] => [
    {
      code: 'record.amount_in_usd_sign',
      fileTypes: [fileType],
      reads: ['amount', 'amount_in_usd'],
      check(row) {
        if (row.get('amount_in_usd') === '') return [];
        return sign(amountOf(row.get('amount'))) === sign(amountOf(row.get('amount_in_usd'))) ? [] : [{
          column: 'amount_in_usd',
          message: `amount_in_usd ${row.get('amount_in_usd')} does not have the sign of amount ${row.get('amount')}`,
        }];
      },
    },
    {
      code: 'record.amount_in_usd_required',
      fileTypes: [fileType],
      reads: ['currency', 'amount_in_usd'],
      check: (row) => (row.get('currency') !== 'USD' && row.get('amount_in_usd') === ''
        ? [{ column: 'amount_in_usd', message: `amount_in_usd is required for an amount in ${row.get('currency')}` }]
        : []),
    },
  ]),
  ...adverseActionNotice('applications', { column: 'status', is: ['declined'] }, 'record.aan_required_declined'),
  ...adverseActionNotice('accounts', { column: 'status_reason', is: ['client_closed'] }, 'record.aan_required_client_closed'),
  allOrNothing('record.credit_report_all_or_nothing', ['accounts', 'applications'], CREDIT_REPORT, 'a credit report'),
  statusReason('record.account_status_reason', 'accounts', {
    active: ['active'],
    // `dormat` is how Lead's account statuses page spells it; a profile that adds it to the enum means it.
    inactive: ['dormant', 'dormat', 'frozen', 'other'],
    closed: CLOSED_REASONS,
  }),
  statusReason('record.balance_status_reason', 'balances', {
    active: ['active'],
    inactive: ['dormant', 'frozen', 'other'],
    closed: CLOSED_REASONS,
    receivable_transferred: ['receivable_sold_to_partner'],
  }),
  reservedPrefix('record.namespace_account', 'accounts', 'client_account_id', ['account_', 'subledgered_account_', 'partner_ledgered_account_']),
  reservedPrefix('record.namespace_card', 'cards', 'client_card_id', ['card_']),
  reservedPrefix('record.namespace_application', 'applications', 'client_application_id', ['application_']),
  // accounts.md: commercial accounts need a signer; applications.md: commercial approved applications do.
  requiredWhen('record.commercial_requires_signer', 'accounts', { column: 'account_holder_type', is: ['commercial'] }, ['authorized_signers']),
  {
    code: 'record.commercial_requires_signer',
    fileTypes: ['applications'],
    reads: ['account_holder_type', 'status', 'authorized_signers'],
    check: (row) => (row.get('account_holder_type') === 'commercial' && row.get('status') === 'approved' && isEmptyList(row.get('authorized_signers'))
      ? [{ column: 'authorized_signers', message: 'authorized_signers is required: a commercial approved application names at least one signer' }]
      : []),
  },
  {
    code: 'record.credit_limit_exceeds_max',
    fileTypes: ['accounts', 'applications'],
    reads: ['credit_limit', 'max_credit_limit'],
    check(row) {
      const [limit, max] = [row.get('credit_limit'), row.get('max_credit_limit')];
      if (limit === '' || max === '') return [];
      return sign(subtract(amountOf(limit), amountOf(max))) > 0
        ? [{ column: 'credit_limit', message: `credit_limit ${limit} is more than max_credit_limit ${max}` }]
        : [];
    },
  },
  requiredWhen('record.reject_reason_required', 'sales_response', { column: 'response', is: ['rejected'] }, ['reject_reason']),
  requiredWhen('record.card_closure_details', 'cards', { column: 'card_status', is: ['closed'] }, ['closed_at', 'closed_reason']),
  {
    code: 'record.card_expiry',
    fileTypes: ['cards'],
    reads: ['expiry_date', 'created_at', 'activated_at'],
    check(row) {
      const expiry = row.get('expiry_date');
      const before = ['created_at', 'activated_at'].find((c) => row.get(c) !== '' && expiry < localDate(row.get(c)));
      return before ? [{ column: 'expiry_date', message: `expiry_date ${expiry} is before the card's ${before} ${row.get(before)}` }] : [];
    },
  },
  requiredWhen('record.collateral_requires_balance', 'collaterals', { column: 'type', is: ['deposit_balance'] }, ['balance_id']),
  {
    code: 'record.collateral_value_negative',
    fileTypes: ['collaterals'],
    reads: ['value_usd'],
    check: (row) => (row.get('value_usd') !== '' && sign(amountOf(row.get('value_usd'))) < 0
      ? [{ column: 'value_usd', message: `value_usd ${row.get('value_usd')} is negative; a collateral is worth 0 or more` }]
      : []),
  },
  {
    code: 'record.credit_balance_composition',
    fileTypes: ['balances'],
    reads: ['type', 'balance', 'outstanding_principal', 'outstanding_interest', 'outstanding_fees'],
    check(row) {
      if (row.get('type') !== 'credit') return [];
      const parts = ['outstanding_principal', 'outstanding_interest', 'outstanding_fees'].map((c) => row.get(c));
      const sum = parts.reduce<Decimal>((total, p) => add(total, amountOf(p)), ZERO);
      return equals(sum, amountOf(row.get('balance'))) ? [] : [{
        column: 'balance',
        message: `credit balance ${row.get('balance')} is not outstanding_principal + outstanding_interest + outstanding_fees (${parts.map((p) => p || '0').join(' + ')} = ${formatDecimal(sum)})`,
      }];
    },
  },
  {
    code: 'record.credit_balance_negative',
    fileTypes: ['balances'],
    reads: ['type', 'balance'],
    check: (row) => (row.get('type') === 'credit' && sign(amountOf(row.get('balance'))) < 0
      ? [{ column: 'balance', message: `credit balance ${row.get('balance')} is negative; report what the customer owes as a positive amount` }]
      : []),
  },
  exactlyOne('record.balance_identity', 'balances', ['client_balance_id', 'id'], 'client_balance_id (a balance created by file) or id (created by API)'),
  exactlyOne('record.relationship_parent', 'customer_relationship', ['client_business_id', 'client_sole_prop_id'], 'client_business_id or client_sole_prop_id'),
  // Names are personal data: these messages say which column is missing, never what the others hold.
  requiredWhen('record.customer_individual_name', 'customer', { column: 'customer_type', is: ['individual'] }, ['first_name', 'last_name']),
  requiredWhen('record.customer_business_details', 'customer', { column: 'customer_type', is: ['business', 'sole_prop'] }, ['business_type', 'business_name']),
  {
    code: 'record.customer_business_details',
    fileTypes: ['customer'],
    reads: ['customer_type', 'business_type'],
    check: (row) => (row.get('customer_type') === 'sole_prop' && row.get('business_type') !== '' && row.get('business_type') !== 'sole_prop'
      ? [{ column: 'business_type', message: `business_type of a sole_prop customer is sole_prop, not ${row.get('business_type')}` }]
      : []),
  },
  {
    code: 'record.customer_roles',
    fileTypes: ['customer'],
    reads: ['customer_type', 'inteded_roles'],
    check(row) {
      if (row.get('customer_type') === 'individual' || row.get('inteded_roles') === '') return [];
      const others = (JSON.parse(row.get('inteded_roles')) as string[]).filter((role) => role !== 'account_holder');
      return others.length ? [{ column: 'inteded_roles', message: `inteded_roles: a ${row.get('customer_type')} customer may only be an account_holder, not ${others.join(', ')}` }] : [];
    },
  },
];

/** The rules that apply to a file type. */
export function recordRulesFor(fileTypeId: string): RecordRule[] {
  return RECORD_RULES.filter((r) => r.fileTypes.includes(fileTypeId));
}

/** `require` columns must have a value when `when.column` holds one of `when.is`. */
function requiredWhen(code: RuleCode, fileType: string, when: { column: string; is: readonly string[] }, require: readonly string[]): RecordRule {
  return {
    code,
    fileTypes: [fileType],
    reads: [when.column, ...require],
    check: (row) => (when.is.includes(row.get(when.column))
      ? require.filter((c) => isEmptyList(row.get(c))).map((column) => ({ column, message: `${column} is required when ${when.column} is ${row.get(when.column)}` }))
      : []),
  };
}

/** All of `columns` or none. */
function allOrNothing(code: RuleCode, fileTypes: readonly string[], columns: readonly string[], what: string): RecordRule {
  return {
    code,
    fileTypes,
    reads: columns,
    check(row) {
      const missing = columns.filter((c) => row.get(c) === '');
      return missing.length > 0 && missing.length < columns.length
        ? missing.map((column) => ({ column, message: `${column} is missing: ${what} is all of ${columns.join(', ')}, or none` }))
        : [];
    },
  };
}

/** The adverse action notice: required whole in `requiredWhen`, otherwise all or nothing. */
function adverseActionNotice(fileType: string, when: { column: string; is: readonly string[] }, requiredCode: RuleCode): RecordRule[] {
  const required = requiredWhen(requiredCode, fileType, when, AAN);
  const partial = allOrNothing('record.aan_all_or_nothing', [fileType], AAN, 'the adverse action notice');
  // Where the notice is required the required rule names what is missing; the other stays quiet.
  return [required, { ...partial, reads: [when.column, ...AAN], check: (row, context) => (when.is.includes(row.get(when.column)) ? [] : partial.check(row, context)) }];
}

function statusReason(code: RuleCode, fileType: string, allowed: Readonly<Record<string, readonly string[]>>): RecordRule {
  return {
    code,
    fileTypes: [fileType],
    reads: ['status', 'status_reason'],
    check(row) {
      const reasons = allowed[row.get('status')];
      return reasons && !reasons.includes(row.get('status_reason'))
        ? [{ column: 'status_reason', message: `status_reason ${row.get('status_reason')} is not a reason for status ${row.get('status')}; use ${reasons.join(', ')}` }]
        : [];
    },
  };
}

function reservedPrefix(code: RuleCode, fileType: string, column: string, prefixes: readonly string[]): RecordRule {
  return {
    code,
    fileTypes: [fileType],
    reads: [column],
    check(row) {
      const prefix = prefixes.find((p) => row.get(column).startsWith(p));
      return prefix ? [{ column, message: `${column} ${row.get(column)} starts with ${prefix}, which Lead reserves for its own ids; choose another prefix` }] : [];
    },
  };
}

function exactlyOne(code: RuleCode, fileType: string, columns: readonly string[], what: string): RecordRule {
  return {
    code,
    fileTypes: [fileType],
    reads: columns,
    check(row) {
      const filled = columns.filter((c) => row.get(c) !== '');
      return filled.length === 1 ? [] : [{ column: columns[0]!, message: `give exactly one of ${what}; this row has ${filled.length === 0 ? 'neither' : 'both'}` }];
    },
  };
}

/** Format has checked the amount already; an empty optional one counts as 0. */
function amountOf(text: string): Decimal {
  return text === '' ? ZERO : parseDecimal(text) ?? ZERO;
}

function isEmptyList(text: string): boolean {
  return text === '' || text.trim() === '[]';
}

/** The calendar date of a timestamp in its own offset, to compare with a date column. */
function localDate(timestamp: string): string {
  return parseIsoTimestamp(timestamp)?.localDate ?? '';
}
