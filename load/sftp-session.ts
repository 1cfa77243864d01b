import { createHash, randomBytes } from 'node:crypto';
import { rename as renameLocal, rm, stat as statLocal } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ssh2 from 'ssh2';
import SftpClient from 'ssh2-sftp-client';
import { LeadEtlError } from '../core/errors.js';
import { youngCollectorEvery } from '../core/heap.js';
import type { Logger } from '../core/log.js';
import { settlesWithin, withDeadline, withIdleDeadline } from './deadlines.js';
import { isRemoteAbsent, libraryErrorCode, sftpOperationError } from './sftp-errors.js';
import { fingerprintOfPublicKey, normalizeFingerprint } from '../core/ssh-keys.js';
import type { PutArgs, RemoteStat } from './remote-store.js';

export interface SftpSettings {
  host: string;
  port: number;
  username: string;
  privateKey: string | Buffer;
  passphrase?: string;
  /** 'SHA256:...' pinned; the connection is refused when the server presents any other host key. */
  hostKeyFingerprint: string;
  connectTimeoutMs: number;
  operationTimeoutMs: number;
  closeTimeoutMs: number;
}

export interface SftpSession {
  /** mkdir -p */
  ensureDir(remoteDir: string): Promise<void>;
  /** undefined when the path does not exist */
  stat(remotePath: string): Promise<RemoteStat | undefined>;
  /** Names only; [] when the folder does not exist. */
  list(remoteDir: string): Promise<string[]>;
  remove(remotePath: string): Promise<void>;
  /**
   * Whether a folder exists and can be listed, and with `write`, written: a small file is put under a
   * temporary name (`.lead-etl-doctor.<random>.part`, which Lead's pickup ignores as an upload in
   * progress) and removed. A refusal reaches the caller as SFTP_PERMISSION_DENIED. For `lead-etl doctor`.
   */
  probeFolder(remoteDir: string, options: { write: boolean }): Promise<'absent' | 'not-a-folder' | 'ok'>;
  download(remotePath: string, localPath: string): Promise<void>;
  /** The sha256 (hex) of a remote file's content, read back over this session. */
  sha256(remotePath: string): Promise<string>;
  /** Renames a complete temporary file into place (refusing an existing target) and checks its size. */
  renameInto(fromPath: string, toPath: string, expectedBytes: number): Promise<void>;
  /** Upload a local file so nothing partial is ever visible under the final name. */
  putAtomically(args: PutArgs): Promise<{ remotePath: string; bytes: number }>;
  close(): Promise<void>;
}

/**
 * The private key is parsed here, before any network: a key that cannot be read is a local problem,
 * and the message says so instead of pointing at the host or the port.
 */
function assertUsableKey(privateKey: string | Buffer, passphrase: string | undefined): void {
  const parsed = ssh2.utils.parseKey(privateKey, passphrase);
  const error = parsed instanceof Error ? parsed : Array.isArray(parsed) && parsed.length === 0 ? new Error('no key found') : undefined;
  if (!error) return;
  const encrypted = /encrypted|passphrase|bad decrypt/i.test(error.message);
  throw new LeadEtlError(
    'SSH_KEY_INVALID',
    `the SFTP private key (sftp.privateKeyFile or LEAD_ETL_SFTP_PRIVATE_KEY) cannot be used: ${error.message}. ` +
      (encrypted
        ? 'It is encrypted: put its passphrase in the file named by sftp.passphraseFile.'
        : 'It must be an OpenSSH or PEM private key (the file ssh-keygen writes without .pub), whole and unchanged.'),
  );
}

// The underlying ssh2 Client that ssh2-sftp-client keeps on `.client` (absent from its typings), and the
// socket that Client keeps on `._sock`. A connection that will not close politely has to be cut at the
// socket: ssh2's own destroy() does nothing once end() has half-closed it.
interface Underlying {
  client?: { destroy?: () => void; _sock?: { destroy?: () => void } };
}

function dropConnection(library: SftpClient): void {
  const client = (library as unknown as Underlying).client;
  client?._sock?.destroy?.();
  client?.destroy?.();
}

/**
 * Opens an SFTP session with key authentication only and the server's host key pinned to
 * `settings.hostKeyFingerprint`. Every failure reaches the caller as a LeadEtlError.
 */
