import { FILE_TYPES } from '../file-types/registry.js';
import type { FileTypeSpec } from '../file-type-spec.js';
import { rule } from './rule-kit.js';
import { defaultSeverity, stageOf, type RuleCode, type RuleInfo, type Severity, type ValidationStage } from './rule-types.js';

/**
 * Every check the pre-flight validation makes, as data: a stable code an operator or a script can act
 * on, one sentence saying what Lead wants, the note in ../shared/lead-spec/ it comes from and how sure
 * that note is. Codes never change meaning; a rule Lead drops is removed, not reused.
 *
 * The engine's own rules are below: those every file meets (integrity, field formats) and the generic
 * cross-file ones driven by what each spec declares (versions, the activity day, a workflow's files).
 * The rules of one file type live in its module (transform/file-types/<type>.ts) and join the catalog
 * from the registry, so adding a rule is adding it there.
 *
 * Stages follow Lead's (sftp-process.md §1): 1 integrity of one file; 2 field format and 3 rules inside
 * a record, which Lead runs together as its "record evaluation"; 4 rules across records and files. A file
 * that fails a stage with an error is not checked by the later ones, as at Lead, and the report says so.
 *
 * docs/validation-rules.md is rendered from this catalog (jobs/document-validation-rules.ts).
 */
export type { RuleCode, ValidationStage } from './rule-types.js';

export const STAGE_NAMES: Readonly<Record<ValidationStage, string>> = {
  1: 'file integrity',
  2: 'field format',
  3: 'rules inside a record',
  4: 'rules across records and files',
};

export interface ValidationRule extends RuleInfo {
  readonly stage: ValidationStage;
}

const r = rule;

/** Stage 1: the file as a whole (sftp-process.md §1 "File Integrity", §4 format, §7 naming). */
export const INTEGRITY = {
  fileName: r('integrity.file_name', 'doc', 'The file name is `<date or batch id>_<file type token>_<version>.csv`, with a token the program uses.', 'sftp-process.md §7'),
  fileDate: r('integrity.file_date', 'doc', 'The date in a date-named file is a calendar date, YYYY-MM-DD.', 'sftp-process.md §6, §7'),
  fileVersion: r('integrity.file_version', 'inferred', 'The version is a whole number from 1, used once per file type and date (or batch): a resubmission carries a higher one.', 'file-exchange.md (resubmission); sftp-process.md §7'),
  versionFormat: r('integrity.version_format', 'unknown', 'The version is written as the program writes it (`V1` by default); `v1` and `001`, which Lead\'s examples also show, are read with a warning.', 'sftp-process.md §7'),
  tokenAlias: r('integrity.file_type_token', 'unknown', 'The file-type token is the program\'s; another token Lead\'s pages use for the type (`beneficial_owner`, `account`) is read with a warning.', 'sftp-process.md §7; customers.md'),
  encoding: r('integrity.encoding', 'unknown', 'The file is valid UTF-8 (Lead states no encoding for files; its Entity API requires UTF-8, so a file that is not warns).', 'sftp-process.md §4 (UTF-8, as the Entity API requires)'),
  bom: r('integrity.bom', 'unknown', 'The file does not start with a byte-order mark (an ordinary CSV parser reads it into the first header name; Lead has not said whether its parser strips one, so it warns).', 'sftp-process.md §4'),
  lineEndings: r('integrity.line_endings', 'inferred', 'Every line ends the same way and no carriage return stands alone: a stray CR becomes part of a value.', 'sftp-process.md §4'),
  crlf: r('integrity.crlf', 'unknown', 'Lines end with LF; a file whose lines all end with CR LF is read with a warning.', 'sftp-process.md §4; use-cases-day0.md §3'),
  delimiter: r('integrity.delimiter', 'doc', 'Fields are separated by a pipe `|`; comma and semicolon files are refused.', 'sftp-process.md §4'),
  csvSyntax: r('integrity.csv_syntax', 'inferred', 'Quotes are balanced and only open a field (RFC 4180), so an ordinary CSV parser reads the file.', 'sftp-process.md §4'),
  headerMissing: r('integrity.header_missing', 'doc', 'The first line is the header naming the columns, even when the file has no rows.', 'sftp-process.md §4'),
  headerCase: r('integrity.header_case', 'doc', 'Header names are lower-case, spelt exactly as Lead prints them.', 'sftp-process.md §4'),
  headerSpelling: r('integrity.header_spelling', 'unknown', 'A header is spelt as Lead\'s file page prints it; the spelling of Lead\'s API (`intended_roles`, `date_of_birth`, `occupation`) is read with a warning.', 'customers.md; transactions.md'),
  unknownColumn: r('integrity.unknown_column', 'inferred', 'Every header names a column of the file type (as the program profile fits it).', 'sftp-process.md §4; the file type\'s note'),
  missingColumn: r('integrity.missing_column', 'doc', 'Every column of the file type is in the header; an optional column without values keeps its header.', 'sftp-process.md §4'),
  uncertainColumn: r('integrity.unconfirmed_column_missing', 'unknown', 'A column Lead\'s pages do not confirm for the file (Balances `generated_at`, `effective_at`) may be left out, with a warning.', 'balances.md; transactions.md'),
  columnOrder: r('integrity.column_order', 'unknown', 'The columns are in the file type\'s order; another order is read with a warning (Lead matches headers by name, as far as we know).', 'use-cases-day0.md §3'),
  duplicateColumn: r('integrity.duplicate_column', 'doc', 'No column is named twice in the header.', 'sftp-process.md §1, §4'),
  columnCount: r('integrity.column_count', 'doc', 'Every line has as many fields as the header (no empty lines, no stray `|`).', 'sftp-process.md §1'),
  duplicateId: r('integrity.duplicate_id', 'doc', 'No record id appears twice in one file.', 'sftp-process.md §1'),
  duplicateRow: r('integrity.duplicate_row', 'doc', 'No row is repeated whole in one file.', 'sftp-process.md §1'),
} as const satisfies Record<string, RuleInfo>;

