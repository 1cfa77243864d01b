import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../core/ssh-keys.js';
import { startEmbeddedSftpServer, type EmbeddedSftpServer } from '../../sandbox/sftp/sftp-server.js';

/**
 * The sandbox's SFTP server as OpenSSH's own `sftp` client sees it (issue 11): a partner's operator
 * rehearsing by hand uses that client, and every session must end promptly, whether it lists, puts,
 * is refused a put, or does nothing at all. The client runs as a child process with a deadline, so a
 * hang fails the test instead of stalling the suite; it must be asynchronous, since the server under
 * test runs in this very process.
 */
const SFTP = '/usr/bin/sftp';
const DEADLINE_MS = 10_000;

interface BatchResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the deadline ran out and the client was killed. */
  readonly hung: boolean;
}

describe.skipIf(!existsSync(SFTP))("the sandbox's SFTP server with OpenSSH's sftp client", () => {
  let dir: string;
  let server: EmbeddedSftpServer;
  let keyFile: string;
  let knownHosts: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lead-etl-openssh-client-'));
    await mkdir(join(dir, 'remote'));
    const client = generateKeyPair();
    const host = generateKeyPair();
    keyFile = join(dir, 'client_key');
    await writeFile(keyFile, client.privateKey);
    await chmod(keyFile, 0o600);
    await writeFile(join(dir, 'upload.csv'), 'a|b\n1|2\n');
    server = await startEmbeddedSftpServer({
      rootDir: join(dir, 'remote'), username: 'partner', authorizedPublicKeys: [client.publicKey],
      hostPrivateKey: host.privateKey, readOnlyDirs: ['/sales_request'],
    });
    knownHosts = join(dir, 'known_hosts');
    await writeFile(knownHosts, `[127.0.0.1]:${server.port} ${host.publicKey.split(' ').slice(0, 2).join(' ')}\n`);
  });

  afterAll(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** `sftp -b -` with the commands on stdin: it stops at the first failing command, as in a script. */
  function batch(commands: readonly string[]): Promise<BatchResult> {
    return new Promise((resolve) => {
      const child = spawn(SFTP, [
        '-b', '-', '-i', keyFile, '-P', String(server.port),
        '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes',
        '-o', 'IdentitiesOnly=yes', '-o', 'ConnectTimeout=5',
        'partner@127.0.0.1',
      // Its own process group: sftp runs ssh as a child, and a hung session is killed with both.
      ], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
      let stdout = '';
      let stderr = '';
      let hung = false;
      child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
      child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
      const timer = setTimeout(() => {
        hung = true;
        process.kill(-child.pid!, 'SIGKILL');
      }, DEADLINE_MS);
      child.once('close', (status) => {
        clearTimeout(timer);
        resolve({ status, stdout, stderr, hung });
      });
      child.stdin.end(commands.length > 0 ? `${commands.join('\n')}\n` : '');
    });
  }

  it('lists a folder and ends', async () => {
    await mkdir(join(dir, 'remote', 'accounts'), { recursive: true });
    await writeFile(join(dir, 'remote', 'accounts', '2026-03-06_accounts_V1.csv'), 'x\n');
    const result = await batch(['ls -l /accounts', 'bye']);
    expect(result, result.stderr).toMatchObject({ hung: false, status: 0 });
    expect(result.stdout).toMatch(/2026-03-06_accounts_V1\.csv/);
  });

  it('puts a file and ends', async () => {
    const result = await batch(['put upload.csv /uploaded.csv']);
    expect(result, result.stderr).toMatchObject({ hung: false, status: 0 });
    expect(await readFile(join(dir, 'remote', 'uploaded.csv'), 'utf8')).toBe('a|b\n1|2\n');
  });

  it('ends promptly with a failure when a put into a read-only folder is refused', async () => {
    const result = await batch(['put upload.csv /sales_request/upload.csv']);
    expect(result).toMatchObject({ hung: false, status: 1 });
    expect(result.stderr).toMatch(/denied|read-only/i);
    expect(await readdir(join(dir, 'remote', 'sales_request'))).toEqual([]);
  });

  it('ends promptly when the session does nothing (connect and quit)', async () => {
    expect(await batch([])).toMatchObject({ hung: false, status: 0 });
    expect(await batch(['bye'])).toMatchObject({ hung: false, status: 0 });
  });
});
