import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isLeadEtlError, type LeadEtlError } from '../../core/errors.js';
import { capturingLogger, startSftpFixture, type SftpFixture } from '../support/sftp.js';

const fixtures: SftpFixture[] = [];

async function fixture(options?: Parameters<typeof startSftpFixture>[0]): Promise<SftpFixture> {
  const started = await startSftpFixture(options);
  fixtures.push(started);
  return started;
}

afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((started) => started.dispose()));
});

async function localFile(f: SftpFixture, name: string, content: string | Buffer): Promise<{ path: string; bytes: number }> {
  const path = join(f.localDir, name);
  await writeFile(path, content);
  return { path, bytes: (await stat(path)).size };
}

async function rejection(work: Promise<unknown>): Promise<LeadEtlError> {
  try {
    await work;
  } catch (error) {
    if (isLeadEtlError(error)) return error;
    throw new Error(`expected a LeadEtlError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected the operation to fail, and it succeeded');
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe('putAtomically', () => {
  it('uploads a file under its final name with the right bytes and leaves no temp file', async () => {
    const f = await fixture();
    const content = 'account_id,amount\n1001,25.00\n1002,13.50\n';
    const file = await localFile(f, 'ledger.csv', content);
    const session = await f.open();

    const result = await session.putAtomically({
      localPath: file.path,
      remoteDir: '/inbound/daily',
      remoteName: 'LEAD_ledger_20250101.csv',
      expectedBytes: file.bytes,
    });

    expect(result).toEqual({ remotePath: '/inbound/daily/LEAD_ledger_20250101.csv', bytes: file.bytes });
    expect(await session.list('/inbound/daily')).toEqual(['LEAD_ledger_20250101.csv']);
    expect(await session.stat('/inbound/daily/LEAD_ledger_20250101.csv')).toEqual({ size: file.bytes });
    // What the server wrote to disk, read without going through SFTP.
    expect(await readFile(join(f.rootDir, 'inbound/daily/LEAD_ledger_20250101.csv'), 'utf8')).toBe(content);
    expect(await readdir(join(f.rootDir, 'inbound/daily'))).toEqual(['LEAD_ledger_20250101.csv']);
  });

  it('refuses to overwrite an existing final name and leaves that file intact', async () => {
    const f = await fixture();
    await mkdir(join(f.rootDir, 'inbound'));
    await writeFile(join(f.rootDir, 'inbound/report.csv'), 'original\n');
    const file = await localFile(f, 'report.csv', 'replacement content\n');
    const session = await f.open();

    const error = await rejection(
      session.putAtomically({ localPath: file.path, remoteDir: '/inbound', remoteName: 'report.csv', expectedBytes: file.bytes }),
    );

    expect(error.code).toBe('SFTP_REMOTE_EXISTS');
    expect(error.message).toContain('/inbound/report.csv');
    expect(await readFile(join(f.rootDir, 'inbound/report.csv'), 'utf8')).toBe('original\n');
    expect(await readdir(join(f.rootDir, 'inbound'))).toEqual(['report.csv']);
  });

  it('removes temp files a crashed earlier attempt left for the same name, and only those', async () => {
    const f = await fixture();
    await mkdir(join(f.rootDir, 'inbound'));
    await writeFile(join(f.rootDir, 'inbound/.report.csv.0badc0ffee.part'), 'half a fi');
    await writeFile(join(f.rootDir, 'inbound/.report.csv.deadbeef12345678.part'), 'another half');
    await writeFile(join(f.rootDir, 'inbound/.other.csv.0badc0ffee.part'), 'someone else');
    await writeFile(join(f.rootDir, 'inbound/unrelated.csv'), 'keep me');
    const file = await localFile(f, 'report.csv', 'the whole file\n');
    const session = await f.open();

    await session.putAtomically({ localPath: file.path, remoteDir: '/inbound', remoteName: 'report.csv', expectedBytes: file.bytes });

    expect((await readdir(join(f.rootDir, 'inbound'))).sort()).toEqual(['.other.csv.0badc0ffee.part', 'report.csv', 'unrelated.csv']);
    expect(await readFile(join(f.rootDir, 'inbound/report.csv'), 'utf8')).toBe('the whole file\n');
  });

  it('round-trips a 5 MB file intact', async () => {
    const f = await fixture();
    const content = randomBytes(5 * 1024 * 1024 + 123);
    const file = await localFile(f, 'big.bin', content);
    const session = await f.open();

    await session.putAtomically({ localPath: file.path, remoteDir: '/inbound', remoteName: 'big.bin', expectedBytes: file.bytes });
    const back = join(f.localDir, 'big.back');
    await session.download('/inbound/big.bin', back);

    expect(sha256(await readFile(join(f.rootDir, 'inbound/big.bin')))).toBe(sha256(content));
    expect(sha256(await readFile(back))).toBe(sha256(content));
    expect(await readdir(f.localDir)).toEqual(['big.back', 'big.bin']);
  });

  it('uploads an empty file', async () => {
    const f = await fixture();
    const file = await localFile(f, 'empty.csv', '');
    const session = await f.open();

    await session.putAtomically({ localPath: file.path, remoteDir: '/', remoteName: 'empty.csv', expectedBytes: 0 });

    expect(await session.stat('/empty.csv')).toEqual({ size: 0 });
  });

  it('fails, and leaves nothing behind, when the upload goes into a read-only folder', async () => {
    const f = await fixture({ readOnlyDirs: ['/sales_request'] });
    const file = await localFile(f, 'request.csv', 'a,b\n1,2\n');
    const session = await f.open();

    const error = await rejection(
      session.putAtomically({ localPath: file.path, remoteDir: '/sales_request', remoteName: 'request.csv', expectedBytes: file.bytes }),
    );

    expect(error.code).toBe('SFTP_PERMISSION_DENIED');
    expect(error.message).toContain('/sales_request/');
    expect(await readdir(join(f.rootDir, 'sales_request'))).toEqual([]);
    // The folder stays readable: Lead's files there are for the partner to fetch.
    await writeFile(join(f.rootDir, 'sales_request/from-lead.csv'), 'x\n');
    expect(await session.list('/sales_request')).toEqual(['from-lead.csv']);
    expect(await rejection(session.remove('/sales_request/from-lead.csv'))).toMatchObject({ code: 'SFTP_PERMISSION_DENIED' });
    expect(await readdir(join(f.rootDir, 'sales_request'))).toEqual(['from-lead.csv']);
  });

  it.each(['../escape.csv', 'sub/file.csv', '..', '.', '', 'a\\b.csv'])('refuses the remote name %j before touching the server', async (remoteName) => {
    const f = await fixture();
    const file = await localFile(f, 'x.csv', 'x\n');
    const session = await f.open();

    const error = await rejection(
      session.putAtomically({ localPath: file.path, remoteDir: '/inbound', remoteName, expectedBytes: file.bytes }),
    );

    expect(error.code).toBe('SFTP_OPERATION');
    expect(error.message).toMatch(/refusing remote file name/);
    expect(await readdir(f.rootDir)).toEqual([]);
  });

  it('refuses to send a local file whose size is not the expected one', async () => {
    const f = await fixture();
    const file = await localFile(f, 'x.csv', 'four');
    const session = await f.open();

    const error = await rejection(
      session.putAtomically({ localPath: file.path, remoteDir: '/inbound', remoteName: 'x.csv', expectedBytes: 5 }),
    );

    expect(error.code).toBe('SFTP_VERIFY_FAILED');
    expect(await readdir(f.rootDir)).toEqual([]);
  });

  it('logs where and how much, never the key or the file content', async () => {
    const f = await fixture();
    const secretContent = 'SSN,999-12-3456\n';
    const file = await localFile(f, 'x.csv', secretContent);
    const { logger, lines } = capturingLogger('debug');
    const session = await f.open({}, logger);

    await session.putAtomically({ localPath: file.path, remoteDir: '/inbound', remoteName: 'x.csv', expectedBytes: file.bytes });
    await session.close();

    const log = lines.join('');
    const uploaded = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry.msg === 'SFTP file uploaded');
    expect(uploaded).toMatchObject({ host: f.server.host, port: f.server.port, remotePath: '/inbound/x.csv', bytes: file.bytes });
    expect(typeof uploaded?.durationMs).toBe('number');
    expect(log).not.toContain('999-12-3456');
    const keyLines = f.clientKey.privateKey.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));
    expect(keyLines.length).toBeGreaterThan(0);
    for (const line of keyLines) expect(log).not.toContain(line);
  });
});

describe('session operations', () => {
  it('stat and list report absence as undefined and []', async () => {
    const f = await fixture();
    const session = await f.open();

    expect(await session.stat('/nothing-here.csv')).toBeUndefined();
    expect(await session.list('/no-such-folder')).toEqual([]);
  });

  it('ensureDir creates nested folders and accepts existing ones', async () => {
    const f = await fixture();
    const session = await f.open();

    await session.ensureDir('/a/b/c');
    await session.ensureDir('/a/b/c');
    await session.ensureDir('/a');

    expect((await stat(join(f.rootDir, 'a/b/c'))).isDirectory()).toBe(true);
  });

  it('ensureDir fails when a file is in the way', async () => {
    const f = await fixture();
    await writeFile(join(f.rootDir, 'a'), 'file');
    const session = await f.open();

    expect(await rejection(session.ensureDir('/a/b'))).toMatchObject({ code: 'SFTP_OPERATION' });
  });

  it('remove deletes a file and reports a missing one as an error', async () => {
    const f = await fixture();
    await writeFile(join(f.rootDir, 'gone.csv'), 'x');
    const session = await f.open();

    await session.remove('/gone.csv');

    expect(await readdir(f.rootDir)).toEqual([]);
    expect(await rejection(session.remove('/gone.csv'))).toMatchObject({ code: 'SFTP_OPERATION' });
  });

  it('download of a missing file fails and leaves no local file', async () => {
    const f = await fixture();
    const session = await f.open();

    const error = await rejection(session.download('/missing.csv', join(f.localDir, 'missing.csv')));

    expect(error.code).toBe('SFTP_OPERATION');
    expect(await readdir(f.localDir)).toEqual([]);
  });

  it('refuses work after close', async () => {
    const f = await fixture();
    const session = await f.open();
    await session.close();
    await session.close();

    expect(await rejection(session.stat('/x'))).toMatchObject({ code: 'SFTP_CONNECT' });
  });
});