export async function openSftpSession(settings: SftpSettings, logger: Logger): Promise<SftpSession> {
  const expectedFingerprint = normalizeFingerprint(settings.hostKeyFingerprint);
  const endpoint = `${settings.host}:${settings.port}`;
  const log = logger.child({ component: 'sftp', host: settings.host, port: settings.port });
  assertUsableKey(settings.privateKey, settings.passphrase);

  // The library's default event callbacks print to the console; route them to the log instead. They
  // fire for events outside any operation (e.g. the server dropping an idle session).
  const library = new SftpClient('lead-etl', {
    error: (error) => log.warn({ error: describe(error) }, 'SFTP connection error outside an operation'),
    end: () => log.debug('SFTP connection ended by the server'),
    close: () => log.debug('SFTP connection closed'),
  });

  let presentedFingerprint: string | undefined;
  let firstTransportError: (Error & { level?: string }) | undefined;
  // The library re-wraps connection errors and drops ssh2's `level` (which tells a timeout from an
  // authentication failure); keep the original for mapping.
  const captureTransportError = (error: Error & { level?: string }): void => {
    firstTransportError ??= error;
  };
  library.on('error', captureTransportError);

  const started = performance.now();
  log.debug({ username: settings.username }, 'SFTP connecting');
  try {
    await withDeadline(
      library.connect({
        host: settings.host,
        port: settings.port,
        username: settings.username,
        privateKey: settings.privateKey,
        ...(settings.passphrase === undefined ? {} : { passphrase: settings.passphrase }),
        // Key authentication only: never fall back to a password, an agent or keyboard-interactive.
        authHandler: ['publickey'],
        readyTimeout: settings.connectTimeoutMs,
        hostVerifier: (hostKey: Buffer): boolean => {
          presentedFingerprint = fingerprintOfPublicKey(hostKey);
          return presentedFingerprint === expectedFingerprint;
        },
      }),
      settings.connectTimeoutMs,
      () => connectTimedOut(endpoint, settings.connectTimeoutMs),
    );
  } catch (error) {
    dropConnection(library);
    throw connectError(error, {
      endpoint,
      expectedFingerprint,
      presentedFingerprint,
      transportError: firstTransportError,
      timeoutMs: settings.connectTimeoutMs,
      username: settings.username,
    });
  } finally {
    library.removeListener('error', captureTransportError);
  }
  log.info({ durationMs: elapsed(started), hostKeyFingerprint: expectedFingerprint }, 'SFTP connected');

  let closed = false;

  /** One remote call under the operation deadline, with library errors mapped. */
  async function remote<T>(operation: string, remotePath: string, work: () => Promise<T>): Promise<T> {
    if (closed) {
      throw new LeadEtlError('SFTP_CONNECT', `SFTP ${operation} of ${remotePath} on ${endpoint}: the session is already closed`);
    }
    try {
      return await withDeadline(work(), settings.operationTimeoutMs, () =>
        operationTimedOut(operation, remotePath, endpoint, settings.operationTimeoutMs),
      );
    } catch (error) {
      if (error instanceof LeadEtlError && error.code === 'SFTP_TIMEOUT') abandon();
      throw sftpOperationError(error, operation, remotePath, endpoint);
    }
  }

  /** A transfer: the deadline restarts on every chunk, so only a stalled transfer times out. */
  async function transfer(operation: string, remotePath: string, work: (progressed: () => void) => Promise<unknown>): Promise<void> {
    if (closed) {
      throw new LeadEtlError('SFTP_CONNECT', `SFTP ${operation} of ${remotePath} on ${endpoint}: the session is already closed`);
    }
    try {
      await withIdleDeadline(work, settings.operationTimeoutMs, () =>
        new LeadEtlError(
          'SFTP_TIMEOUT',
          `SFTP ${operation} of ${remotePath} on ${endpoint} made no progress for ${settings.operationTimeoutMs} ms; ` +
            'the connection was dropped. Check the network path to Lead, then retry.',
        ),
      );
    } catch (error) {
      if (error instanceof LeadEtlError && error.code === 'SFTP_TIMEOUT') abandon();
      throw sftpOperationError(error, operation, remotePath, endpoint);
    }
  }

  // After a timeout the state of the connection is unknown (the request may still complete later), so
  // it is not reused: it is cut, and the caller opens a new session.
  function abandon(): void {
    if (closed) return;
    closed = true;
    dropConnection(library);
    log.warn('SFTP connection dropped after a timeout');
  }

  async function statOrAbsent(remotePath: string): Promise<SftpClient.FileStats | undefined> {
    return remote('stat', remotePath, async () => {
      try {
        return await library.stat(remotePath);
      } catch (error) {
        if (isRemoteAbsent(error)) return undefined;
        throw error;
      }
    });
  }

  async function ensureDir(remoteDir: string): Promise<void> {
    const target = path.posix.normalize(remoteDir);
    const absolute = target.startsWith('/');
    const parts = target.split('/').filter((part) => part !== '' && part !== '.');
    let current = absolute ? '/' : '';
    for (const part of parts) {
      current = current === '' ? part : path.posix.join(current, part);
      const existing = await statOrAbsent(current);
      if (existing?.isDirectory) continue;
      if (existing) {
        throw new LeadEtlError('SFTP_OPERATION', `SFTP ${current} on ${endpoint} exists but is not a folder; cannot create ${target} under it`);
      }
      const dir = current;
      await remote('mkdir', dir, async () => {
        try {
          await library.mkdir(dir, false);
        } catch (error) {
          // Someone else may have created it between our stat and mkdir; that is what we wanted.
          const again = await library.stat(dir).catch(() => undefined);
          if (again?.isDirectory) return;
          throw error;
        }
      });
      log.debug({ remotePath: dir }, 'SFTP folder created');
    }
  }

  async function stat(remotePath: string): Promise<RemoteStat | undefined> {
    const found = await statOrAbsent(remotePath);
    return found ? { size: found.size } : undefined;
  }

  async function list(remoteDir: string): Promise<string[]> {
    const entries = await remote('list', remoteDir, async () => {
      try {
        return await library.list(remoteDir);
      } catch (error) {
        if (isRemoteAbsent(error)) return [];
        throw error;
      }
    });
    return entries.map((entry) => entry.name).filter((name) => name !== '.' && name !== '..');
  }

  async function remove(remotePath: string): Promise<void> {
    await remote('remove', remotePath, () => library.delete(remotePath));
    log.debug({ remotePath }, 'SFTP file removed');
  }

  async function probeFolder(remoteDir: string, options: { write: boolean }): Promise<'absent' | 'not-a-folder' | 'ok'> {
    const found = await statOrAbsent(remoteDir);
    if (!found) return 'absent';
    if (!found.isDirectory) return 'not-a-folder';
    await remote('list', remoteDir, () => library.list(remoteDir));
    if (options.write) {
      const probe = path.posix.join(remoteDir, `.lead-etl-doctor.${randomBytes(6).toString('hex')}.part`);
      await remote('upload', probe, () => library.put(Buffer.from('lead-etl doctor: a write check, removed at once\n'), probe));
      await remote('remove', probe, () => library.delete(probe));
    }
    return 'ok';
  }

  async function download(remotePath: string, localPath: string): Promise<void> {
    const begun = performance.now();
    // Download beside the destination and rename, so a failed download never leaves a partial file
    // under the name a later step would trust.
    const partial = `${localPath}.${randomBytes(6).toString('hex')}.part`;
    try {
      await transfer('download', remotePath, (progressed) =>
        library.fastGet(remotePath, partial, { step: () => progressed() }),
      );
      await renameLocal(partial, localPath);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    const bytes = (await statLocal(localPath)).size;
    log.info({ remotePath, bytes, durationMs: elapsed(begun) }, 'SFTP file downloaded');
  }

  async function sha256(remotePath: string): Promise<string> {
    const hash = createHash('sha256');
    const collected = youngCollectorEvery();
    let read = 0;
    await transfer('read back', remotePath, (progressed) =>
      pipeline(library.createReadStream(remotePath), new Writable({
        write(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          progressed();
          collected((read += chunk.length));
          done();
        },
      })),
    );
    return hash.digest('hex');
  }

  async function renameInto(fromPath: string, toPath: string, expectedBytes: number): Promise<void> {
    try {
      await remote('rename', `${fromPath} -> ${toPath}`, () => library.rename(fromPath, toPath));
    } catch (error) {
      if (isLeadTimeout(error)) throw error;
      if (await statOrAbsent(toPath).catch(() => undefined)) throw remoteExists(toPath, endpoint, { cause: error });
      throw error;
    }
    const placed = await statOrAbsent(toPath);
    if (placed === undefined) {
      log.warn({ remotePath: toPath, bytes: expectedBytes }, 'SFTP file was gone right after its rename (picked up already?)');
    } else if (placed.size !== expectedBytes) {
      throw new LeadEtlError(
        'SFTP_VERIFY_FAILED',
        `SFTP upload to ${endpoint}: ${toPath} is ${placed.size} bytes after the rename but ${expectedBytes} were sent. ` +
          'Do not retry blindly: ask Lead to check or remove that file first.',
      );
    }
  }

  async function putAtomically(args: PutArgs): Promise<{ remotePath: string; bytes: number }> {
    const { localPath, remoteDir, remoteName, expectedBytes } = args;
    assertPlainName(remoteName);
    if (!Number.isSafeInteger(expectedBytes) || expectedBytes < 0) {
      throw new LeadEtlError('INTERNAL', `putAtomically of ${remoteName}: expectedBytes must be a whole number of bytes, got ${expectedBytes}`);
    }
    const begun = performance.now();
    const remotePath = path.posix.join(remoteDir, remoteName);

    // A file that changed after it was written would fail the remote size check anyway; catching it here
    // avoids sending a wrong file at all.
    const localBytes = (await statLocal(localPath)).size;
    if (localBytes !== expectedBytes) {
      throw new LeadEtlError(
        'SFTP_VERIFY_FAILED',
        `local file ${localPath} is ${localBytes} bytes but ${expectedBytes} were expected; it changed after it was written. ` +
          'Nothing was uploaded; regenerate the file.',
      );
    }

    await ensureDir(remoteDir);
    if (await statOrAbsent(remotePath)) throw remoteExists(remotePath, endpoint);

    await removeStaleTemps(remoteDir, remoteName);

    const tempName = args.tempName ?? temporaryName(remoteName);
    assertPlainName(tempName);
    const tempPath = path.posix.join(remoteDir, tempName);
    try {
      let told = false;
      const collected = youngCollectorEvery();
      await transfer('upload', tempPath, (progressed) =>
        library.fastPut(localPath, tempPath, {
          step: (sent: number) => {
            progressed();
            collected(sent);
            if (!told && args.onTransfer) {
              told = true;
              void args.onTransfer();
            }
          },
        }),
      );
      const uploaded = await statOrAbsent(tempPath);
      if (uploaded?.size !== expectedBytes) {
        throw new LeadEtlError(
          'SFTP_VERIFY_FAILED',
          `SFTP upload of ${remoteName} to ${endpoint}: the temporary file ${tempPath} holds ` +
            `${uploaded === undefined ? 'nothing (it vanished)' : `${uploaded.size} bytes`} but ${expectedBytes} were sent; ` +
            'it was not renamed into place. Retry the upload.',
        );
      }
    } catch (error) {
      await discardTemp(tempPath);
      throw error;
    }

    // The caller records that the rename is about to happen, so a crash from here on is known to be
    // after the temporary file was complete.
    await args.beforeRename?.();

    // The standard SFTP rename refuses an existing target; posix-rename@openssh.com would silently
    // replace a file Lead may already have picked up. A file gone right after its rename was in place:
    // Lead's pickup may move files as soon as they appear, and failing then would invite a second upload.
    try {
      await renameInto(tempPath, remotePath, expectedBytes);
    } catch (error) {
      // After a timeout the session is gone; the next attempt's checks sort it out. Once the caller has
      // recorded the rename, the temporary file stays: it is the evidence that the rename did not happen.
      if (!args.beforeRename && !isLeadTimeout(error) && !(error instanceof LeadEtlError && error.code === 'SFTP_VERIFY_FAILED')) await discardTemp(tempPath);
      throw error;
    }
    log.info({ remotePath, bytes: expectedBytes, durationMs: elapsed(begun) }, 'SFTP file uploaded');
    return { remotePath, bytes: expectedBytes };
  }

  // Temp files left by a crashed earlier attempt for this same name. The pipeline is the only writer of
  // its file names, so a temp of this name is never another live upload.
  async function removeStaleTemps(remoteDir: string, remoteName: string): Promise<void> {
    const stale = new RegExp(`^\\.${escapeRegExp(remoteName)}\\.[0-9a-f]+\\.part$`);
    for (const name of await list(remoteDir)) {
      if (!stale.test(name)) continue;
      const stalePath = path.posix.join(remoteDir, name);
      await remove(stalePath);
      log.info({ remotePath: stalePath }, 'SFTP removed a temporary file left by an earlier attempt');
    }
  }

  async function discardTemp(tempPath: string): Promise<void> {
    if (closed) return;
    try {
      await library.delete(tempPath, true);
    } catch (error) {
      // The original failure matters more; a leftover temp is removed by the next attempt anyway.
      log.warn({ remotePath: tempPath, error: describe(error) }, 'SFTP could not remove a temporary file');
    }
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    const ending = library.end().catch((error: unknown) => {
      log.debug({ error: describe(error) }, 'SFTP error while closing');
    });
    if (!(await settlesWithin(ending, settings.closeTimeoutMs))) {
      dropConnection(library);
      log.warn({ closeTimeoutMs: settings.closeTimeoutMs }, 'SFTP connection did not close in time; dropped it');
      return;
    }
    log.debug('SFTP session closed');
  }

  return { ensureDir, stat, list, remove, probeFolder, download, sha256, renameInto, putAtomically, close };
}

/** A fresh temporary name beside `remoteName`: hidden, and never one Lead picks up. */
export function temporaryName(remoteName: string): string {
  return `.${remoteName}.${randomBytes(8).toString('hex')}.part`;
}

// A name taken from data must never escape its folder: '/' would reach another folder and '..' a
// parent; '\' is a separator on Windows-hosted SFTP servers.
function assertPlainName(remoteName: string): void {
  if (remoteName === '' || remoteName === '.' || remoteName.includes('/') || remoteName.includes('\\') || remoteName.includes('..') || remoteName.includes('\0')) {
    throw new LeadEtlError(
      'SFTP_OPERATION',
      `refusing remote file name ${JSON.stringify(remoteName)}: it must be a plain file name without '/', '\\' or '..'`,
    );
  }
}

function remoteExists(remotePath: string, endpoint: string, options?: { cause?: unknown }): LeadEtlError {
  return new LeadEtlError(
    'SFTP_REMOTE_EXISTS',
    `SFTP ${remotePath} already exists on ${endpoint}; it was not overwritten. ` +
      'If that file was sent by an earlier run, record it as delivered; otherwise ask Lead before removing it.',
    options,
  );
}

function connectTimedOut(endpoint: string, timeoutMs: number): LeadEtlError {
  return new LeadEtlError(
    'SFTP_TIMEOUT',
    `SFTP connection to ${endpoint} did not complete within ${timeoutMs} ms. ` +
      'Check the host, the port and that this machine can reach Lead (firewall, IP allow-list).',
  );
}

function operationTimedOut(operation: string, remotePath: string, endpoint: string, timeoutMs: number): LeadEtlError {
  return new LeadEtlError(
    'SFTP_TIMEOUT',
    `SFTP ${operation} of ${remotePath} on ${endpoint} did not finish within ${timeoutMs} ms; the connection was dropped. ` +
      'Retry; if it keeps happening, check the network path to Lead.',
  );
}

function connectError(
  error: unknown,
  context: {
    endpoint: string;
    expectedFingerprint: string;
    presentedFingerprint: string | undefined;
    transportError: (Error & { level?: string }) | undefined;
    timeoutMs: number;
    username: string;
  },
): LeadEtlError {
  const { endpoint, expectedFingerprint, presentedFingerprint, transportError } = context;
  const cause = transportError ?? error;
  if (presentedFingerprint !== undefined && presentedFingerprint !== expectedFingerprint) {
    return new LeadEtlError(
      'SFTP_HOST_KEY_MISMATCH',
      `SFTP host ${endpoint} presented host key ${presentedFingerprint}, but ${expectedFingerprint} is configured; ` +
        'the connection was refused. Check the fingerprint Lead published (through a channel other than this ' +
        'connection) before changing the configuration: a changed key can mean someone is intercepting the connection.',
      { cause },
    );
  }
  if (error instanceof LeadEtlError) return error;
  if (transportError?.level === 'client-timeout') return connectTimedOut(endpoint, context.timeoutMs);
  if (transportError?.level === 'client-authentication') {
    return new LeadEtlError(
      'SFTP_AUTH_REFUSED',
      `SFTP host ${endpoint} refused the key for user ${context.username}. ` +
        'Check the username and that Lead has installed the public key matching the configured private key.',
      { cause },
    );
  }
  const detail = describe(transportError ?? error);
  const code = libraryErrorCode(error);
  return new LeadEtlError(
    'SFTP_CONNECT',
    `SFTP connection to ${endpoint} failed: ${detail}${typeof code === 'string' ? ` (${code})` : ''}. ` +
      'Check the host and port, and that this machine can reach Lead.',
    { cause },
  );
}

function isLeadTimeout(error: unknown): boolean {
  return error instanceof LeadEtlError && error.code === 'SFTP_TIMEOUT';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
