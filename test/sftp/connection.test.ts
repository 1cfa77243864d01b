import { readdir, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { isLeadEtlError, type LeadEtlError } from '../../core/errors.js';
import { silentLogger } from '../../core/log.js';
import { openSftpSession } from '../../load/sftp-session.js';
import { fingerprintOfOpenSshPublicKey, generateKeyPair } from '../../core/ssh-keys.js';
import {
  capturingLogger,
  startSftpFixture,
  startSilentServer,
  startStallingRelay,
  type SftpFixture,
} from '../support/sftp.js';

const cleanups: Array<() => Promise<void>> = [];

async function fixture(): Promise<SftpFixture> {
  const started = await startSftpFixture();
  cleanups.push(() => started.dispose());
  return started;
}

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function rejection(work: Promise<unknown>): Promise<LeadEtlError> {
  try {
    await work;
  } catch (error) {
    if (isLeadEtlError(error)) return error;
    throw new Error(`expected a LeadEtlError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected the operation to fail, and it succeeded');
}

describe('host key pinning', () => {
  it('refuses a server whose host key is not the pinned one, naming both fingerprints', async () => {
    const f = await fixture();
    const pinned = fingerprintOfOpenSshPublicKey(generateKeyPair().publicKey);

    const error = await rejection(f.open({ hostKeyFingerprint: pinned }));

    expect(error.code).toBe('SFTP_HOST_KEY_MISMATCH');
    expect(error.message).toContain(`${f.server.host}:${f.server.port}`);
    expect(error.message).toContain(pinned);
    expect(error.message).toContain(f.server.hostKeyFingerprint);
    expect(error.message).toMatch(/fingerprint Lead published/);
    expect(error.cause).toBeDefined();
    expect(await readdir(f.rootDir)).toEqual([]);
  });

  it('accepts the pinned key in the form Lead publishes it', async () => {
    const f = await fixture();
    const session = await f.open({ hostKeyFingerprint: `256 ${f.server.hostKeyFingerprint}` });

    expect(await session.list('/')).toEqual([]);
  });

  it('refuses a malformed pin before connecting', async () => {
    const f = await fixture();

    expect(await rejection(f.open({ hostKeyFingerprint: 'MD5:aa:bb' }))).toMatchObject({ code: 'CONFIG_INVALID' });
  });
});

describe('client authentication', () => {
  it('refuses a client key that is not authorized', async () => {
    const f = await fixture();
    const stranger = generateKeyPair();

    const error = await rejection(f.open({ privateKey: stranger.privateKey }));

    expect(error.code).toBe('SFTP_AUTH_REFUSED');
    expect(error.message).toMatch(/refused the key for user partner/);
  });

  it('refuses an authorized key presented for another user', async () => {
    const f = await fixture();

    expect(await rejection(f.open({ username: 'someone-else' }))).toMatchObject({ code: 'SFTP_AUTH_REFUSED' });
  });
});

describe('unreachable server', () => {
  it('reports a refused TCP connection as SFTP_CONNECT naming the endpoint', async () => {
    // A port that was free a moment ago: nothing listens there now.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const error = await rejection(
      openSftpSession(
        {
          host: '127.0.0.1',
          port,
          username: 'partner',
          privateKey: generateKeyPair().privateKey,
          hostKeyFingerprint: fingerprintOfOpenSshPublicKey(generateKeyPair().publicKey),
          connectTimeoutMs: 5_000,
          operationTimeoutMs: 5_000,
          closeTimeoutMs: 1_000,
        },
        silentLogger(),
      ),
    );

    expect(error.code).toBe('SFTP_CONNECT');
    expect(error.message).toContain(`127.0.0.1:${port}`);
  });
});

describe('path safety of the embedded server', () => {
  it('refuses paths that climb out of the root, and nothing outside it is read or written', async () => {
    const f = await fixture();
    // f.rootDir is <dir>/remote; this file sits beside it, one '..' away.
    await writeFile(join(f.dir, 'outside.txt'), 'secret\n');
    const upload = join(f.localDir, 'x.csv');
    await writeFile(upload, 'x\n');
    const session = await f.open();

    expect(await rejection(session.stat('/../outside.txt'))).toMatchObject({ code: 'SFTP_PERMISSION_DENIED' });
    expect(await rejection(session.stat('../outside.txt'))).toMatchObject({ code: 'SFTP_PERMISSION_DENIED' });
    expect(await rejection(session.list('/..'))).toMatchObject({ code: 'SFTP_PERMISSION_DENIED' });
    expect(await rejection(session.download('/a/../../outside.txt', join(f.localDir, 'stolen.txt')))).toMatchObject({
      code: 'SFTP_PERMISSION_DENIED',
    });
    expect(await rejection(session.remove('/../outside.txt'))).toMatchObject({ code: 'SFTP_PERMISSION_DENIED' });
    expect(await rejection(session.ensureDir('../escaped'))).toMatchObject({ code: 'SFTP_PERMISSION_DENIED' });

    expect((await readdir(f.dir)).sort()).toEqual(['local', 'outside.txt', 'remote']);
    expect(await readdir(f.localDir)).toEqual(['x.csv']);
  });
});

describe('timeouts', () => {
  it('gives up on a server that accepts TCP but never speaks SSH', async () => {
    const silent = await startSilentServer();
    cleanups.push(() => silent.close());
    const started = performance.now();

    const error = await rejection(
      openSftpSession(
        {
          host: '127.0.0.1',
          port: silent.port,
          username: 'partner',
          privateKey: generateKeyPair().privateKey,
          hostKeyFingerprint: fingerprintOfOpenSshPublicKey(generateKeyPair().publicKey),
          connectTimeoutMs: 500,
          operationTimeoutMs: 1_000,
          closeTimeoutMs: 1_000,
        },
        silentLogger(),
      ),
    );
    const elapsed = performance.now() - started;

    expect(error.code).toBe('SFTP_TIMEOUT');
    expect(error.message).toContain(`127.0.0.1:${silent.port}`);
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(3_000);
  });

  it('fails an operation the server never answers with SFTP_TIMEOUT, and drops the session', async () => {
    const f = await fixture();
    const relay = await startStallingRelay(f.server);
    cleanups.push(() => relay.close());
    const session = await f.open({ port: relay.port, operationTimeoutMs: 400 });
    expect(await session.list('/')).toEqual([]);

    relay.stall();
    const started = performance.now();
    const error = await rejection(session.stat('/anything.csv'));

    expect(error.code).toBe('SFTP_TIMEOUT');
    expect(error.message).toContain('stat of /anything.csv');
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(await rejection(session.list('/'))).toMatchObject({ code: 'SFTP_CONNECT' });
  });

  it('abandons a close the server never acknowledges, with a warning instead of an error', async () => {
    const f = await fixture();
    const relay = await startStallingRelay(f.server);
    cleanups.push(() => relay.close());
    const { logger, lines } = capturingLogger('debug');
    const session = await f.open({ port: relay.port, closeTimeoutMs: 300 }, logger);
    expect(await session.list('/')).toEqual([]);

    relay.stall();
    const started = performance.now();
    await session.close();
    const elapsed = performance.now() - started;

    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(3_000);
    const warnings = lines.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((entry) => entry.level === 40);
    expect(warnings.map((entry) => entry.msg)).toContain('SFTP connection did not close in time; dropped it');
  });
});
