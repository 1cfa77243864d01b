import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VALIDATION_RULES } from '../../transform/validation/rule-catalog.js';
import { validateFiles, type ValidationOptions } from '../../transform/validation/validate-files.js';
import { packagePath } from '../../core/package-root.js';
import { memoryHistory } from '../support/memory-history.js';

/**
 * The corpus: test/fixtures/validation/good is a clean set of every outbound file type over two dates
 * (Day 0 and the day after); each folder under cases/ holds one defect, alone or with the files it
 * needs for context, and must yield exactly that finding.
 */
const FIXTURES = packagePath('test', 'fixtures', 'validation');
const GOOD = join(FIXTURES, 'good');

/** acc_1 was last sent with an effective_at later than the one the case re-sends it with. */
const HISTORY: ValidationOptions = {
  history: memoryHistory({ versions: { accounts: { acc_1: { effectiveAt: '2026-03-06T12:00:00-06:00', terminal: false } } } }),
};

type Expected = [file: string, line: number, column: string, rule: string];

const CASES: [name: string, expected: Expected[], options?: ValidationOptions][] = [
  ['integrity-file-name', [['accounts/2026-03-06_acounts_V1.csv', 0, '', 'integrity.file_name']]],
  ['integrity-file-date', [['accounts/2026-02-30_accounts_V1.csv', 0, '', 'integrity.file_date']]],
  ['integrity-encoding', [['accounts/2026-03-06_accounts_V1.csv', 3, '', 'integrity.encoding']]],
  ['integrity-bom', [['accounts/2026-03-06_accounts_V1.csv', 1, '', 'integrity.bom']]],
  ['integrity-delimiter', [['accounts/2026-03-06_accounts_V1.csv', 1, '', 'integrity.delimiter']]],
  ['integrity-csv-syntax', [['accounts/2026-03-06_accounts_V1.csv', 3, '', 'integrity.csv_syntax']]],
  ['integrity-header-missing', [['accounts/2026-03-06_accounts_V1.csv', 1, '', 'integrity.header_missing']]],
  ['integrity-empty-file', [['accounts/2026-03-06_accounts_V1.csv', 1, '', 'integrity.header_missing']]],
  ['integrity-header-case', [['accounts/2026-03-06_accounts_V1.csv', 1, 'currency', 'integrity.header_case']]],
  ['integrity-unknown-column', [['accounts/2026-03-06_accounts_V1.csv', 1, 'nickname', 'integrity.unknown_column']]],
  ['integrity-missing-column', [['accounts/2026-03-06_accounts_V1.csv', 1, 'application_id', 'integrity.missing_column']]],
  ['integrity-duplicate-column', [['accounts/2026-03-06_accounts_V1.csv', 1, 'currency', 'integrity.duplicate_column']]],
  ['integrity-column-count', [['accounts/2026-03-06_accounts_V1.csv', 3, '', 'integrity.column_count']]],
  ['integrity-empty-line', [['accounts/2026-03-06_accounts_V1.csv', 3, '', 'integrity.column_count']]],
  ['integrity-duplicate-id', [['accounts/2026-03-06_accounts_V1.csv', 5, 'client_account_id', 'integrity.duplicate_id']]],
  ['integrity-duplicate-row', [['accounts/2026-03-06_accounts_V1.csv', 3, '', 'integrity.duplicate_row']]],
  ['format-money-decimals', [['balances/2026-03-06_balances_V1.csv', 2, 'balance', 'format.money.decimals']]],
  ['format-money', [['transactions/2026-03-06_transactions_V1.csv', 2, 'amount', 'format.money']]],
  ['format-timestamp-offset', [['accounts/2026-03-06_accounts_V1.csv', 2, 'effective_at', 'format.timestamp.offset']]],
  ['format-timestamp', [['cards/2026-03-06_cards_V1.csv', 2, 'created_at', 'format.timestamp']]],
  ['format-enum', [['accounts/2026-03-06_accounts_V1.csv', 2, 'status', 'format.enum']]],
  ['format-date', [['cards/2026-03-06_cards_V1.csv', 2, 'expiry_date', 'format.date']]],
  ['format-required', [['transactions/2026-03-06_transactions_V1.csv', 3, 'settlement_date', 'format.required']]],
  ['format-array', [['accounts/2026-03-06_accounts_V1.csv', 2, 'account_holders', 'format.array']]],
  ['format-array-enum', [['customer/2026-03-06_customer_V1.csv', 2, 'inteded_roles', 'format.array.enum']]],
  ['format-boolean', [['cards/2026-03-06_cards_V1.csv', 2, 'is_virtual', 'format.boolean']]],
  ['format-integer', [['applications/2026-03-06_applications_V1.csv', 2, 'credit_score', 'format.integer']]],
  ['format-currency', [['transactions/2026-03-06_transactions_V1.csv', 2, 'currency', 'format.currency']]],
  ['format-max-length', [['customer/2026-03-06_customer_V1.csv', 3, 'client_customer_id', 'format.max_length']]],
  ['record-card-requires-bin', [['transactions/2026-03-07_transactions_V1.csv', 2, 'bin', 'record.card_requires_bin']]],
  ['record-card-requires-card-id', [['transactions/2026-03-07_transactions_V1.csv', 2, 'card_id', 'record.card_requires_card_id']]],
  ['record-credit-amount-composition', [['transactions/2026-03-06_transactions_V1.csv', 3, 'amount', 'record.credit_amount_composition']]],
  ['record-amount-in-usd-sign', [['transactions/2026-03-06_transactions_V1.csv', 2, 'amount_in_usd', 'record.amount_in_usd_sign']]],
  ['record-amount-in-usd-required', [['non_posted_transactions/2026-03-06_non_posted_transactions_V1.csv', 2, 'amount_in_usd', 'record.amount_in_usd_required']]],
  ['record-fee-type-required', [['transactions/2026-03-06_transactions_V1.csv', 4, 'fee_type', 'record.fee_type_required']]],
  ['record-aan-all-or-nothing', [['accounts/2026-03-06_accounts_V1.csv', 2, 'aan_delivery_method', 'record.aan_all_or_nothing']]],
  ['record-aan-required-declined', [['applications/2026-03-06_applications_V1.csv', 3, 'aan_delivery_method', 'record.aan_required_declined']]],
  ['record-aan-required-client-closed', [['accounts/2026-03-06_accounts_V1.csv', 2, 'aan_reason', 'record.aan_required_client_closed']]],
  ['record-credit-report-all-or-nothing', [['accounts/2026-03-06_accounts_V1.csv', 4, 'credit_score', 'record.credit_report_all_or_nothing']]],
  ['record-account-status-reason', [['accounts/2026-03-06_accounts_V1.csv', 2, 'status_reason', 'record.account_status_reason']]],
  ['record-balance-status-reason', [['balances/2026-03-06_balances_V1.csv', 2, 'status_reason', 'record.balance_status_reason']]],
  ['record-namespace-account', [['accounts/2026-03-06_accounts_V1.csv', 2, 'client_account_id', 'record.namespace_account']]],
  ['record-namespace-card', [['cards/2026-03-06_cards_V1.csv', 2, 'client_card_id', 'record.namespace_card']]],
  ['record-namespace-application', [['applications/2026-03-06_applications_V1.csv', 2, 'client_application_id', 'record.namespace_application']]],
  ['record-commercial-requires-signer', [['accounts/2026-03-06_accounts_V1.csv', 3, 'authorized_signers', 'record.commercial_requires_signer']]],
  ['record-credit-limit-exceeds-max', [['accounts/2026-03-06_accounts_V1.csv', 4, 'credit_limit', 'record.credit_limit_exceeds_max']]],
  ['record-reject-reason-required', [['sales_response/2026-03-07_sales_response_V1.csv', 2, 'reject_reason', 'record.reject_reason_required']]],
  ['record-card-closure-details', [['cards/2026-03-06_cards_V1.csv', 2, 'closed_at', 'record.card_closure_details']]],
  ['record-card-expiry', [['cards/2026-03-06_cards_V1.csv', 2, 'expiry_date', 'record.card_expiry']]],
  ['record-collateral-requires-balance', [['collaterals/2026-03-06_collaterals_V1.csv', 2, 'balance_id', 'record.collateral_requires_balance']]],
  ['record-collateral-value-negative', [['collaterals/2026-03-06_collaterals_V1.csv', 2, 'value_usd', 'record.collateral_value_negative']]],
  ['record-credit-balance-composition', [['balances/2026-03-06_balances_V1.csv', 4, 'balance', 'record.credit_balance_composition']]],
  ['record-credit-balance-negative', [['balances/2026-03-06_balances_V1.csv', 4, 'balance', 'record.credit_balance_negative']]],
  ['record-balance-identity', [['balances/2026-03-06_balances_V1.csv', 3, 'client_balance_id', 'record.balance_identity']]],
  ['record-relationship-parent', [['customer_relationship/2026-03-06_customer_relationship_V1.csv', 2, 'client_business_id', 'record.relationship_parent']]],
  ['record-customer-individual-name', [['customer/2026-03-06_customer_V1.csv', 5, 'last_name', 'record.customer_individual_name']]],
  ['record-customer-business-details', [['customer/2026-03-06_customer_V1.csv', 3, 'business_name', 'record.customer_business_details']]],
  ['record-customer-roles', [['customer/2026-03-06_customer_V1.csv', 3, 'inteded_roles', 'record.customer_roles']]],
  ['cross-unknown-account', [['balances/2026-03-06_balances_V1.csv', 3, 'account_id', 'cross.unknown_account']], { fromDay0: true }],
  ['cross-unknown-balance', [['transactions/2026-03-06_transactions_V1.csv', 2, 'balance_id', 'cross.unknown_balance']]],
  ['cross-unknown-card', [['transactions/2026-03-07_transactions_V1.csv', 2, 'card_id', 'cross.unknown_card']], { fromDay0: true }],
  ['cross-unknown-customer', [['accounts/2026-03-06_accounts_V1.csv', 2, 'account_holders', 'cross.unknown_customer']], { fromDay0: true }],
  ['cross-unknown-application', [['accounts/2026-03-06_accounts_V1.csv', 4, 'application_id', 'cross.unknown_application']], { fromDay0: true }],
  ['cross-unknown-sale', [['sales_response/2026-03-07_sales_response_V1.csv', 2, 'sale_id', 'cross.unknown_sale']]],
  ['cross-update-unknown-transaction', [['transactions_update/2026-03-07_transactions_update_V1.csv', 2, 'transaction_id', 'cross.update_unknown_transaction']], { fromDay0: true }],
  ['cross-transaction-id-reused', [['transactions/2026-03-07_transactions_V1.csv', 3, 'client_transaction_id', 'cross.transaction_id_reused']]],
  ['cross-sale-already-answered', [['sales_response/2026-03-07_sales_response_V1.csv', 2, 'sale_id', 'cross.sale_already_answered']]],
  ['cross-effective-at-not-increasing', [['accounts/2026-03-07_accounts_V1.csv', 2, 'effective_at', 'cross.effective_at_not_increasing']], HISTORY],
  ['cross-terminal-record-changed', [['accounts/2026-03-07_accounts_V1.csv', 2, 'status', 'cross.terminal_record_changed']]],
  ['cross-immutable-field-changed', [['cards/2026-03-07_cards_V1.csv', 2, 'is_virtual', 'cross.immutable_field_changed']]],
  ['cross-effective-at-window', [['accounts/2026-03-06_accounts_V1.csv', 2, 'effective_at', 'cross.effective_at_window']]],
  ['cross-balance-missing', [['balances/2026-03-07_balances_V1.csv', 0, 'client_balance_id', 'cross.balance_missing']]],
  ['cross-holder-type-mismatch', [['accounts/2026-03-06_accounts_V1.csv', 2, 'account_holder_type', 'cross.holder_type_mismatch']]],
  ['cross-mixed-holder-kinds', [['accounts/2026-03-06_accounts_V1.csv', 3, 'account_holders', 'cross.mixed_holder_kinds']]],
  ['cross-signer-role', [['accounts/2026-03-06_accounts_V1.csv', 3, 'authorized_signers', 'cross.signer_role']]],
  ['cross-rollforward-deposit', [['balances/2026-03-07_balances_V1.csv', 2, 'balance', 'cross.rollforward.deposit']]],
  ['cross-rollforward-deposit-rewards', [['balances/2026-03-07_balances_V1.csv', 2, 'rewards_balance', 'cross.rollforward.deposit_rewards']]],
  ['cross-rollforward-deposit-interest', [['balances/2026-03-07_balances_V1.csv', 2, 'interest_accrued_balance', 'cross.rollforward.deposit_interest']]],
  ['cross-rollforward-deposit-dispute', [['balances/2026-03-07_balances_V1.csv', 2, 'dispute_balance', 'cross.rollforward.deposit_dispute']]],
  ['cross-rollforward-deposit-charge-off', [['balances/2026-03-07_balances_V1.csv', 2, 'charge_off_balance', 'cross.rollforward.deposit_charge_off']]],
  ['cross-rollforward-credit', [['balances/2026-03-07_balances_V1.csv', 4, 'balance', 'cross.rollforward.credit']]],
  ['cross-rollforward-credit-principal', [['balances/2026-03-07_balances_V1.csv', 4, 'outstanding_principal', 'cross.rollforward.credit_principal']]],
];

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((entry) => (statSync(join(dir, entry)).isDirectory() ? filesUnder(join(dir, entry)) : [join(dir, entry)]));

