/**
 * A Lead file type as data: its columns in file order, how each value is checked and written, the
 * submission rule, the workflow it belongs to, the partner query that feeds it, how it relates to the
 * other file types, and the rules Lead checks on it. Adding a file type is adding one module to
 * transform/file-types/ and its line in the registry (docs/file-types.md shows it worked through); a
 * program profile can rename, add or reorder columns without code.
 *
 * The optional fields after `columns` are what the submission-rule engine and the validator need
 * (changed or not, terminal or not, which fields may change, which records it names); they are
 * declarations, read by the engines in transform/ and transform/validation/.
 */
import type { FileTypeId } from './file-types/registry.js';
import type { FileTypeValidation, RuleInfo } from './validation/rule-types.js';
export type { FileTypeId } from './file-types/registry.js';
/**
 * What a file carries (file-exchange.md): `full-overwrite` new and changed records, each whole;
 * `new-only` each entry once; `updates-only` changes to entries sent before; `daily-snapshot` every
 * entry every day; `inbound` a file Lead writes and we only parse, so there is nothing for us to submit.
 */
export type SubmissionRule = 'full-overwrite' | 'new-only' | 'updates-only' | 'daily-snapshot' | 'inbound';
export type { Workflow } from '../core/workflows.js';
import type { Workflow } from '../core/workflows.js';
/** `date`: `<file date>_<token>_V<n>.csv`; `batch`: `<batch id>_<token>_V<n>.csv` (customer files). */
export type FileNaming = 'date' | 'batch';
/** `outbound`: lead-etl writes and uploads the file; `inbound`: Lead posts it and lead-etl parses it. */
export type FileDirection = 'outbound' | 'inbound';

/** Records whose `column` holds one of `values` are final: once sent so, never sent again. */
export interface TerminalState {
  readonly column: string;
  readonly values: readonly string[];
}

/**
 * How many decimals an amount may have, by Lead's notes: `exact` the currency's minor digits (most
 * files); `at-least` at least those (transactions.md: a deposit transaction's `amount_in_usd`);
 * `at-least-if-deposit` at least those on a deposit balance, exactly on a credit one (a transaction's
 * `amount`); `unknown` fewer is an error, more is only a warning (the Balances page does not say).
 */
export type MoneyDecimals = 'exact' | 'at-least' | 'at-least-if-deposit' | 'unknown';

export type ColumnType =
  | { readonly kind: 'string' }
  /**
   * `unconfirmed`: values Lead's pages print but that may not be what Lead reads (`dormat`, or a status
   * one page lists and another excludes): accepted with a warning.
   */
  | { readonly kind: 'enum'; readonly values: readonly string[]; readonly unconfirmed?: readonly string[] }
  /**
   * Decimal major units, written with the currency's minor digits. The currency comes from another
   * column of the same row, or from the program when the file has no currency column.
   */
  | {
    readonly kind: 'money';
    readonly currency: { readonly column: string } | { readonly fixed: string } | 'program';
    /**
     * Inbound files only: the most fractional digits a value may have when we parse it, when Lead allows
     * more than the currency's minor digits (the Sales Request's imputed interest has up to 6). Without
     * it a parser accepts up to the currency's digits, trailing zeros dropped (`100`, `100.5`).
     */
    readonly inboundMaxDecimals?: number;
    /** How many decimals a file may carry (default `exact`). */
    readonly decimals?: MoneyDecimals;
    /**
     * Lead does not say whether the file's value is in major units or cents (credit limits: the API
     * uses cents): a whole number is then a warning, not an error.
     */
    readonly unitsUnknown?: boolean;
  }
  | { readonly kind: 'currency' }
  | { readonly kind: 'date' }
  /** `dateUnknown`: Lead's page does not say date or datetime, so a bare date is a warning. */
  | { readonly kind: 'timestamp'; readonly dateUnknown?: boolean }
  /** A JSON array of non-empty strings; `values`, when given, is the enum every item must belong to. */
  | { readonly kind: 'array'; readonly values?: readonly string[] }
  | { readonly kind: 'integer' }
  | { readonly kind: 'boolean' }
  /**
   * Compliance documents (Applications, Accounts): a JSON array of {document_id, type, displayed_at?,
   * consented_at?, version?}; each document_id is the name of a file uploaded to Lead's documents folder
   * before the file that references it.
   */
  | { readonly kind: 'documents' };