/** Stage 2: each value on its own (sftp-process.md §1 "Field Format", §4; each file type's note). */
export const FORMAT = {
  required: r('format.required', 'doc', 'A required column has a value.', 'sftp-process.md §1; each file type\'s note'),
  requiredUnconfirmed: r('format.required_unconfirmed', 'unknown', 'A column Lead probably requires (its page is cut off: Accounts `client_product_name`) has a value; an empty one warns.', 'accounts.md'),
  nullLiteral: r('format.null_literal', 'unknown', 'An optional value left out is empty; the literal `null` (the Non-posted page\'s wording) is read as empty, with a warning.', 'non-posted-transactions.md; use-cases-day0.md §3'),
  delimiterInValue: r('format.delimiter_in_value', 'unknown', 'A value holds no `|` and no line break; one quoted per RFC 4180 is read with a warning (how Lead quotes is not documented).', 'sftp-process.md §4; use-cases-day0.md §3'),
  money: r('format.money', 'doc', 'An amount is a plain decimal number in major units (`-12.50`): no sign other than `-`, no separators, no currency symbol.', 'sftp-process.md §4'),
  moneyDecimals: r('format.money.decimals', 'doc', 'An amount has the currency\'s minor digits (USD: 2); a deposit transaction\'s `amount` may have more, `amount_in_usd` at least 2.', 'transactions.md; financial-validations.md §8.7; collaterals.md'),
  moneyExtraDecimals: r('format.money.extra_decimals', 'unknown', 'An amount of a file whose decimal rule Lead does not give (Balances) has the currency\'s digits; more warn.', 'balances.md'),
  moneyWholeUnits: r('format.money.whole_units', 'unknown', 'A credit limit is in major units with the currency\'s decimals; a whole number (cents, as in Lead\'s API?) warns.', 'accounts.md; applications.md; sftp-process.md §4'),
  currency: r('format.currency', 'doc', 'A currency is an upper-case ISO 4217 code.', 'sftp-process.md §1; each file type\'s note'),
  date: r('format.date', 'doc', 'A date is a calendar date, YYYY-MM-DD.', 'sftp-process.md §4'),
  timestamp: r('format.timestamp', 'doc', 'A timestamp is an ISO 8601 date and time (`2026-03-05T09:30:00-06:00`).', 'sftp-process.md §1, §4'),
  timestampOffset: r('format.timestamp.offset', 'unknown', 'A timestamp carries its UTC offset (`Z` or `-06:00`), so the instant is unambiguous (Lead does not say one is required, and one of its own reports omits it, so a missing one warns).', 'sftp-process.md §4, §6'),
  timestampDateOnly: r('format.timestamp.date_only', 'unknown', 'Where Lead\'s page does not say date or datetime (`relationship_established_at`, Cards and Authorized Users `generated_at`), a datetime is written and a bare date warns.', 'customers.md; cards.md; authorized-users.md'),
  enumValue: r('format.enum', 'doc', 'A coded value is one of Lead\'s values for the column (and the profile\'s extra values).', 'sftp-process.md §1; each file type\'s note'),
  enumUnconfirmed: r('format.enum.unconfirmed', 'unknown', 'A value Lead\'s pages print but may not read (`dormat`; an application `submitted` or `under_review`) warns.', 'accounts.md; applications.md; api-rules.md'),
  integer: r('format.integer', 'inferred', 'A whole number has digits only, with an optional leading `-`.', 'accounts.md; applications.md'),
  boolean: r('format.boolean', 'inferred', 'A boolean is `true` or `false`.', 'applications.md; cards.md'),
  booleanLiteral: r('format.boolean.literal', 'unknown', 'A boolean written another way (`TRUE`, `1`, `yes`) warns: Lead\'s literal form is not documented.', 'applications.md; cards.md'),
  array: r('format.array', 'inferred', 'A list of ids is a JSON array of non-empty strings (`["cus_1","cus_2"]`).', 'sftp-process.md §4; accounts.md; applications.md'),
  arrayEncoding: r('format.array.encoding', 'unknown', 'A list written as ids separated by commas, as Lead\'s Accounts page shows it, warns.', 'accounts.md; sftp-process.md §4'),
  arrayEnum: r('format.array.enum', 'doc', 'Every item of a list of roles is one of Lead\'s roles.', 'customers.md'),
  documents: r('format.documents', 'inferred', 'A documents value is a JSON array of {document_id (a file name), type, displayed_at?, consented_at?, version?}.', 'applications.md; sftp-process.md §10'),
  maxLength: r('format.max_length', 'doc', 'An id is no longer than Lead allows (`client_customer_id`: 64 characters).', 'customers.md'),
} as const satisfies Record<string, RuleInfo>;

