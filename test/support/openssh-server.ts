import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/**
 * A real OpenSSH `sshd` on loopback, with its own config, host key, client key and folder: the SFTP
 * server of the fault suite and the benchmark (../shared/REAL-PARTS.md). Every instance is its own
 * process, stopped by PID; nothing is shared with the machine's own sshd.
 *
 * Faults come from the server itself, never from switches in lead-etl: `sftp: 'read-only'` serves the
 * folder read-only (`internal-sftp -R`), `refuse: ['rename']` refuses operations (`-P`), `fullDisk`
 * mounts a tiny tmpfs as the upload folder, `stop()` / `kill()` take the server away, and a second
 * host key gives a mismatch.
 */
export const SSHD = '/usr/sbin/sshd';

/** Why sshd cannot run here, or undefined when it can; tests skip with this reason, visibly. */
export function opensshUnavailable(): string | undefined {
  if (!existsSync(SSHD)) return `${SSHD} is not installed (apt-get install -y openssh-server; .ci/run does it)`;
  if (!existsSync('/usr/bin/ssh-keygen')) return 'ssh-keygen is not installed';
  return undefined;
}

export interface OpensshOptions {
  /** Serve read-only (`internal-sftp -R`). */
  readonly readOnly?: boolean;
  /** SFTP requests the server refuses (`internal-sftp -P`), e.g. ['rename', 'remove']. */
  readonly refuse?: readonly string[];
  /** Mount a tmpfs of this many KiB as the served folder (needs root): a disk that fills up. */
  readonly fullDiskKiB?: number;
  /** Extra sshd_config lines. */
  readonly extraConfig?: readonly string[];
  /** Reuse this folder (keys, served folder) instead of a new temp one: a restarted server. */
  readonly dir?: string;
}