describe('the validation corpus', () => {
  it('finds nothing in the good set, as one set spanning two dates, from Day 0 or not', async () => {
    for (const fromDay0 of [false, true]) {
      const report = await validateFiles([GOOD], { fromDay0 });
      expect(report.findings, `fromDay0 ${fromDay0}`).toEqual([]);
      expect(report.summary).toEqual({ files: 16, errors: 0, filesWithErrors: 0 });
    }
  });

  it('finds nothing in each good file on its own', async () => {
    for (const file of filesUnder(GOOD)) {
      expect((await validateFiles([file])).findings, relative(GOOD, file)).toEqual([]);
    }
  });

  it.each(CASES)('%s yields exactly its finding', async (name, expected, options) => {
    const dir = join(FIXTURES, 'cases', name);
    const report = await validateFiles([dir], options ?? {});
    const found = report.findings.map((f): Expected => [relative(dir, f.file), f.line, f.column, f.rule]);
    expect(found).toEqual(expected);
    for (const f of report.findings) {
      expect(f.severity).toBe('error');
      expect(f.message.length).toBeGreaterThan(10);
    }
  });

  it('has at least one case for every rule but the few that need a profile', () => {
    const covered = new Set(CASES.flatMap(([, expected]) => expected.map(([, , , rule]) => rule)));
    const missing = VALIDATION_RULES.map((r) => r.code).filter((code) => !covered.has(code));
    // format.documents: no file type has a documents column until a profile adds one (see validate-files.test.ts).
    expect(missing).toEqual(['format.documents']);
  });
});
