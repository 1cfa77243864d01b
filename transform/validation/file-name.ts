import { DateTime } from 'luxon';
import { namingOf, type FileTypeSpec } from '../file-type-spec.js';
import { splitLeadFileName } from '../lead-file-name.js';

/**
 * Reads Lead's file name `<date or batch id>_<file type>_<version>.csv` (sftp-process.md §7) back into
 * the file type, the date T or batch id, and the version. Lead's examples write the version V1, v1 and
 * 001, so all three are accepted. Tokens may hold underscores (`non_posted_transactions` ends with
 * `_transactions`), so the longest token the name ends with wins.
 */
export type ParsedFileName =
  | {
    readonly ok: true;
    readonly spec: FileTypeSpec;
    /** The date T of a date-named file; for a batch-named one, the date its batch id starts with, if any. */
    readonly fileDate?: string;
    readonly batchId?: string;
    readonly version: string;
    /** The version as a number, to tell a resubmission (V2) from the file it replaces (V1). */
    readonly versionNumber: number;
    /** The name used another token Lead's pages give the type (`beneficial_owner`), not the program's. */
    readonly tokenAlias?: string;
  }
  | { readonly ok: false; readonly rule: 'integrity.file_name' | 'integrity.file_date'; readonly message: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
// Lead: a batch id is any string, unique per batch; only what cannot be part of a file name is refused.
const BATCH_ID = /^[^\s/\\]+$/;

export function parseFileName(name: string, specs: readonly FileTypeSpec[]): ParsedFileName {
  const expected = `<date>_<file type>_V<n>.csv, the file type one of ${specs.map((s) => s.token).join(', ')}`;
  let split = splitLeadFileName(name, specs);
  let tokenAlias: string | undefined;
  if (!split.ok && split.missing === 'token') {
    // Read a token Lead's pages also use for the type as that type, and say so.
    const aliases = specs.flatMap((spec) => (spec.tokenAliases ?? []).map((alias) => ({ ...spec, token: alias })));
    const byAlias = splitLeadFileName(name, aliases);
    if (byAlias.ok) {
      tokenAlias = byAlias.spec.token;
      const spec = specs.find((s) => s.id === byAlias.spec.id)!;
      split = { ...byAlias, spec };
    }
  }
  if (!split.ok) {
    const why = {
      extension: 'the name does not end in .csv',
      version: 'the name does not end in a version (_V1, _v1 or _001)',
      token: 'no file type of the program has the token in this name',
    }[split.missing];
    return { ok: false, rule: 'integrity.file_name', message: `${why}; expected ${expected}` };
  }
  const { spec, key: prefix, versionText: version, version: versionNumber } = split;

  if (namingOf(spec) === 'batch') {
    if (!BATCH_ID.test(prefix)) {
      return { ok: false, rule: 'integrity.file_name', message: `"${prefix}" is not a batch id (no spaces or slashes); a ${spec.id} file is <batch id>_${spec.token}_V<n>.csv` };
    }
    const leading = prefix.slice(0, 10);
    return { ok: true, spec, batchId: prefix, version, versionNumber, ...(isCalendarDate(leading) ? { fileDate: leading } : {}), ...(tokenAlias ? { tokenAlias } : {}) };
  }
  if (!DATE.test(prefix)) {
    return { ok: false, rule: 'integrity.file_name', message: `a ${spec.id} file is named by its file date: <YYYY-MM-DD>_${spec.token}_V<n>.csv, not "${prefix}"` };
  }
  if (!isCalendarDate(prefix)) return { ok: false, rule: 'integrity.file_date', message: `${prefix} is not a calendar date` };
  return { ok: true, spec, fileDate: prefix, version, versionNumber, ...(tokenAlias ? { tokenAlias } : {}) };
}

function isCalendarDate(text: string): boolean {
  return DATE.test(text) && DateTime.fromISO(text, { zone: 'UTC' }).toISODate() === text;
}
