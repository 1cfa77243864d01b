import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LeadEtlError } from '../../core/errors.js';

/**
 * The files of a set: each file given, and every file under each folder given, read recursively (an
 * SFTP tree `<folder>/<file>` spanning several dates is one set). Hidden files and Lead's `documents`
 * folder (PDFs and images referenced by name, not data files) are not part of it.
 */
export async function listSetFiles(paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0) throw new LeadEtlError('USAGE', 'give at least one file or folder to validate');
  const files: string[] = [];
  for (const path of paths) {
    if (!existsSync(path)) throw new LeadEtlError('USAGE', `${path} does not exist`);
    if ((await stat(path)).isDirectory()) await walk(path, files);
    else files.push(path);
  }
  // A file named twice (a folder and a file in it) is read once, under the first name it was given.
  const seen = new Set<string>();
  return files.filter((file) => !seen.has(resolve(file)) && seen.add(resolve(file)));
}

async function walk(dir: string, files: string[]): Promise<void> {
  const names = (await readdir(dir)).sort((a, b) => a.localeCompare(b));
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    // stat, not the directory entry's type, so a symbolic link is read as what it points at.
    const entry = await stat(path);
    if (entry.isDirectory()) {
      if (name !== 'documents') await walk(path, files);
    } else if (entry.isFile()) {
      files.push(path);
    }
  }
}