export interface OpensshServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly username: string;
  /** The test's folder: keys, config, logs and the served folder. */
  readonly dir: string;
  /** The served folder (absolute); use it as `sftp.remoteRoot`. */
  readonly rootDir: string;
  /** OpenSSH's `SHA256:...` fingerprint of the host key, as Lead would publish it. */
  readonly hostKeyFingerprint: string;
  /** The client's private key (OpenSSH format) and its file. */
  readonly clientPrivateKey: string;
  readonly clientKeyFile: string;
  /** A known_hosts file pinning the host key, for OpenSSH's own `sftp` client. */
  readonly knownHostsFile: string;
  readonly pid: number;
  /** Runs OpenSSH's `sftp` client with a batch of commands; returns its exit status and output. */
  sftpBatch(commands: readonly string[]): { status: number | null; stdout: string; stderr: string };
  /** Stops the server (SIGTERM) and waits for it to exit. The folder stays, for a restart. */
  stop(): Promise<void>;
  /** SIGKILLs the server and every session process it started. */
  kill(): Promise<void>;
  /** Stops the server and removes its folder (unmounting a tmpfs). */
  dispose(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function keygen(file: string): void {
  const result = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ssh-keygen failed: ${result.stderr}`);
}

export function fingerprintOf(publicKeyFile: string): string {
  const result = spawnSync('ssh-keygen', ['-lf', publicKeyFile, '-E', 'sha256'], { encoding: 'utf8' });
  const match = /SHA256:[A-Za-z0-9+/]{43}/.exec(result.stdout);
  if (!match) throw new Error(`ssh-keygen -lf ${publicKeyFile}: ${result.stderr || result.stdout}`);
  return match[0];
}

export async function startOpensshServer(options: OpensshOptions = {}): Promise<OpensshServer> {
  const unavailable = opensshUnavailable();
  if (unavailable) throw new Error(unavailable);
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'lead-etl-sshd-')));
  const rootDir = join(dir, 'remote');
  await mkdir(rootDir, { recursive: true });
  await mkdir('/run/sshd', { recursive: true }).catch(() => undefined);
  const hostKey = join(dir, 'host_ed25519');
  const clientKeyFile = join(dir, 'client_ed25519');
  if (!existsSync(hostKey)) keygen(hostKey);
  if (!existsSync(clientKeyFile)) keygen(clientKeyFile);
  await writeFile(join(dir, 'authorized_keys'), await readFile(`${clientKeyFile}.pub`));
  await chmod(join(dir, 'authorized_keys'), 0o600);
  let mounted = false;
  if (options.fullDiskKiB !== undefined && !existsSync(join(dir, '.mounted'))) {
    const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${options.fullDiskKiB}k`, 'tmpfs', rootDir], { encoding: 'utf8' });
    if (mount.status !== 0) throw new Error(`cannot mount a tmpfs on ${rootDir} (needs root): ${mount.stderr}`);
    await writeFile(join(dir, '.mounted'), '');
    mounted = true;
  } else if (existsSync(join(dir, '.mounted'))) {
    mounted = true;
  }
  const hostKeyFingerprint = fingerprintOf(`${hostKey}.pub`);
  const knownHostsFile = join(dir, 'known_hosts');

  const sftpFlags = [options.readOnly ? '-R' : '', options.refuse?.length ? `-P ${options.refuse.join(',')}` : ''].filter(Boolean).join(' ');
  const username = userInfo().username;

  let child: ChildProcess | undefined;
  let port = 0;
  let lastError = '';
  for (let attempt = 0; attempt < 5 && !child; attempt += 1) {
    port = await freePort();
    const config = [
      'ListenAddress 127.0.0.1',
      `Port ${port}`,
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `Subsystem sftp internal-sftp ${sftpFlags}`.trim(),
      'StrictModes no',
      'UsePAM no',
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'LogLevel VERBOSE',
      'MaxStartups 100',
      'MaxSessions 50',
      ...(options.extraConfig ?? []),
    ];
    await writeFile(join(dir, 'sshd_config'), `${config.join('\n')}\n`);
    await writeFile(knownHostsFile, `[127.0.0.1]:${port} ${(await readFile(`${hostKey}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ')}\n`);
    const started = spawn(SSHD, ['-f', join(dir, 'sshd_config'), '-D', '-e'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const ready = await new Promise<boolean>((resolve) => {
      let text = '';
      const timer = setTimeout(() => resolve(false), 10_000);
      started.stderr!.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('Server listening on')) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      started.once('exit', () => {
        clearTimeout(timer);
        lastError = text;
        resolve(false);
      });
    });
    if (ready) {
      child = started;
      // Keep reading stderr so sshd never blocks on a full pipe; the log is kept for failing tests.
      started.stderr!.on('data', (chunk: Buffer) => void writeFile(join(dir, 'sshd.log'), chunk, { flag: 'a' }).catch(() => undefined));
    } else {
      started.kill('SIGKILL');
    }
  }
  if (!child) throw new Error(`sshd did not start: ${lastError.trim()}`);
  const proc = child;
  const exited = new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve();
    else proc.once('exit', () => resolve());
  });

  const clientPrivateKey = await readFile(clientKeyFile, 'utf8');
  const sessionPids = (): number[] => {
    // Session processes are sshd children re-exec'd per connection; find them by their parent.
    const result = spawnSync('pgrep', ['-P', String(proc.pid)], { encoding: 'utf8' });
    return result.stdout.split('\n').filter(Boolean).map(Number);
  };

  const server: OpensshServer = {
    host: '127.0.0.1',
    port,
    username,
    dir,
    rootDir,
    hostKeyFingerprint,
    clientPrivateKey,
    clientKeyFile,
    knownHostsFile,
    pid: proc.pid!,
    sftpBatch(commands) {
      const result = spawnSync('sftp', [
        '-b', '-', '-i', clientKeyFile, '-P', String(port),
        '-o', `UserKnownHostsFile=${knownHostsFile}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes',
        `${username}@127.0.0.1`,
      ], { input: `${commands.join('\n')}\n`, encoding: 'utf8', timeout: 30_000 });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    async stop() {
      const sessions = sessionPids();
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
      for (const pid of sessions) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
    },
    async kill() {
      const sessions = sessionPids();
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      for (const pid of sessions) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await exited;
    },
    async dispose() {
      await server.kill();
      if (mounted) spawnSync('umount', ['-l', rootDir]);
      if (!options.dir) await rm(dir, { recursive: true, force: true });
    },
  };
  return server;
}
