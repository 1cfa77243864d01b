import { timingSafeEqual } from 'node:crypto';
import { mkdir, realpath } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import ssh2 from 'ssh2';
import type { AuthContext, Connection, ParsedKey } from 'ssh2';
import { LeadEtlError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/log.js';
import { resolveClientPath } from './sftp-paths.js';
import { serveTree } from './sftp-filesystem.js';
import { fingerprintOfPublicKey, generateKeyPair, parseSshKey } from '../../core/ssh-keys.js';

/**
 * An SFTP server in this process, on loopback, serving a local folder. It stands in for Lead's server
 * in `lead-etl demo` and in the tests, so both speak real SSH (key exchange, host key, public key
 * authentication) to the same client code that talks to Lead.
 */
export interface EmbeddedSftpServer {
  host: string;
  port: number;
  /** 'SHA256:...' of the server's host key, for the client's pin. */
  hostKeyFingerprint: string;
  rootDir: string;
  close(): Promise<void>;
}

export interface EmbeddedSftpServerOptions {
  /** Local folder the client sees as `/`; it must exist. */
  rootDir: string;
  username: string;
  /** OpenSSH public key lines (`ssh-ed25519 AAAA... comment`). */
  authorizedPublicKeys: string[];
  /** Default: a fresh ed25519 key generated at start. */
  hostPrivateKey?: string;
  /** Default 0 (an ephemeral port); the server binds 127.0.0.1 only. */
  port?: number;
  /** Remote folders (e.g. '/sales_request') the client may read but not write, remove or rename into. */
  readOnlyDirs?: string[];
  logger?: Logger;
}

const LOOPBACK = '127.0.0.1';
// How long close() lets clients take the polite disconnect before their sockets are cut.
const DISCONNECT_GRACE_MS = 250;

export async function startEmbeddedSftpServer(options: EmbeddedSftpServerOptions): Promise<EmbeddedSftpServer> {
  const log = (options.logger ?? silentLogger()).child({ component: 'sandbox-sftp' });
  const rootDir = await realpath(options.rootDir).catch((error: unknown) => {
    throw new LeadEtlError('CONFIG_INVALID', `embedded SFTP root folder ${options.rootDir} cannot be used: ${String(error)}`, { cause: error });
  });
  const hostPrivateKey = options.hostPrivateKey ?? generateKeyPair().privateKey;
  const hostKeyFingerprint = fingerprintOfPublicKey(parseSshKey(hostPrivateKey, 'embedded SFTP host key').getPublicSSH());
  const authorizedKeys = options.authorizedPublicKeys.map((line, i) => parseSshKey(line, `authorized public key #${i + 1}`));

  const readOnlyDirs: string[] = [];
  for (const dir of options.readOnlyDirs ?? []) {
    const resolved = resolveClientPath(rootDir, dir);
    if (!resolved) throw new LeadEtlError('CONFIG_INVALID', `embedded SFTP read-only folder ${dir} is outside the root`);
    // They stand for Lead's own folders, which exist whether or not anything was ever put there.
    await mkdir(resolved.local, { recursive: true });
    readOnlyDirs.push(resolved.remote);
  }

  const connections = new Set<Connection>();
  const sockets = new Set<Socket>();

  const ssh = new ssh2.Server({ hostKeys: [hostPrivateKey] }, (client) => {
    connections.add(client);
    client.on('close', () => connections.delete(client));
    // A client that vanishes mid-session raises a socket error here; it concerns that client only.
    client.on('error', (error: Error) => log.debug({ error: error.message }, 'embedded SFTP client connection error'));
    client.on('authentication', (context) => authenticate(context, options.username, authorizedKeys, log));
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('sftp', (acceptSftp) => {
          serveTree(acceptSftp(), { rootDir, readOnlyDirs }, log);
        });
      });
    });
  });

  // The TCP side is ours, handed to ssh2 socket by socket, so close() can cut connections that linger.
  const listener = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    ssh.injectSocket(socket);
  });
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(options.port ?? 0, LOOPBACK, () => {
      listener.off('error', reject);
      resolve();
    });
  });
  const address = listener.address();
  if (address === null || typeof address === 'string') throw new LeadEtlError('INTERNAL', 'embedded SFTP server has no TCP address');
  const port = address.port;
  log.info({ host: LOOPBACK, port, hostKeyFingerprint }, 'embedded SFTP server listening');

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    const stopped = new Promise<void>((resolve) => listener.close(() => resolve()));
    for (const client of connections) {
      try {
        client.end();
      } catch {
        // Already gone.
      }
    }
    const allGone = Promise.all([...sockets].map((socket) => new Promise((resolve) => socket.once('close', resolve))));
    await Promise.race([allGone, new Promise((resolve) => setTimeout(resolve, DISCONNECT_GRACE_MS).unref())]);
    for (const socket of sockets) socket.destroy();
    await stopped;
    log.info({ port }, 'embedded SFTP server closed');
  }

  return {
    host: LOOPBACK,
    port,
    hostKeyFingerprint,
    rootDir,
    close: () => (closing ??= close()),
  };
}

/**
 * Public key authentication only, for the one configured user. A key query (no signature yet) is
 * answered yes for an authorized key, as the ssh2 server example does; the login itself needs a
 * signature that verifies against that key.
 */
function authenticate(context: AuthContext, username: string, authorizedKeys: ParsedKey[], log: Logger): void {
  if (context.method !== 'publickey' || !sameBytes(Buffer.from(context.username), Buffer.from(username))) {
    log.debug({ method: context.method }, 'embedded SFTP authentication refused');
    context.reject(['publickey']);
    return;
  }
  const offered = context.key.data;
  const key = authorizedKeys.find((candidate) => sameBytes(candidate.getPublicSSH(), offered));
  if (!key) {
    log.debug('embedded SFTP authentication refused: key not authorized');
    context.reject(['publickey']);
    return;
  }
  if (context.signature === undefined) {
    context.accept();
    return;
  }
  if (context.blob === undefined || key.verify(context.blob, context.signature, context.hashAlgo) !== true) {
    log.debug('embedded SFTP authentication refused: signature does not verify');
    context.reject(['publickey']);
    return;
  }
  context.accept();
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
