import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, Socket, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, silentLogger, type Logger } from '../../core/log.js';
import { startEmbeddedSftpServer, type EmbeddedSftpServer } from '../../sandbox/sftp/sftp-server.js';
import { openSftpSession, type SftpSession, type SftpSettings } from '../../load/sftp-session.js';
import { generateKeyPair } from '../../core/ssh-keys.js';

/**
 * SFTP tests speak real SSH over loopback: the embedded server on one side, the real client on the
 * other, each test in its own temp folder. Everything a fixture opens is closed by dispose().
 */
export interface SftpFixture {
  /** The test's own temp folder; the server root and a local folder live inside it. */
  readonly dir: string;
  /** The folder the server serves as `/`. */
  readonly rootDir: string;
  /** A local folder for files to upload and downloads. */
  readonly localDir: string;
  readonly server: EmbeddedSftpServer;
  readonly clientKey: { privateKey: string; publicKey: string };
  readonly username: string;
  settings(overrides?: Partial<SftpSettings>): SftpSettings;
  open(overrides?: Partial<SftpSettings>, logger?: Logger): Promise<SftpSession>;
  dispose(): Promise<void>;
}

export async function startSftpFixture(options: { readOnlyDirs?: string[]; logger?: Logger } = {}): Promise<SftpFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'lead-etl-sftp-'));
  const rootDir = join(dir, 'remote');
  const localDir = join(dir, 'local');
  await mkdir(rootDir);
  await mkdir(localDir);
  const clientKey = generateKeyPair();
  const username = 'partner';
  const server = await startEmbeddedSftpServer({
    rootDir,
    username,
    authorizedPublicKeys: [clientKey.publicKey],
    ...(options.readOnlyDirs ? { readOnlyDirs: options.readOnlyDirs } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const sessions: SftpSession[] = [];

  function settings(overrides: Partial<SftpSettings> = {}): SftpSettings {
    return {
      host: server.host,
      port: server.port,
      username,
      privateKey: clientKey.privateKey,
      hostKeyFingerprint: server.hostKeyFingerprint,
      connectTimeoutMs: 10_000,
      operationTimeoutMs: 10_000,
      closeTimeoutMs: 2_000,
      ...overrides,
    };
  }

  return {
    dir,
    rootDir: server.rootDir,
    localDir,
    server,
    clientKey,
    username,
    settings,
    async open(overrides, logger) {
      const session = await openSftpSession(settings(overrides), logger ?? silentLogger());
      sessions.push(session);
      return session;
    },
    async dispose() {
      await Promise.allSettled(sessions.map((session) => session.close()));
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A logger whose JSON lines are kept in memory, to assert on what was (and was not) logged. */
export function capturingLogger(level = 'debug'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines };
}

/**
 * A TCP relay in front of a server, for failures a healthy server never shows: `stall()` stops passing
 * anything on in either direction (a server that stopped answering), and the relay never passes on the
 * client's end of the connection (a server that never acknowledges a disconnect).
 */
export interface StallingRelay {
  readonly port: number;
  stall(): void;
  close(): Promise<void>;
}

export async function startStallingRelay(target: { host: string; port: number }): Promise<StallingRelay> {
  const sockets = new Set<Socket>();
  let stalled = false;
  const relay: Server = createServer({ allowHalfOpen: true }, (inbound) => {
    const outbound = new Socket({ allowHalfOpen: true });
    sockets.add(inbound);
    sockets.add(outbound);
    outbound.connect(target.port, target.host);
    inbound.on('data', (chunk) => {
      if (!stalled) outbound.write(chunk);
    });
    outbound.on('data', (chunk) => {
      if (!stalled) inbound.write(chunk);
    });
    for (const socket of [inbound, outbound]) {
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const address = relay.address();
  if (address === null || typeof address === 'string') throw new Error('relay has no port');
  return {
    port: address.port,
    stall() {
      stalled = true;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => relay.close(() => resolve()));
    },
  };
}

/** A TCP server that accepts connections and never says a word: no SSH banner, no key exchange. */
export async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('silent server has no port');
  return {
    port: address.port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
