import { relative, resolve } from 'node:path';
import { loadProfile } from '../config/load-profile.js';
import { programFilesOf } from '../transform/program-file-types.js';
import { describeError } from '../core/errors.js';
import type { FileDate } from '../core/file-date.js';
import { createLogger } from '../core/log.js';
import { startLeadSandbox } from '../sandbox/lead-sandbox.js';
import { parseRejectFault } from '../sandbox/reject-faults.js';
import { prepareSandboxKeys } from '../sandbox/sandbox-keys.js';
import type { CliIo } from './cli-io.js';

/**
 * `lead-etl sandbox`: Lead's side on this machine, standing until stopped, for rehearsals against the
 * real pipeline (or any SFTP client): prints what the partner needs to connect and to read the
 * channel, then processes uploads on a timer and prints each message Lead posts.
 */
export interface SandboxCommandOptions {
  readonly dir: string;
  /** A built-in profile (deposit, credit, all) or a profile JSON file. */
  readonly program: string;
  readonly sftpPort?: number;
  readonly httpPort?: number;
  readonly day0?: FileDate;
  readonly rejects: readonly string[];
  readonly quietSeconds: number;
  readonly pollSeconds: number;
  readonly logLevel?: string;
}

export async function runSandbox(options: SandboxCommandOptions, io: CliIo, untilStopped: () => Promise<string>): Promise<void> {
  const dir = resolve(options.dir);
  const shown = (path: string) => relative(process.cwd(), path) || '.';
  const say = (text: string) => io.stdout(`${text}\n`);
  const loaded = loadProfile(options.program, process.cwd());
  const { profile } = loaded;
  const files = programFilesOf(loaded);
  const sent = files.filter((t) => (t.spec.direction ?? 'outbound') === 'outbound').map((t) => t.spec.id);
  const faults = options.rejects.map((text) => parseRejectFault(text, sent));
  const keys = await prepareSandboxKeys(dir);
  const logger = io.logger ?? createLogger({ level: options.logLevel ?? 'warn' });

  const sandbox = await startLeadSandbox({
    dir, files, profile, clock: io.clock, logger, faults,
    authorizedPublicKeys: keys.authorizedPublicKeys, hostPrivateKey: keys.hostPrivateKey, token: keys.token,
    quietSeconds: options.quietSeconds, pollSeconds: options.pollSeconds,
    ...(options.day0 ? { day0: options.day0 } : {}),
    ...(options.sftpPort !== undefined ? { sftpPort: options.sftpPort } : {}),
    ...(options.httpPort !== undefined ? { httpPort: options.httpPort } : {}),
    onMessage: (m) => say(`[${m.ts}] ${m.text}`),
  });
  try {
    const { sftp, channel, layout } = sandbox;
    say(`Lead sandbox in ${shown(dir)}, program ${options.program}`);
    say(`  sftp       sftp://${sftp.username}@${sftp.host}:${sftp.port}/   (what arrives lands in ${shown(sftp.rootDir)})`);
    say(`  host key   ${sftp.hostKeyFingerprint}   (pin it as sftp.hostKeyFingerprint)`);
    say(`  user       ${sftp.username}, public keys in ${shown(keys.authorizedKeysFile)}` +
      (keys.partnerKeyFile ? `; generated partner key ${shown(keys.partnerKeyFile)}` : ''));
    say(`  folders    ${[...layout.partnerFolders.keys(), layout.documentsFolder].join(', ')} (partner writes); ${layout.readOnlyFolders.join(', ')} (read-only)`);
    say(`  channel    GET ${channel.url}/api/conversations.history?channel=${channel.id}`);
    say(`             Authorization: Bearer ${channel.token}`);
    say(`  day 0      ${options.day0 ?? sandbox.day0() ?? 'the first date received'}; quiet period ${options.quietSeconds} s, checked every ${options.pollSeconds} s` +
      (faults.length > 0 ? `; rejecting the first version of ${options.rejects.join(', ')}` : ''));
    say('lead-etl config for it:');
    say(`  "sftp": ${JSON.stringify({
      host: sftp.host, port: sftp.port, username: sftp.username,
      ...(keys.partnerKeyFile ? { privateKeyFile: keys.partnerKeyFile } : {}),
      hostKeyFingerprint: sftp.hostKeyFingerprint,
    })}`);
    say('Stop it with Ctrl-C.');
    const signal = await untilStopped();
    say(`${signal}: stopping the sandbox`);
  } finally {
    await sandbox.close().catch((error: unknown) => io.stderr(`lead-etl sandbox: closing: ${describeError(error)}\n`));
  }
}

/** Resolves with the signal's name on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
