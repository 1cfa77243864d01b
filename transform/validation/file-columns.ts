import type { ColumnSpec, FileTypeSpec } from '../file-type-spec.js';

/**
 * The rules speak Lead's column names (`client_product_name`); a program's agreed schema may rename a
 * column (`product_name`) or drop it. This maps one way and the other, so a rule reads the right
 * column and a finding names the column as it is in the file.
 */
export interface FileColumns {
  /** The program's spec: columns as the file should have them. */
  readonly spec: FileTypeSpec;
  /** The file's name for Lead's column, or undefined when the program does not send it. */
  fileName(leadName: string): string | undefined;
  /** Lead's name for a column of the file. */
  leadName(fileName: string): string;
  column(fileName: string): ColumnSpec | undefined;
}

/** `renames`: Lead's name → the program's (the profile's `files.<id>.columns.rename`). */
export function fileColumnsOf(spec: FileTypeSpec, renames: Readonly<Record<string, string>> = {}): FileColumns {
  const back = new Map(Object.entries(renames).map(([lead, agreed]) => [agreed, lead]));
  const byName = new Map(spec.columns.map((c) => [c.name, c]));
  return {
    spec,
    fileName: (leadName) => {
      const name = renames[leadName] ?? leadName;
      return byName.has(name) ? name : undefined;
    },
    leadName: (fileName) => back.get(fileName) ?? fileName,
    column: (fileName) => byName.get(fileName),
  };
}

export type { RowView } from './rule-types.js';
