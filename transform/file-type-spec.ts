/**
 * A Lead file type as data: its columns in file order, how each value is checked and written, the
 * submission rule, the workflow it belongs to, and the partner query that feeds it. Adding a file type
 * is adding one spec; a program profile can rename, add or reorder columns without code.
 *
 * The optional fields after `columns` are what the submission-rule engine needs to decide which records
 * go in a file (changed or not, terminal or not, which fields may change); they are declarations, and
 * nothing here enforces them.
 */
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

export type ColumnType =
  | { readonly kind: 'string' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
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
  }
  | { readonly kind: 'currency' }
  | { readonly kind: 'date' }
  | { readonly kind: 'timestamp' }
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
}

export interface FileTypeSpec {
  /** Registry key and default file-name token. */
  readonly id: string;
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
}

export const namingOf = (spec: FileTypeSpec): FileNaming => spec.naming ?? 'date';
export const directionOf = (spec: FileTypeSpec): FileDirection => spec.direction ?? 'outbound';
export const recordIdColumnsOf = (spec: FileTypeSpec): readonly string[] => spec.recordIdColumns ?? [spec.recordIdColumn];

export const text = { kind: 'string' } as const satisfies ColumnType;
export const date = { kind: 'date' } as const satisfies ColumnType;
export const timestamp = { kind: 'timestamp' } as const satisfies ColumnType;
export const boolean = { kind: 'boolean' } as const satisfies ColumnType;
export const documents = { kind: 'documents' } as const satisfies ColumnType;
export const array = { kind: 'array' } as const satisfies ColumnType;
export const arrayOf = (...values: string[]): ColumnType => ({ kind: 'array', values });
export const integer = { kind: 'integer' } as const satisfies ColumnType;
export const currency = { kind: 'currency' } as const satisfies ColumnType;
export const enumOf = (...values: string[]): ColumnType => ({ kind: 'enum', values });
export const moneyIn = (column: string, options: { inboundMaxDecimals?: number } = {}): ColumnType => ({ kind: 'money', currency: { column }, ...options });
export const usdMoney = { kind: 'money', currency: { fixed: 'USD' } } as const satisfies ColumnType;
export const programMoney = { kind: 'money', currency: 'program' } as const satisfies ColumnType;

export const required = (name: string, type: ColumnType): ColumnSpec => ({ name, type, required: true });
export const optional = (name: string, type: ColumnType): ColumnSpec => ({ name, type, required: false });
export const generatedAt: ColumnSpec = { name: 'generated_at', type: timestamp, required: true, filledBy: 'pipeline' };
