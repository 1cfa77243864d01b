/**
 * A Lead file type as data: its columns in file order, how each value is checked and written, the
 * submission rule, the workflow it belongs to, and the partner query that feeds it. Adding a file type
 * is adding one spec; a program profile can rename, add or reorder columns without code.
 */
export type SubmissionRule = 'full-overwrite' | 'new-only' | 'updates-only' | 'daily-snapshot';
export type Workflow = 'customer' | 'compliance' | 'financial' | 'sales';

export type ColumnType =
  | { readonly kind: 'string' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  /**
   * Decimal major units, written with the currency's minor digits. The currency comes from another
   * column of the same row, or from the program when the file has no currency column.
   */
  | { readonly kind: 'money'; readonly currency: { readonly column: string } | { readonly fixed: string } | 'program' }
  | { readonly kind: 'currency' }
  | { readonly kind: 'date' }
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'array' }
  | { readonly kind: 'integer' }
  | { readonly kind: 'boolean' };

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
  /** The `<file type>` part of `<date>_<file type>_V<n>.csv`. */
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
}

export const text = { kind: 'string' } as const satisfies ColumnType;
export const date = { kind: 'date' } as const satisfies ColumnType;
export const timestamp = { kind: 'timestamp' } as const satisfies ColumnType;
export const array = { kind: 'array' } as const satisfies ColumnType;
export const integer = { kind: 'integer' } as const satisfies ColumnType;
export const currency = { kind: 'currency' } as const satisfies ColumnType;
export const enumOf = (...values: string[]): ColumnType => ({ kind: 'enum', values });
export const moneyIn = (column: string): ColumnType => ({ kind: 'money', currency: { column } });
export const usdMoney = { kind: 'money', currency: { fixed: 'USD' } } as const satisfies ColumnType;
export const programMoney = { kind: 'money', currency: 'program' } as const satisfies ColumnType;

export const required = (name: string, type: ColumnType): ColumnSpec => ({ name, type, required: true });
export const optional = (name: string, type: ColumnType): ColumnSpec => ({ name, type, required: false });
export const generatedAt: ColumnSpec = { name: 'generated_at', type: timestamp, required: true, filledBy: 'pipeline' };
