import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
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
  return [...new Set(files)];
}

async function walk(dir: string, files: string[]): Promise<void> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (basename(path) !== 'documents') await walk(path, files);
    } else if (entry.isFile()) {
      files.push(path);
    }
  }
}
