import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import { openSftpSession } from '../../load/sftp-session.js';
import { silentLogger } from '../../core/log.js';
import { opensshUnavailable, startOpensshServer, type OpensshServer } from '../support/openssh-server.js';

const unavailable = opensshUnavailable();
if (unavailable) console.warn(`skipping the OpenSSH tier: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('a real OpenSSH sshd on loopback', () => {
  let server: OpensshServer;
  beforeAll(async () => {
    server = await startOpensshServer();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('serves OpenSSH sftp and lead-etl session alike, pinned to its host key', async () => {
    const local = join(server.dir, 'hello.txt');
    await writeFile(local, 'hello\n');
    const put = server.sftpBatch([`put ${local} ${join(server.rootDir, 'a.txt')}`]);
    expect(put.status, put.stderr).toBe(0);
    expect(await readFile(join(server.rootDir, 'a.txt'), 'utf8')).toBe('hello\n');

    const session = await openSftpSession({
      host: server.host, port: server.port, username: server.username, privateKey: server.clientPrivateKey,
      hostKeyFingerprint: server.hostKeyFingerprint, connectTimeoutMs: 10_000, operationTimeoutMs: 10_000, closeTimeoutMs: 2_000,
    }, silentLogger());
    try {
      expect((await session.stat(join(server.rootDir, 'a.txt')))?.size).toBe(6);
    } finally {
      await session.close();
    }
  });
});