export interface ColumnSpec {
  /** Header exactly as Lead prints it (case-sensitive, lower-case). */
  readonly name: string;
  readonly type: ColumnType;
  readonly required: boolean;
  /**
   * `generated_at` is the moment lead-etl built the file: the pipeline fills it from its (injectable)
   * clock, so partner queries never return it.
   */
  readonly filledBy?: 'pipeline';
  /**
   * Other spellings of the header that Lead's pages or API use ([UNKNOWN] which one the file takes): a
   * file using one is read, with a warning.
   */
  readonly aliases?: readonly string[];
  /** [UNKNOWN] whether Lead requires a value: lead-etl always writes one, an empty value is a warning. */
  readonly requirementUnknown?: boolean;
  /** [UNKNOWN] whether the file has the column at all: a header without it is a warning. */
  readonly presenceUnknown?: boolean;
  /** The longest value Lead takes (customers.md: client_customer_id is at most 64 characters). */
  readonly maxLength?: number;
  /** Personal data (a date of birth): a message never quotes the value. */
  readonly personal?: boolean;
}

/** A column naming a record of another file type (a JSON list of ids when `list`). */
export interface Reference {
  readonly column: string;
  readonly to: FileTypeId;
  readonly list?: boolean;
}

/** The records a file type makes known, for other files to name. */
export interface Produces {
  /** The columns holding a record's id (a balance: client_balance_id, or Lead's id). */
  readonly columns: readonly string[];
  /**
   * `same-date`: a daily file lists them all (every balance not closed, every sale of the day), so the
   * file of the same date settles whether an id exists. `from-day0`: files carry new and changed records
   * only, so only a set starting at the program's Day 0 (or history) knows every id.
   */
  readonly complete: 'same-date' | 'from-day0';
  /** Lead's own ids for such records (`entity_`), which a reference may hold and only Lead resolves. */
  readonly leadIdPrefixes?: readonly string[];
  /** Reported for a reference to an id this type never made known (types no file names need none). */
  readonly unknown?: RuleInfo;
  /** New-only types: reported for an id sent before. */
  readonly newOnly?: RuleInfo;
}

export interface FileTypeSpec {
  /** Registry key and default file-name token. */
  readonly id: FileTypeId;
  readonly title: string;
  /** The `<file type>` part of `<date or batch id>_<file type>_V<n>.csv`. */
  readonly token: string;
  /** Remote folder on Lead's SFTP server. */
  readonly folder: string;
  readonly workflow: Workflow;
  readonly rule: SubmissionRule;
  /** The column that identifies a record; named in every error about a row. */
  readonly recordIdColumn: string;
  /** The partner query file (in the configured queries folder) that returns this file's rows. */
  readonly queryFile: string;
  readonly columns: readonly ColumnSpec[];
  /** The spec note this definition comes from, for people reading errors and docs. */
  readonly source: string;

  /** How the file is named; `date` when absent. */
  readonly naming?: FileNaming;
  /** Who writes the file; `outbound` when absent. */
  readonly direction?: FileDirection;
  /**
   * When one column does not identify a record (an authorized user is an account and entity pair), the
   * columns that together do, `recordIdColumn` first.
   */
  readonly recordIdColumns?: readonly string[];
  /** Full-overwrite types: the column that must strictly increase each time a record is re-sent. */
  readonly effectiveAtColumn?: string;
  /** The state after which Lead refuses any change to a record (closed accounts, closed cards...). */
  readonly terminal?: TerminalState;
  /**
   * Full-overwrite types: columns left out when deciding whether a record changed since it was last
   * sent (timestamps that move on every build without the record changing).
   */
  readonly hashExcludes?: readonly string[];
  /** Updates-only types: the only columns Lead lets an update change. */
  readonly updatableColumns?: readonly string[];
  /** Columns Lead lets be set once and never changed afterwards (a re-sent record repeats them). */
  readonly immutableColumns?: readonly string[];
  /** What Lead's documentation leaves open about this file type, one short sentence each. */
  readonly uncertain?: readonly string[];
  /**
   * Other tokens Lead's pages use for this file type ([UNKNOWN] which one Lead reads: the Customer
   * Relationship example is named `beneficial_owner`): a file so named is read, with a warning.
   */
  readonly tokenAliases?: readonly string[];
  /** [UNKNOWN] or not: whether Lead's page gives the whole column list (an extra column is then an error). */
  readonly schemaComplete?: boolean;

