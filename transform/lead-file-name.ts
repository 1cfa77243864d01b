import type { FileTypeSpec } from './file-type-spec.js';

/**
 * Reads a Lead file name back: `<date or batch id>_<file type token>_<version>.csv`, the form
 * `fileName()` in program-file-types.ts writes. Lead's own examples spell the version `V1`, `v1` and
 * `001` (sftp-process.md, section 7), so all three are read. Lead's sandbox uses it to group what it
 * receives, the pipeline to tell which file a message from Lead is about, and pre-flight validation
 * (transform/validation/file-name.ts) before its own checks of the date or batch id.
 *
 * Tokens can end with another token (`non_posted_transactions` ends with `transactions`) and a batch id
 * may hold underscores, so the longest token the name ends with wins and the rest is the key.
 */
export interface LeadFileName {
  /** The file date (`2026-03-06`) or batch id the name starts with. */
  readonly key: string;
  readonly spec: FileTypeSpec;
  readonly version: number;
  /** The version as written (`V1`, `v1`, `001`). */
  readonly versionText: string;
}

export type SplitFileName = ({ readonly ok: true } & LeadFileName) | { readonly ok: false; readonly missing: 'extension' | 'version' | 'token' };

const VERSION = /^(?:[Vv](\d{1,6})|(\d{1,6}))$/;

export function splitLeadFileName(name: string, specs: readonly FileTypeSpec[]): SplitFileName {
  if (!name.endsWith('.csv')) return { ok: false, missing: 'extension' };
  const stem = name.slice(0, -'.csv'.length);
  const cut = stem.lastIndexOf('_');
  const versionText = stem.slice(cut + 1);
  const versionMatch = cut > 0 ? VERSION.exec(versionText) : null;
  if (!versionMatch) return { ok: false, missing: 'version' };
  const rest = stem.slice(0, cut);
  const spec = [...specs]
    .sort((a, b) => b.token.length - a.token.length)
    .find((candidate) => rest.endsWith(`_${candidate.token}`) && rest.length > candidate.token.length + 1);
  if (!spec) return { ok: false, missing: 'token' };
  return { ok: true, key: rest.slice(0, rest.length - spec.token.length - 1), spec, version: Number(versionMatch[1] ?? versionMatch[2]), versionText };
}

export function parseLeadFileName(name: string, specs: readonly FileTypeSpec[]): LeadFileName | undefined {
  const split = splitLeadFileName(name, specs);
  if (!split.ok || split.version < 1) return undefined;
  return { key: split.key, spec: split.spec, version: split.version, versionText: split.versionText };
}
