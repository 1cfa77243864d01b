/**
 * Every check the pre-flight validation makes, as data: a stable code an operator or a script can act on,
 * the stage it belongs to, one sentence saying what Lead wants, and the note in ../shared/lead-spec/ the
 * rule comes from. Codes never change meaning; a rule Lead drops is removed, not reused.
 *
 * Stages follow Lead's (sftp-process.md §1): 1 integrity of one file; 2 field format and 3 rules inside a
 * record, which Lead runs together as its "record evaluation"; 4 rules across records and files. A file
 * that fails a stage is not checked by the later ones, as at Lead, and the report says so.
 *
 * docs/validation-rules.md is rendered from this table (jobs/document-validation-rules.ts).
 */
export type ValidationStage = 1 | 2 | 3 | 4;

export interface ValidationRule {
  readonly code: string;
  readonly stage: ValidationStage;
  readonly description: string;
  /** The note (and section) in ../shared/lead-spec/ that says Lead wants this. */
  readonly source: string;
}

export const STAGE_NAMES: Readonly<Record<ValidationStage, string>> = {
  1: 'file integrity',
  2: 'field format',
  3: 'rules inside a record',
  4: 'rules across records and files',
};

const rule = <const C extends string>(code: C, stage: ValidationStage, description: string, source: string) =>
  ({ code, stage, description, source }) as const;

