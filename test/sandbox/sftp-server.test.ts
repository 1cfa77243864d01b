import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import ssh2, { type ParsedKey, type PublicKeyAuthMethod } from 'ssh2';
import SftpClient from 'ssh2-sftp-client';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveClientPath } from '../../sandbox/sftp/sftp-paths.js';
import { generateKeyPair, parseSshKey } from '../../core/ssh-keys.js';
import { startSftpFixture, type SftpFixture } from '../support/sftp.js';

/**
 * The embedded server seen through ssh2-sftp-client directly, without the session's own checks, so
 * each refusal here is the server's.
 */
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function connected(options?: { readOnlyDirs?: string[] }): Promise<{ f: SftpFixture; client: SftpClient }> {
  const f = await startSftpFixture(options);
  cleanups.push(() => f.dispose());
  const client = new SftpClient('test', {});
  await client.connect({
    host: f.server.host,
    port: f.server.port,
    username: f.username,
    privateKey: f.clientKey.privateKey,
    hostVerifier: () => true,
  });
  cleanups.push(() => client.end());
  return { f, client };
}

async function failure(work: Promise<unknown>): Promise<Error & { code?: unknown }> {
  try {
    await work;
  } catch (error) {
    return error as Error & { code?: unknown };
  }
  throw new Error('expected the request to fail, and it succeeded');
}

const PERMISSION_DENIED = 3;
const FAILURE = 4;

describe('embedded SFTP server', () => {
  it('refuses RENAME onto an existing file (SFTP v3) and leaves both files as they were', async () => {
    const { f, client } = await connected();
    await writeFile(join(f.rootDir, 'a.csv'), 'a');
    await writeFile(join(f.rootDir, 'b.csv'), 'b');

    const error = await failure(client.rename('/a.csv', '/b.csv'));

    expect(error.code).toBe(FAILURE);
    expect(await readFile(join(f.rootDir, 'a.csv'), 'utf8')).toBe('a');
    expect(await readFile(join(f.rootDir, 'b.csv'), 'utf8')).toBe('b');
    await client.rename('/a.csv', '/c.csv');
    expect((await readdir(f.rootDir)).sort()).toEqual(['b.csv', 'c.csv']);
  });

  it('does not offer posix-rename, so nothing can replace a file by renaming', async () => {
    const { f, client } = await connected();
    await writeFile(join(f.rootDir, 'a.csv'), 'a');
    await writeFile(join(f.rootDir, 'b.csv'), 'b');

    await failure(client.posixRename('/a.csv', '/b.csv'));

    expect(await readFile(join(f.rootDir, 'b.csv'), 'utf8')).toBe('b');
  });

  it('refuses writes that climb out of the root', async () => {
    const { f, client } = await connected();

    const error = await failure(client.put(Buffer.from('escaped'), '/../escaped.txt'));

    expect(String(error.message)).toMatch(/outside the server root|denied/i);
    expect((await readdir(f.dir)).sort()).toEqual(['local', 'remote']);
    expect(await failure(client.mkdir('/../made'))).toMatchObject({ code: PERMISSION_DENIED });
    expect((await readdir(f.dir)).sort()).toEqual(['local', 'remote']);
  });

  it('keeps read-only folders readable and refuses every change inside them', async () => {
    const { f, client } = await connected({ readOnlyDirs: ['/sales_request'] });
    await writeFile(join(f.rootDir, 'sales_request/from-lead.csv'), 'lead\n');
    await writeFile(join(f.rootDir, 'mine.csv'), 'mine\n');

    expect((await client.list('/sales_request')).map((entry) => entry.name)).toEqual(['from-lead.csv']);
    expect(String(await client.get('/sales_request/from-lead.csv'))).toBe('lead\n');
    expect((await failure(client.put(Buffer.from('x'), '/sales_request/new.csv'))).message).toMatch(/read-only/);
    expect(await failure(client.delete('/sales_request/from-lead.csv'))).toMatchObject({ code: PERMISSION_DENIED });
    expect(await failure(client.rename('/sales_request/from-lead.csv', '/taken.csv'))).toMatchObject({ code: PERMISSION_DENIED });
    expect(await failure(client.rename('/mine.csv', '/sales_request/mine.csv'))).toMatchObject({ code: PERMISSION_DENIED });
    expect(await failure(client.rename('/sales_request', '/elsewhere'))).toMatchObject({ code: PERMISSION_DENIED });
    await failure(client.mkdir('/sales_request/sub'));
    await failure(client.rmdir('/sales_request'));

    expect(await readdir(join(f.rootDir, 'sales_request'))).toEqual(['from-lead.csv']);
    expect((await readdir(f.rootDir)).sort()).toEqual(['mine.csv', 'sales_request']);
  });

  it('lists folders larger than one READDIR batch completely, with types', async () => {
    const { f, client } = await connected();
    const names = Array.from({ length: 150 }, (_, i) => `file-${String(i).padStart(3, '0')}.csv`);
    await Promise.all(names.map((name) => writeFile(join(f.rootDir, name), name)));
    await mkdir(join(f.rootDir, 'sub'));

    const listing = await client.list('/');

    expect(listing.map((entry) => entry.name).sort()).toEqual([...names, 'sub'].sort());
    expect(listing.find((entry) => entry.name === 'sub')?.type).toBe('d');
    expect(listing.find((entry) => entry.name === 'file-007.csv')).toMatchObject({ type: '-', size: 12 });
  });

  it('resolves REALPATH of . to /', async () => {
    const { client } = await connected();

    expect(await client.cwd()).toBe('/');
    expect(await client.realPath('/a/./b/../c')).toBe('/a/c');
  });

  it('closes promptly with a client still connected', async () => {
    const { f, client } = await connected();
    const clientClosed = new Promise<void>((resolve) => client.on('close', () => resolve()));

    const started = performance.now();
    await f.server.close();

    expect(performance.now() - started).toBeLessThan(2_000);
    // The client hears the connection end (the test's time bound says how long it may take).
    await clientClosed;
  });
});

