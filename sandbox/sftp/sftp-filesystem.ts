import { constants as fsConstants, type Stats } from 'node:fs';
import { link, lstat, mkdir, open, readdir, rename, rmdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import ssh2 from 'ssh2';
import type { Attributes, FileEntry, SFTPWrapper } from 'ssh2';
import type { Logger } from '../../core/log.js';
import { isWithin, resolveClientPath, type ResolvedPath } from './sftp-paths.js';

/**
 * The SFTP v3 requests of one client session, answered from a local folder: the embedded server's
 * file system. Each request is answered on its own (the protocol allows replies in any order), which
 * is what lets fastPut keep several WRITEs in flight. Requests with no listener here (READLINK, SYMLINK,
 * EXTENDED such as posix-rename) are answered OP_UNSUPPORTED by ssh2 itself; without SYMLINK a client
 * cannot plant a link that leads out of the root.
 */
export interface ServedTree {
  /** Local folder seen by the client as `/`; an absolute, symlink-free path. */
  rootDir: string;
  /** Normalized remote folders the client may read but not change (Lead's own outgoing folders). */
  readOnlyDirs: string[];
}

const { STATUS_CODE, OPEN_MODE, flagsToString } = ssh2.utils.sftp;

// Replies to READ are capped so one request cannot make the server allocate an arbitrary buffer.
const MAX_READ_BYTES = 256 * 1024;
const READDIR_BATCH = 64;

/** A request refused with a specific SFTP status (as opposed to a file system error). */
class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type OpenHandle =
  | { kind: 'file'; remote: string; file: FileHandle; inFlight: Set<Promise<unknown>> }
  | { kind: 'dir'; remote: string; local: string; names: string[] | undefined; next: number };

export function serveTree(sftp: SFTPWrapper, tree: ServedTree, log: Logger): void {
  const handles = new Map<number, OpenHandle>();
  let nextHandle = 1;

  function answer(reqid: number, request: string, work: () => Promise<void>): void {
    work().catch((error: unknown) => {
      const [status, message] = statusOf(error);
      log.debug({ request, status, message }, 'embedded SFTP request refused');
      try {
        sftp.status(reqid, status, message);
      } catch {
        // The channel closed before the reply could be sent; nobody is waiting for it.
      }
    });
  }

  function resolve(clientPath: string): ResolvedPath {
    const resolved = resolveClientPath(tree.rootDir, clientPath);
    if (!resolved) throw new Refusal(STATUS_CODE.PERMISSION_DENIED, `path ${clientPath} is outside the server root`);
    return resolved;
  }

  function refuseIfReadOnly(remote: string): void {
    if (tree.readOnlyDirs.some((dir) => isWithin(remote, dir))) {
      throw new Refusal(STATUS_CODE.PERMISSION_DENIED, `${remote} is in a read-only folder`);
    }
  }

  // Removing or renaming a folder also changes everything below it, read-only folders included.
  function refuseIfHoldsReadOnly(remote: string): void {
    refuseIfReadOnly(remote);
    if (remote === '/' || tree.readOnlyDirs.some((dir) => isWithin(dir, remote))) {
      throw new Refusal(STATUS_CODE.PERMISSION_DENIED, `${remote} holds a read-only folder`);
    }
  }

  function handleOf(buffer: Buffer): OpenHandle {
    const found = buffer.length === 4 ? handles.get(buffer.readUInt32BE(0)) : undefined;
    if (!found) throw new Refusal(STATUS_CODE.FAILURE, 'invalid handle');
    return found;
  }

  function fileHandleOf(buffer: Buffer): Extract<OpenHandle, { kind: 'file' }> {
    const found = handleOf(buffer);
    if (found.kind !== 'file') throw new Refusal(STATUS_CODE.FAILURE, 'handle is not a file');
    return found;
  }

  function issueHandle(reqid: number, opened: OpenHandle): void {
    const id = nextHandle++;
    handles.set(id, opened);
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32BE(id, 0);
    sftp.handle(reqid, buffer);
  }

  /** Runs file work while keeping CLOSE from closing the descriptor underneath it. */
  async function tracked<T>(opened: Extract<OpenHandle, { kind: 'file' }>, work: Promise<T>): Promise<T> {
    opened.inFlight.add(work);
    try {
      return await work;
    } finally {
      opened.inFlight.delete(work);
    }
  }

  sftp.on('OPEN', (reqid: number, filename: string, flags: number, attrs: Attributes) =>
    answer(reqid, 'OPEN', async () => {
      const target = resolve(filename);
      const changes = (flags & (OPEN_MODE.WRITE | OPEN_MODE.APPEND | OPEN_MODE.CREAT | OPEN_MODE.TRUNC)) !== 0;
      if (changes) refuseIfReadOnly(target.remote);
      const existing = await lstat(target.local).catch(() => undefined);
      if (existing?.isDirectory()) throw new Refusal(STATUS_CODE.FAILURE, `${target.remote} is a folder`);
      const mode = typeof attrs?.mode === 'number' ? attrs.mode & 0o777 : 0o644;
      const file = await open(target.local, fsFlagsOf(flags), mode);
      log.debug({ remotePath: target.remote, flags: flagsToString(flags) }, 'embedded SFTP open');
      issueHandle(reqid, { kind: 'file', remote: target.remote, file, inFlight: new Set() });
    }),
  );

  sftp.on('READ', (reqid: number, handle: Buffer, offset: number, length: number) =>
    answer(reqid, 'READ', async () => {
      const opened = fileHandleOf(handle);
      const buffer = Buffer.alloc(Math.min(length, MAX_READ_BYTES));
      const { bytesRead } = await tracked(opened, opened.file.read(buffer, 0, buffer.length, offset));
      if (bytesRead === 0) sftp.status(reqid, STATUS_CODE.EOF);
      else sftp.data(reqid, buffer.subarray(0, bytesRead));
    }),
  );

  sftp.on('WRITE', (reqid: number, handle: Buffer, offset: number, data: Buffer) =>
    answer(reqid, 'WRITE', async () => {
      const opened = fileHandleOf(handle);
      await tracked(opened, writeFully(opened.file, data, offset));
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );

  sftp.on('FSTAT', (reqid: number, handle: Buffer) =>
    answer(reqid, 'FSTAT', async () => {
      const opened = handleOf(handle);
      const stats = opened.kind === 'file' ? await tracked(opened, opened.file.stat()) : await stat(opened.local);
      sftp.attrs(reqid, attributesOf(stats));
    }),
  );

  // This server keeps no owners, modes or times of its own; accepting the request keeps clients that
  // set them after an upload (fastPut with a mode) working.
  sftp.on('FSETSTAT', (reqid: number, handle: Buffer) =>
    answer(reqid, 'FSETSTAT', async () => {
      handleOf(handle);
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );

  sftp.on('SETSTAT', (reqid: number, clientPath: string) =>
    answer(reqid, 'SETSTAT', async () => {
      const target = resolve(clientPath);
      refuseIfReadOnly(target.remote);
      await lstat(target.local);
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );

  sftp.on('CLOSE', (reqid: number, handle: Buffer) =>
    answer(reqid, 'CLOSE', async () => {
      const opened = handleOf(handle);
      handles.delete(handle.readUInt32BE(0));
      if (opened.kind === 'file') {
        await Promise.allSettled([...opened.inFlight]);
        await opened.file.close();
      }
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );

  sftp.on('STAT', (reqid: number, clientPath: string) =>
    answer(reqid, 'STAT', async () => {
      sftp.attrs(reqid, attributesOf(await stat(resolve(clientPath).local)));
    }),
  );

  sftp.on('LSTAT', (reqid: number, clientPath: string) =>
    answer(reqid, 'LSTAT', async () => {
      sftp.attrs(reqid, attributesOf(await lstat(resolve(clientPath).local)));
    }),
  );

  sftp.on('OPENDIR', (reqid: number, clientPath: string) =>
    answer(reqid, 'OPENDIR', async () => {
      const target = resolve(clientPath);
      const stats = await stat(target.local);
      if (!stats.isDirectory()) throw new Refusal(STATUS_CODE.FAILURE, `${target.remote} is not a folder`);
      issueHandle(reqid, { kind: 'dir', remote: target.remote, local: target.local, names: undefined, next: 0 });
    }),
  );

  sftp.on('READDIR', (reqid: number, handle: Buffer) =>
    answer(reqid, 'READDIR', async () => {
      const opened = handleOf(handle);
      if (opened.kind !== 'dir') throw new Refusal(STATUS_CODE.FAILURE, 'handle is not a folder');
      opened.names ??= await readdir(opened.local);
      while (opened.next < opened.names.length) {
        const batch = opened.names.slice(opened.next, opened.next + READDIR_BATCH);
        opened.next += batch.length;
        const entries: FileEntry[] = [];
        for (const name of batch) {
          // An entry removed since the listing was read is simply left out.
          const stats = await lstat(`${opened.local}/${name}`).catch(() => undefined);
          if (stats) entries.push({ filename: name, longname: longnameOf(name, stats), attrs: attributesOf(stats) });
        }
        if (entries.length > 0) {
          sftp.name(reqid, entries);
          return;
        }
      }
      sftp.status(reqid, STATUS_CODE.EOF);
    }),
  );

  sftp.on('MKDIR', (reqid: number, clientPath: string) =>
    answer(reqid, 'MKDIR', async () => {
      const target = resolve(clientPath);
      refuseIfReadOnly(target.remote);
      await mkdir(target.local);
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );

  sftp.on('RMDIR', (reqid: number, clientPath: string) =>
    answer(reqid, 'RMDIR', async () => {
      const target = resolve(clientPath);
      refuseIfHoldsReadOnly(target.remote);
      await rmdir(target.local);
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );

  sftp.on('REMOVE', (reqid: number, clientPath: string) =>
    answer(reqid, 'REMOVE', async () => {
      const target = resolve(clientPath);
      refuseIfReadOnly(target.remote);
      const stats = await lstat(target.local);
      if (stats.isDirectory()) throw new Refusal(STATUS_CODE.FAILURE, `${target.remote} is a folder`);
      await unlink(target.local);
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );

  sftp.on('RENAME', (reqid: number, oldClientPath: string, newClientPath: string) =>
    answer(reqid, 'RENAME', async () => {
      const from = resolve(oldClientPath);
      const to = resolve(newClientPath);
      refuseIfHoldsReadOnly(from.remote);
      refuseIfReadOnly(to.remote);
      await renameWithoutReplacing(from, to);
      log.debug({ from: from.remote, to: to.remote }, 'embedded SFTP rename');
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );

  sftp.on('REALPATH', (reqid: number, clientPath: string) =>
    answer(reqid, 'REALPATH', async () => {
      const { remote } = resolve(clientPath);
      // REALPATH replies carry no attributes; ssh2 sends an empty attribute block for an empty object.
      sftp.name(reqid, [{ filename: remote, longname: remote, attrs: {} as Attributes }]);
    }),
  );

  // Descriptors of a session that ended without CLOSE (a dropped connection) must not leak.
  sftp.once('close', () => {
    for (const opened of handles.values()) {
      if (opened.kind === 'file') void opened.file.close().catch(() => undefined);
    }
    handles.clear();
  });

  // The client's EOF ends the session, as OpenSSH's sftp-server exits when its input ends. OpenSSH's
  // `sftp` sends EOF when its batch is done (after its last command, a refused one, or none at all) and
  // then waits for the server to close the channel; ssh2 leaves that close to us, and without it the
  // client hangs. ssh2-sftp-client never noticed: it drops the whole connection instead.
  sftp.once('end', () => sftp.end());
}

/**
 * SFTP v3 RENAME must fail when the target exists. As OpenSSH's sftp-server does, a file is renamed
 * with link() + unlink(): link() refuses an existing target atomically, where a check followed by
 * rename() could still replace a file created in between. Folders (and file systems without hard
 * links) fall back to that check followed by rename().
 */
async function renameWithoutReplacing(from: ResolvedPath, to: ResolvedPath): Promise<void> {
  const source = await lstat(from.local);
  if (source.isFile()) {
    try {
      await link(from.local, to.local);
      await unlink(from.local);
      return;
    } catch (error) {
      if (errnoOf(error) === 'EEXIST') throw new Refusal(STATUS_CODE.FAILURE, `${to.remote} already exists`);
      if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EMLINK'].includes(errnoOf(error) ?? '')) throw error;
    }
  }
  if (await lstat(to.local).then(() => true, () => false)) {
    throw new Refusal(STATUS_CODE.FAILURE, `${to.remote} already exists`);
  }
  await rename(from.local, to.local);
}

function fsFlagsOf(flags: number): number {
  const reads = (flags & OPEN_MODE.READ) !== 0;
  const writes = (flags & (OPEN_MODE.WRITE | OPEN_MODE.APPEND)) !== 0;
  let result = reads && writes ? fsConstants.O_RDWR : writes ? fsConstants.O_WRONLY : fsConstants.O_RDONLY;
  if (flags & OPEN_MODE.CREAT) result |= fsConstants.O_CREAT;
  if (flags & OPEN_MODE.TRUNC) result |= fsConstants.O_TRUNC;
  if (flags & OPEN_MODE.EXCL) result |= fsConstants.O_EXCL;
  if (flags & OPEN_MODE.APPEND) result |= fsConstants.O_APPEND;
  return result;
}

async function writeFully(file: FileHandle, data: Buffer, offset: number): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const { bytesWritten } = await file.write(data, written, data.length - written, offset + written);
    written += bytesWritten;
  }
}

function attributesOf(stats: Stats): Attributes {
  return {
    mode: stats.mode,
    uid: stats.uid,
    gid: stats.gid,
    size: stats.size,
    atime: Math.floor(stats.atimeMs / 1000),
    mtime: Math.floor(stats.mtimeMs / 1000),
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An `ls -l` line; clients (ssh2-sftp-client's list) read the type and permissions from it. */
function longnameOf(name: string, stats: Stats): string {
  const type = stats.isDirectory() ? 'd' : stats.isSymbolicLink() ? 'l' : '-';
  const permissions = [...'rwxrwxrwx'].map((letter, i) => (stats.mode & (1 << (8 - i)) ? letter : '-')).join('');
  const when = stats.mtime;
  const day = String(when.getDate()).padStart(2, ' ');
  const time = `${String(when.getHours()).padStart(2, '0')}:${String(when.getMinutes()).padStart(2, '0')}`;
  return `${type}${permissions} ${stats.nlink} ${stats.uid} ${stats.gid} ${stats.size} ${MONTHS[when.getMonth()]} ${day} ${time} ${name}`;
}

function errnoOf(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function statusOf(error: unknown): [number, string] {
  if (error instanceof Refusal) return [error.status, error.message];
  switch (errnoOf(error)) {
    case 'ENOENT':
    case 'ENOTDIR':
      return [STATUS_CODE.NO_SUCH_FILE, 'No such file'];
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return [STATUS_CODE.PERMISSION_DENIED, 'Permission denied'];
    case 'EEXIST':
      return [STATUS_CODE.FAILURE, 'Already exists'];
    case 'ENOTEMPTY':
      return [STATUS_CODE.FAILURE, 'Folder not empty'];
    default:
      // The local error message names local paths; the client gets a generic failure instead.
      return [STATUS_CODE.FAILURE, 'Failure'];
  }
}
