import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Notices what the partner finished uploading: files under their final names in the folders the partner
 * writes. A client uploads under a temporary name and renames it into place (lead-etl writes
 * `.<name>.<random>.part`), so a dot-file or a `.part` / `.tmp` name is an upload still in progress and
 * is left alone; a file renamed into place is complete. Each file is reported once: `seen` holds the
 * remote paths already taken in.
 */
export interface Upload {
  /** As the partner sees it: `balances`. */
  readonly folder: string;
  readonly name: string;
  /** `/balances/2026-03-06_balances_V1.csv` */
  readonly remotePath: string;
  readonly localPath: string;
}

const IN_PROGRESS = /(^\.)|(\.(part|tmp|filepart)$)/i;

export async function scanUploads(rootDir: string, folders: readonly string[], seen: ReadonlySet<string>): Promise<Upload[]> {
  const uploads: Upload[] = [];
  for (const folder of folders) {
    const dir = join(rootDir, folder);
    const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    for (const entry of entries) {
      if (!entry.isFile() || IN_PROGRESS.test(entry.name)) continue;
      const remotePath = `/${folder}/${entry.name}`;
      if (seen.has(remotePath)) continue;
      uploads.push({ folder, name: entry.name, remotePath, localPath: join(dir, entry.name) });
    }
  }
  // Names sort by date or batch, then type, then version (V2 before V10): the order a partner means them in.
  return uploads.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }) || a.folder.localeCompare(b.folder));
}
