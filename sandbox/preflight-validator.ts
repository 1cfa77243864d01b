import type { Profile } from '../config/profile-schema.js';
import type { ProgramFileType } from '../transform/program-file-types.js';
import type { ProgramSettings } from '../transform/program-settings.js';
import { validateFiles } from '../transform/validation/validate-files.js';
import type { FileToValidate, SetValidator } from './set-validator.js';

/**
 * Lead's checks for the sandbox, from the pre-flight validator (transform/validation/): its four stages
 * (file integrity, field formats, rules inside a record, rules across records and files). Lead checks a
 * set against everything it already holds, so the files it validated before (earlier days, the other
 * workflows of the day) are read with the set: roll-forwards, re-used transaction ids, references and
 * effective_at order then work across days. Only findings about the set's own files are reported.
 */
export interface PreflightValidatorOptions {
  /** The files as Lead expects them, and Lead's settings for the program (not the partner's). */
  readonly program: { readonly files: readonly ProgramFileType[]; readonly profile?: Profile; readonly settings?: ProgramSettings };
  /** Of amounts in files without a currency column (Balances); default USD. */
  readonly programCurrency?: string;
  /**
   * What Lead already validated that the set is checked against, and whether that goes back to the
   * program's Day 0 (then a reference to a record never sent is an error).
   */
  readonly context?: (files: readonly FileToValidate[]) => { readonly paths: readonly string[]; readonly fromDay0: boolean };
}

export function createPreflightValidator(options: PreflightValidatorOptions): SetValidator {
  return async (files) => {
    if (files.length === 0) return [];
    const context = options.context?.(files) ?? { paths: [], fromDay0: false };
    const own = new Set(files.map((f) => f.path));
    const report = await validateFiles([...context.paths.filter((p) => !own.has(p)), ...own], {
      program: options.program,
      fromDay0: context.fromDay0,
      ...(options.programCurrency ? { programCurrency: options.programCurrency } : {}),
    });
    // A warning is a reading Lead's docs leave open: Lead's side does not reject for it unless its setup says so.
    return report.findings
      .filter((f) => own.has(f.file) && f.severity === 'error')
      .map(({ file, line, column, rule, message }) => ({ file, line, column, rule, message }));
  };
}