/** Stage 4 rules the engine runs from what specs declare (sftp-process.md §5-§9). */
export const CROSS = {
  effectiveAtNotIncreasing: r('cross.effective_at_not_increasing', 'doc', 'A re-sent record\'s `effective_at` is strictly later than its last version\'s.', 'sftp-process.md §5; accounts.md; applications.md; authorized-users.md'),
  terminalRecordChanged: r('cross.terminal_record_changed', 'doc', 'A record sent in a terminal state (closed account or card, decided application, closed or transferred balance) is never sent again.', 'sftp-process.md §5; accounts.md; applications.md; cards.md; balances.md'),
  immutableFieldChanged: r('cross.immutable_field_changed', 'doc', 'Columns Lead lets be set only once keep their first value (a card\'s account, holder, dates...; a collateral\'s type).', 'cards.md; collaterals.md'),
  unchangedRecordResent: r('cross.unchanged_record_resent', 'doc', 'A record is re-sent only when it changed (Lead lists no check for it, so it warns).', 'file-exchange.md; customers.md; sftp-process.md §5', 'warning'),
  effectiveAtWindow: r('cross.effective_at_window', 'doc', 'The file dated T carries `effective_at` within T-1, midnight to midnight America/Chicago.', 'sftp-process.md §6, §8'),
  dailyFileMissing: r('cross.daily_file_missing', 'doc', 'A date\'s workflow holds every daily file of it the program sends, header-only on a day with nothing (no Balances file without its Transactions file).', 'file-exchange.md; sftp-process.md §4; use-cases-day0.md §1'),
  workflowAlreadyValidated: r('cross.workflow_already_validated', 'doc', 'Nothing more is sent for a workflow and date (or batch) Lead has processed successfully.', 'file-exchange.md (resubmission); customers.md'),
  batchPairMissing: r('cross.batch_pair_missing', 'doc', 'A program with business customers sends the Customer and Customer Relationship files in every batch, under one batch id.', 'customers.md; file-exchange.md; sftp-process.md §4'),
} as const satisfies Record<string, RuleInfo>;

/** The rules a file type declares, from its module. */
export function rulesOf(spec: FileTypeSpec): RuleInfo[] {
  const v = spec.validation;
  return [
    ...(spec.produces?.unknown ? [spec.produces.unknown] : []),
    ...(spec.produces?.newOnly ? [spec.produces.newOnly] : []),
    ...(v?.records ?? []),
    ...(v?.crossRecords ?? []),
    ...(v?.dateRules ?? []).flatMap((d) => d.rules),
  ];
}

function catalog(): ValidationRule[] {
  const byCode = new Map<RuleCode, ValidationRule>();
  const add = (info: RuleInfo, where: string) => {
    const known = byCode.get(info.code);
    if (known && (known.description !== info.description || known.source !== info.source || known.basis !== info.basis)) {
      throw new Error(`rule ${info.code} is declared twice with different texts (${where}); declare it once and share it`);
    }
    if (!known) byCode.set(info.code, { code: info.code, description: info.description, source: info.source, basis: info.basis, ...(info.severity ? { severity: info.severity } : {}), stage: stageOf(info.code) });
  };
  for (const info of [...Object.values(INTEGRITY), ...Object.values(FORMAT)]) add(info, 'the engine');
  for (const spec of FILE_TYPES) for (const info of rulesOf(spec)) add(info, spec.id);
  for (const info of Object.values(CROSS)) add(info, 'the engine');
  return [...byCode.values()].sort((a, b) => a.stage - b.stage);
}

/** Every rule, the engine's and each file type's, by stage. */
export const VALIDATION_RULES: readonly ValidationRule[] = catalog();

export function ruleByCode(code: string): ValidationRule | undefined {
  return VALIDATION_RULES.find((rule) => rule.code === code);
}

export { defaultSeverity, type Severity };
