import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding lead-etl's package.json, found from this module's own location so that bundled
 * assets (the reference ledger's SQL) resolve the same from source (vitest) and from dist/ (the bin).
 */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'extract'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('lead-etl: cannot find the package root from ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export const PACKAGE_ROOT = findPackageRoot();

export function packagePath(...parts: string[]): string {
  return join(PACKAGE_ROOT, ...parts);
}
