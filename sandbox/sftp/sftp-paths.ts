import path from 'node:path';

/**
 * Where a path named by an SFTP client lives on the local disk of the embedded server. The client sees
 * `/` as the server's root folder and must never reach anything outside it: the demo and the tests run
 * this server on a developer's machine, where a path like `/../../home/me/.ssh` would otherwise read or
 * overwrite real files.
 */
export interface ResolvedPath {
  /** The normalized SFTP path, always absolute, e.g. `/sales_request/a.csv`. */
  remote: string;
  /** The same place on local disk, inside the root folder. */
  local: string;
}

/**
 * Resolves `clientPath` (absolute, or relative to `/`) under `rootDir`, or returns undefined when it
 * would escape. `..` is refused rather than clamped at `/`, so a traversal attempt fails visibly instead
 * of quietly landing somewhere the client did not name.
 */
export function resolveClientPath(rootDir: string, clientPath: string): ResolvedPath | undefined {
  if (clientPath.includes('\0')) return undefined;
  const parts: string[] = [];
  for (const part of clientPath.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  const local = path.join(rootDir, ...parts);
  // Second guard, on the local side: whatever the segments held, the result must stay under rootDir.
  const relative = path.relative(rootDir, local);
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return undefined;
  return { remote: `/${parts.join('/')}`, local };
}

/** True when `remote` is `dir` itself or anything below it. */
export function isWithin(remote: string, dir: string): boolean {
  return dir === '/' || remote === dir || remote.startsWith(`${dir}/`);
}