export const VALIDATION_RULES = [
  // Stage 1: the file as a whole (sftp-process.md §1 "File Integrity", §4 format, §7 naming).
  rule('integrity.file_name', 1, 'The file name is `<date or batch id>_<file type token>_<version>.csv`, with a token the program uses and a version such as V1, v1 or 001.', 'sftp-process.md §7'),
  rule('integrity.file_date', 1, 'The date in a date-named file is a calendar date, YYYY-MM-DD.', 'sftp-process.md §6, §7'),
  rule('integrity.encoding', 1, 'The file is valid UTF-8.', 'sftp-process.md §4 (UTF-8, as the Entity API requires)'),
  rule('integrity.bom', 1, 'The file does not start with a byte-order mark.', 'sftp-process.md §4'),
  rule('integrity.delimiter', 1, 'Fields are separated by a pipe `|`; comma and semicolon files are refused.', 'sftp-process.md §4'),
  rule('integrity.csv_syntax', 1, 'Quotes are balanced and only open a field (RFC 4180), so an ordinary CSV parser reads the file.', 'sftp-process.md §4'),
  rule('integrity.header_missing', 1, 'The first line is the header naming the columns, even when the file has no rows.', 'sftp-process.md §4'),
  rule('integrity.header_case', 1, 'Header names are lower-case, spelt exactly as Lead prints them.', 'sftp-process.md §4'),
  rule('integrity.unknown_column', 1, 'Every header names a column of the file type (as the program profile fits it).', 'sftp-process.md §4; the file type\'s note'),
  rule('integrity.missing_column', 1, 'Every column of the file type is in the header; an optional column without values keeps its header.', 'sftp-process.md §4'),
  rule('integrity.duplicate_column', 1, 'No column is named twice in the header.', 'sftp-process.md §1, §4'),
  rule('integrity.column_count', 1, 'Every line has as many fields as the header (no empty lines, no stray `|`).', 'sftp-process.md §1'),
  rule('integrity.duplicate_id', 1, 'No record id appears twice in one file.', 'sftp-process.md §1'),
  rule('integrity.duplicate_row', 1, 'No row is repeated whole in one file.', 'sftp-process.md §1'),

  // Stage 2: each value on its own (sftp-process.md §1 "Field Format", §4; each file type's note).
  rule('format.required', 2, 'A required column has a value.', 'sftp-process.md §1; each file type\'s note'),
  rule('format.money', 2, 'An amount is a plain decimal number in major units (`-12.50`): no sign other than `-`, no separators, no currency symbol.', 'sftp-process.md §4'),
  rule('format.money.decimals', 2, 'An amount has the currency\'s minor digits (USD: 2); a deposit transaction\'s `amount` may have more, `amount_in_usd` at least 2.', 'transactions.md; financial-validations.md §8.7; collaterals.md'),
  rule('format.currency', 2, 'A currency is an upper-case ISO 4217 code.', 'sftp-process.md §1; each file type\'s note'),
  rule('format.date', 2, 'A date is a calendar date, YYYY-MM-DD.', 'sftp-process.md §4'),
  rule('format.timestamp', 2, 'A timestamp is an ISO 8601 date and time (`2026-03-05T09:30:00-06:00`).', 'sftp-process.md §1, §4'),
  rule('format.timestamp.offset', 2, 'A timestamp carries its UTC offset (`Z` or `-06:00`), so the instant is unambiguous.', 'sftp-process.md §4, §6'),
  rule('format.enum', 2, 'A coded value is one of Lead\'s values for the column (and the profile\'s extra values).', 'sftp-process.md §1; each file type\'s note'),
  rule('format.integer', 2, 'A whole number has digits only, with an optional leading `-`.', 'accounts.md; applications.md'),
  rule('format.boolean', 2, 'A boolean is `true` or `false`.', 'applications.md; cards.md'),
  rule('format.array', 2, 'A list of ids is a JSON array of non-empty strings (`["cus_1","cus_2"]`).', 'sftp-process.md §4; accounts.md; applications.md'),
  rule('format.array.enum', 2, 'Every item of a list of roles is one of Lead\'s roles.', 'customers.md'),
  rule('format.documents', 2, 'A documents value is a JSON array of {document_id (a file name), type, displayed_at?, consented_at?, version?}.', 'applications.md; sftp-process.md §10'),
  rule('format.max_length', 2, 'An id is no longer than Lead allows (`client_customer_id`: 64 characters).', 'customers.md'),

  // Stage 3: combinations inside one record (sftp-process.md §1 "Business Rules"; api-rules.md).
  rule('record.card_requires_card_id', 3, 'A transaction with `transfer_type` card names its `card_id`.', 'transactions.md; financial-validations.md §8.4'),
  rule('record.card_requires_bin', 3, 'A transaction with `transfer_type` card carries the card\'s `bin`.', 'transactions.md; financial-validations.md §8.4'),
  rule('record.credit_amount_composition', 3, 'A credit transaction\'s `amount` equals `principal_amount + fee_amount + interest_amount`.', 'transactions.md; financial-validations.md §4'),
  rule('record.amount_in_usd_sign', 3, '`amount_in_usd` has the same sign as `amount`.', 'transactions.md; financial-validations.md §8.4'),
  rule('record.amount_in_usd_required', 3, 'A row in a currency other than USD carries `amount_in_usd`.', 'transactions.md; non-posted-transactions.md'),
  rule('record.fee_type_required', 3, 'A `fee` transaction says which fee in `fee_type`.', 'financial-validations.md §8.4'),
  rule('record.aan_all_or_nothing', 3, 'The adverse action notice is all of `aan_delivered_at`, `aan_reason`, `aan_delivery_method`, or none.', 'api-rules.md'),
  rule('record.aan_required_declined', 3, 'A declined application carries the whole adverse action notice.', 'applications.md; api-rules.md'),
  rule('record.aan_required_client_closed', 3, 'An account closed with reason `client_closed` carries the whole adverse action notice.', 'accounts.md; api-rules.md'),
  rule('record.credit_report_all_or_nothing', 3, 'A credit report is all of `credit_pulled_at`, `credit_score`, `credit_report_source`, or none.', 'accounts.md; applications.md; api-rules.md'),
  rule('record.account_status_reason', 3, 'An account\'s `status_reason` belongs to its `status` (active: active; inactive: dormant, frozen, other; closed: a closing reason).', 'accounts.md (statuses)'),
  rule('record.balance_status_reason', 3, 'A balance\'s `status_reason` belongs to its `status` (receivable_transferred: receivable_sold_to_partner).', 'balances.md (statuses)'),
  rule('record.namespace_account', 3, '`client_account_id` does not start with `account_`, `subledgered_account_` or `partner_ledgered_account_` (Lead\'s ids).', 'accounts.md; sftp-process.md §5'),
  rule('record.namespace_card', 3, '`client_card_id` does not start with `card_` (Lead\'s ids).', 'cards.md; sftp-process.md §5'),
  rule('record.namespace_application', 3, '`client_application_id` does not start with `application_` (Lead\'s ids).', 'applications.md; sftp-process.md §5'),
  rule('record.commercial_requires_signer', 3, 'A commercial account, and a commercial approved application, names at least one authorized signer.', 'accounts.md; applications.md; api-rules.md'),
  rule('record.credit_limit_exceeds_max', 3, '`credit_limit` is not more than `max_credit_limit` when both are given.', 'accounts.md; applications.md'),
  rule('record.reject_reason_required', 3, 'A rejected sale says why in `reject_reason`.', 'sales.md'),
  rule('record.card_closure_details', 3, 'A closed card carries `closed_at` and `closed_reason`.', 'cards.md'),
  rule('record.card_expiry', 3, 'A card\'s `expiry_date` is not before its `created_at` or `activated_at`.', 'cards.md'),
  rule('record.collateral_requires_balance', 3, 'A `deposit_balance` collateral names the pledged balance in `balance_id`.', 'collaterals.md'),
  rule('record.collateral_value_negative', 3, 'A collateral\'s `value_usd` is 0 or more.', 'collaterals.md'),
  rule('record.credit_balance_composition', 3, 'A credit balance equals `outstanding_principal + outstanding_interest + outstanding_fees`.', 'financial-validations.md §4'),
  rule('record.credit_balance_negative', 3, 'A credit balance (what the customer owes) is reported as a positive number.', 'balances.md; financial-validations.md §4'),
  rule('record.balance_identity', 3, 'A balance has exactly one of `client_balance_id` (created by file) and `id` (created by API).', 'balances.md'),
  rule('record.relationship_parent', 3, 'A customer relationship names exactly one of `client_business_id` and `client_sole_prop_id`.', 'customers.md'),
  rule('record.customer_individual_name', 3, 'An individual customer has a `first_name` and a `last_name`.', 'customers.md'),
  rule('record.customer_business_details', 3, 'A business or sole-prop customer has a `business_type` and a `business_name`; a sole prop\'s business type is sole_prop.', 'customers.md'),
  rule('record.customer_roles', 3, 'A business or sole-prop customer may only intend the `account_holder` role.', 'customers.md'),

  // Stage 4: across records and files of the set, and what was sent before (financial-validations.md,
  // api-rules.md, sftp-process.md §5-§9).
  rule('cross.unknown_account', 4, 'An `account_id` names an account sent before or in the set.', 'balances.md; cards.md; collaterals.md; authorized-users.md'),
  rule('cross.unknown_balance', 4, 'A `balance_id` names a balance in the Balances file of the same date or sent before.', 'transactions.md; financial-validations.md §8.4'),
  rule('cross.unknown_card', 4, 'A `card_id` (or a card\'s `replaced_by`) names a card sent before or in the set.', 'transactions.md; cards.md'),
  rule('cross.unknown_customer', 4, 'Holders, signers, users and cardholders name customers sent before or in the set (or Lead `entity_` ids).', 'accounts.md; applications.md; cards.md; customers.md'),
  rule('cross.unknown_application', 4, 'An account\'s `application_id` names an application sent before or in the set (or a Lead `application_` id).', 'accounts.md; api-rules.md'),
  rule('cross.unknown_sale', 4, 'A Sales Response answers a `sale_id` of the same date\'s Sales Request.', 'sales.md'),
  rule('cross.update_unknown_transaction', 4, 'A Transactions Update names a transaction already sent in a Transactions file.', 'transactions-update.md'),
  rule('cross.transaction_id_reused', 4, 'A transaction id has never been sent in an earlier Transactions file.', 'financial-validations.md §2; transactions.md'),
  rule('cross.sale_already_answered', 4, 'A sale is answered once; its `sale_id` was not in an earlier Sales Response.', 'sales.md; sftp-process.md §5'),
  rule('cross.effective_at_not_increasing', 4, 'A re-sent record\'s `effective_at` is strictly later than its last version\'s.', 'sftp-process.md §5; accounts.md; applications.md; authorized-users.md'),
  rule('cross.terminal_record_changed', 4, 'A record sent in a terminal state (closed account or card, decided application, closed or transferred balance) is never sent again.', 'sftp-process.md §5; accounts.md; applications.md; cards.md; balances.md'),
  rule('cross.immutable_field_changed', 4, 'Columns Lead lets be set only once keep their first value (a card\'s account, holder, dates...; a collateral\'s type).', 'cards.md; collaterals.md'),
  rule('cross.effective_at_window', 4, 'The file dated T carries `effective_at` within T-1, midnight to midnight America/Chicago.', 'sftp-process.md §6, §8'),
  rule('cross.balance_missing', 4, 'Every balance reported in a non-terminal status on one date is in the next date\'s Balances file.', 'financial-validations.md §1, §8.1; balances.md'),
  rule('cross.holder_type_mismatch', 4, '`account_holder_type` agrees with the holders: individuals give consumer; businesses and sole props give commercial.', 'api-rules.md'),
  rule('cross.mixed_holder_kinds', 4, 'Holders do not mix individuals with businesses or sole props.', 'api-rules.md'),
  rule('cross.signer_role', 4, 'An authorized signer is an individual customer who may hold the authorized_signer role.', 'api-rules.md; customers.md'),
  rule('cross.rollforward.deposit', 4, 'Deposit: balance(t) = balance(t-1) + Σ amount of the day\'s transactions, except interest_accrued and dispute_won.', 'financial-validations.md §3'),
  rule('cross.rollforward.deposit_rewards', 4, 'Deposit: rewards_balance(t) = rewards_balance(t-1) + Σ rewards_amount of rewards_earned, rewards_spent, rewards_redeemed, debit, refund, credit.', 'financial-validations.md §3'),
  rule('cross.rollforward.deposit_interest', 4, 'Deposit: interest_accrued_balance(t) = interest_accrued_balance(t-1) + Σ interest_accrued amounts − Σ interest_paid amounts.', 'financial-validations.md §3'),
  rule('cross.rollforward.deposit_dispute', 4, 'Deposit: dispute_balance(t) = dispute_balance(t-1) + Σ amount of dispute_provisional, dispute_won, dispute_lost.', 'financial-validations.md §3'),
  rule('cross.rollforward.deposit_charge_off', 4, 'Deposit: charge_off_balance(t) = charge_off_balance(t-1) + Σ amount of charge_off, charge_off_recovery.', 'financial-validations.md §3'),
  rule('cross.rollforward.credit', 4, 'Credit: balance(t) = balance(t-1) + Σ amount of the day\'s transactions, except charge_off_recovery and dispute_won.', 'financial-validations.md §4'),
  rule('cross.rollforward.credit_principal', 4, 'Credit: outstanding_principal(t) = outstanding_principal(t-1) + Σ principal_amount, except fee, interest_accrued, charge_off_recovery, dispute_won.', 'financial-validations.md §4'),
] as const satisfies readonly ValidationRule[];

export type RuleCode = (typeof VALIDATION_RULES)[number]['code'];