  /** Updates-only types: the file type whose entries it updates (Transactions Update: Transactions). */
  readonly updates?: FileTypeId;
  /** The file type of Lead's it answers, one row per record of it (Sales Response: Sales Request). */
  readonly answers?: FileTypeId;
  /**
   * Batch types sent together: a program sending both sends them in every batch, under one batch id,
   * and Lead validates them as a pair (Customer Relationship with Customer).
   */
  readonly pairedWith?: FileTypeId;
  /** The records it makes known. */
  readonly produces?: Produces;
  /** Columns naming records of other file types (Lead's column names). */
  readonly references?: readonly Reference[];
  /** The rules Lead checks on this file type beyond its columns' formats. */
  readonly validation?: FileTypeValidation;
  /**
   * Parameters the program gives this file type's query beyond the window's (the program profile sets
   * them; see docs/partner-queries.md).
   */
  readonly queryParameters?: Readonly<Record<string, string>>;
}

export const namingOf = (spec: FileTypeSpec): FileNaming => spec.naming ?? 'date';
export const directionOf = (spec: FileTypeSpec): FileDirection => spec.direction ?? 'outbound';
export const recordIdColumnsOf = (spec: FileTypeSpec): readonly string[] => spec.recordIdColumns ?? [spec.recordIdColumn];

export const text = { kind: 'string' } as const satisfies ColumnType;
export const date = { kind: 'date' } as const satisfies ColumnType;
export const timestamp = { kind: 'timestamp' } as const satisfies ColumnType;
/** A timestamp whose page does not say date or datetime: a datetime is written, a date warns. */
export const timestampOrDate = { kind: 'timestamp', dateUnknown: true } as const satisfies ColumnType;
export const boolean = { kind: 'boolean' } as const satisfies ColumnType;
export const documents = { kind: 'documents' } as const satisfies ColumnType;
export const array = { kind: 'array' } as const satisfies ColumnType;
export const arrayOf = (...values: string[]): ColumnType => ({ kind: 'array', values });
export const integer = { kind: 'integer' } as const satisfies ColumnType;
export const currency = { kind: 'currency' } as const satisfies ColumnType;
export const enumOf = (...values: string[]): ColumnType => ({ kind: 'enum', values });
/** An enum with values Lead's pages print but may not read: accepted with a warning. */
export const enumWithUnconfirmed = (values: readonly string[], unconfirmed: readonly string[]): ColumnType => ({ kind: 'enum', values: [...values, ...unconfirmed], unconfirmed });
type MoneyOptions = { inboundMaxDecimals?: number; decimals?: MoneyDecimals; unitsUnknown?: boolean };
export const moneyIn = (column: string, options: MoneyOptions = {}): ColumnType => ({ kind: 'money', currency: { column }, ...options });
export const usdMoney = { kind: 'money', currency: { fixed: 'USD' } } as const satisfies ColumnType;
export const usdMoneyWith = (options: MoneyOptions): ColumnType => ({ kind: 'money', currency: { fixed: 'USD' }, ...options });
export const programMoneyWith = (options: MoneyOptions): ColumnType => ({ kind: 'money', currency: 'program', ...options });

type ColumnOptions = Pick<ColumnSpec, 'aliases' | 'requirementUnknown' | 'presenceUnknown' | 'maxLength' | 'personal'>;
export const required = (name: string, type: ColumnType, options: ColumnOptions = {}): ColumnSpec => ({ name, type, required: true, ...options });
export const optional = (name: string, type: ColumnType, options: ColumnOptions = {}): ColumnSpec => ({ name, type, required: false, ...options });
export const generatedAt: ColumnSpec = { name: 'generated_at', type: timestamp, required: true, filledBy: 'pipeline' };
/** `generated_at` where Lead's page leaves its form or its presence open. */
export const generatedAtWith = (options: { dateUnknown?: boolean; presenceUnknown?: boolean }): ColumnSpec => ({
  ...generatedAt,
  ...(options.dateUnknown ? { type: timestampOrDate } : {}),
  ...(options.presenceUnknown ? { presenceUnknown: true } : {}),
});
