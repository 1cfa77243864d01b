import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding lead-etl's package.json, found from this module's own location so that bundled
 * assets (the reference ledger's SQL) resolve the same from source (vitest) and from dist/ (the bin).
 */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (isLeadEtlPackage(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('lead-etl: cannot find the package root from ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

// dist/ has no package.json of its own, and an installed package has no source folders: the name decides.
function isLeadEtlPackage(file: string): boolean {
  if (!existsSync(file)) return false;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === 'lead-etl';
  } catch {
    return false;
  }
}

export const PACKAGE_ROOT = findPackageRoot();

export function packagePath(...parts: string[]): string {
  return join(PACKAGE_ROOT, ...parts);
}
