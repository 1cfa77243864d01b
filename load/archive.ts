import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { LeadEtlError } from '../core/errors.js';
import type { FileDate } from '../core/file-date.js';

/**
 * The local archive: every file lead-etl sends is kept here, with a `sha256sum`-style checksum file
 * beside it, before it is uploaded. Files are built under `.building/` and renamed into place only when
 * complete, so an archived file is always whole.
 *
 *   <archive>/<file date>/<name>          the file exactly as sent
 *   <archive>/<file date>/<name>.sha256   "<hex>  <name>"
 */
export function archivePaths(archiveDir: string, fileDate: FileDate, name: string) {
  const dir = join(archiveDir, fileDate);
  return { dir, file: join(dir, name), checksum: join(dir, `${name}.sha256`) };
}

const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS']);
const FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/**
 * A local write failure under the archive as one line naming the key: a folder lead-etl may not write
 * (permissions, a read-only mount) or a full disk. Anything else passes through as it is.
 */
export function archiveWriteError(error: unknown, archiveDir: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') return error;
  if (UNWRITABLE.has(code)) {
    return new LeadEtlError('ARCHIVE_UNWRITABLE', `archive.dir ${archiveDir} is not writable (${code}): give the user running lead-etl write access to it, or set archive.dir to a writable folder; nothing was recorded or sent`, { cause: error });
  }
  if (FULL.has(code)) {
    return new LeadEtlError('ARCHIVE_UNWRITABLE', `archive.dir ${archiveDir} is full (${code}): free space on its disk or set archive.dir to a larger one; nothing was recorded or sent`, { cause: error });
  }
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new LeadEtlError('ARCHIVE_UNWRITABLE', `archive.dir ${archiveDir} cannot be created or written (${code}): check that the path exists and is a folder, or set archive.dir; nothing was recorded or sent`, { cause: error });
  }
  return error;
}

/** A fresh path to build a file at; nothing else ever writes there. */
export async function buildingPath(archiveDir: string, name: string): Promise<string> {
  const dir = join(archiveDir, '.building');
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw archiveWriteError(error, archiveDir);
  }
  return join(dir, `${name}.${randomBytes(4).toString('hex')}.part`);
}

/** Removes half-built files left by a run that crashed while building. */
export async function clearBuilding(archiveDir: string): Promise<void> {
  const dir = join(archiveDir, '.building');
  if (!existsSync(dir)) return;
  for (const entry of await readdir(dir)) await rm(join(dir, entry), { force: true });
}

/**
 * Moves a finished build into the archive. A file already at that name can only be left by a run that
 * crashed after archiving and before recording it in the state store (the caller has checked the store
 * has no such version), so it is replaced.
 */
export async function archiveFile(args: { archiveDir: string; fileDate: FileDate; name: string; builtPath: string; sha256: string }): Promise<string> {
  const paths = archivePaths(args.archiveDir, args.fileDate, args.name);
  try {
    await mkdir(paths.dir, { recursive: true });
    await writeFile(paths.checksum, `${args.sha256}  ${args.name}\n`, { flush: true });
    await rename(args.builtPath, paths.file);
  } catch (error) {
    throw archiveWriteError(error, args.archiveDir);
  }
  return paths.file;
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** Proves the archived bytes are the ones recorded before they leave the machine. */
export async function verifyArchived(path: string, expectedSha256: string): Promise<void> {
  let actual: string;
  try {
    actual = await sha256OfFile(path);
  } catch (cause) {
    throw new LeadEtlError('ARCHIVE_CORRUPT', `archived file ${path} cannot be read; it was recorded as built, restore it from backup or mark the version abandoned`, { cause });
  }
  if (actual !== expectedSha256) {
    throw new LeadEtlError('ARCHIVE_CORRUPT', `archived file ${path} changed since it was built (sha256 ${actual}, recorded ${expectedSha256}); it will not be sent`);
  }
}
