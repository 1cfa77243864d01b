import type { FileTypeSpec } from './file-type-spec.js';

/**
 * Reads a Lead file name back: `<date or batch id>_<file type token>_<version>.csv`, the form
 * `fileName()` in program-file-types.ts writes. Lead's own examples spell the version `V1`, `v1` and
 * `001` (sftp-process.md, section 7), so all three are read. Both sides use it: Lead's sandbox to
 * group what it receives, and the pipeline to tell which file a message from Lead is about.
 *
 * Tokens can end with another token (`non_posted_transactions` ends with `transactions`) and a batch id
 * may hold underscores, so the longest token the name ends with wins and the rest is the key.
 */
export interface LeadFileName {
  /** The file date (`2026-03-06`) or batch id (`2026-03-06-01`) the name starts with. */
  readonly key: string;
  readonly spec: FileTypeSpec;
  readonly version: number;
}

const VERSION = /^(?:[Vv](\d{1,6})|(\d{1,6}))$/;

export function parseLeadFileName(name: string, specs: readonly FileTypeSpec[]): LeadFileName | undefined {
  if (!name.endsWith('.csv')) return undefined;
  const stem = name.slice(0, -'.csv'.length);
  const cut = stem.lastIndexOf('_');
  if (cut < 0) return undefined;
  const versionMatch = VERSION.exec(stem.slice(cut + 1));
  if (!versionMatch) return undefined;
  const version = Number(versionMatch[1] ?? versionMatch[2]);
  const rest = stem.slice(0, cut);
  const spec = [...specs]
    .sort((a, b) => b.token.length - a.token.length)
    .find((candidate) => rest.endsWith(`_${candidate.token}`) && rest.length > candidate.token.length + 1);
  if (!spec || version < 1) return undefined;
  return { key: rest.slice(0, rest.length - spec.token.length - 1), spec, version };
}