describe('embedded SFTP server authentication', () => {
  /** Resolves 'ready' or the level of the error ssh2 reports for the attempt. */
  function attempt(f: SftpFixture, key: ParsedKey): Promise<string> {
    return new Promise((resolve) => {
      const publicKeyAttempt: PublicKeyAuthMethod = { type: 'publickey', username: f.username, key };
      const client = new ssh2.Client();
      client.on('ready', () => {
        client.end();
        resolve('ready');
      });
      client.on('error', (error: Error & { level?: string }) => resolve(error.level ?? error.message));
      client.connect({
        host: f.server.host,
        port: f.server.port,
        username: f.username,
        // One public key attempt with exactly this key object, then give up.
        authHandler: [publicKeyAttempt],
        hostVerifier: () => true,
      });
    });
  }

  it('logs in a client holding the authorized key', async () => {
    const f = await startSftpFixture();
    cleanups.push(() => f.dispose());

    expect(await attempt(f, parseSshKey(f.clientKey.privateKey, 'client key'))).toBe('ready');
  });

  it('refuses a client that offers the authorized public key but cannot sign with it', async () => {
    const f = await startSftpFixture();
    cleanups.push(() => f.dispose());
    const authorizedBlob = parseSshKey(f.clientKey.publicKey, 'authorized key').getPublicSSH();
    // Signs with a key of its own while claiming the authorized public key: only the signature check
    // can tell.
    const impostor = Object.create(parseSshKey(generateKeyPair().privateKey, 'impostor key'), {
      getPublicSSH: { value: () => authorizedBlob },
    }) as ParsedKey;

    expect(await attempt(f, impostor)).toBe('client-authentication');
  });
});

describe('resolveClientPath', () => {
  const root = '/srv/sftp-root';

  it.each([
    ['/', '/', root],
    ['.', '/', root],
    ['', '/', root],
    ['a/b.csv', '/a/b.csv', `${root}/a/b.csv`],
    ['/a//./b/../c.csv', '/a/c.csv', `${root}/a/c.csv`],
    ['/..foo', '/..foo', `${root}/..foo`],
  ])('maps %j to %j', (clientPath, remote, local) => {
    expect(resolveClientPath(root, clientPath)).toEqual({ remote, local });
  });

  it.each(['..', '/..', '../x', '/a/../../x', 'a/../../../etc/passwd', '/a\0b'])('refuses %j', (clientPath) => {
    expect(resolveClientPath(root, clientPath)).toBeUndefined();
  });
});
