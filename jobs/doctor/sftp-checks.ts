import { posix } from 'node:path';
import { isLeadEtlError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { openSftpSession, type SftpSession } from '../../load/sftp-session.js';
import { directionOf } from '../../transform/file-type-spec.js';
import type { PipelineConfig } from '../pipeline-config.js';
import { fail, pass, skip, type CheckResult } from './check.js';

/**
 * Lead's SFTP server as the pipeline will meet it: reachable, presenting the pinned host key, taking
 * the configured key; every folder the program writes exists and takes a file (a temporary one, put and
 * removed at once); every folder Lead writes can be listed.
 */
// Lead posts its daily reports here (sftp-process.md, section 3); the partner may only read it.
const BANK_ACCOUNT_REPORTS = 'bank-account-reports';

export function programFolders(config: PipelineConfig): { readonly partner: string[]; readonly lead: string[] } {
  const partner = [...new Set([
    ...config.program.files.filter((t) => directionOf(t.spec) === 'outbound').map((t) => t.spec.folder),
    config.documents.remoteFolder,
  ])];
  const lead = [...new Set([...config.program.files.filter((t) => directionOf(t.spec) === 'inbound').map((t) => t.spec.folder), BANK_ACCOUNT_REPORTS])];
  return { partner, lead };
}

/** `unreachable`: the fix to give when the server does not answer, instead of the general one. */
export async function sftpChecks(config: PipelineConfig, logger: Logger, unreachable?: string): Promise<CheckResult[]> {
  const sftp = config.sftp;
  if (!sftp) {
    return [fail('sftp.configured', 'SFTP is configured', `config key sftp is missing in ${config.source}: nothing can be uploaded`,
      'add the sftp block Lead gave you: host, username, privateKeyFile, hostKeyFingerprint (docs/configuration.md)')];
  }
  const endpoint = `${sftp.username}@${sftp.host}:${sftp.port}`;
  const results: CheckResult[] = [];
  let session: SftpSession;
  try {
    session = await openSftpSession(sftp, logger);
  } catch (error) {
    if (isLeadEtlError(error, 'SFTP_HOST_KEY_MISMATCH')) {
      return [
        pass('sftp.reachable', 'SFTP server answers', `${sftp.host}:${sftp.port} answered the SSH handshake`),
        fail('sftp.host-key', 'SFTP host key matches the pin', error, 'confirm the fingerprint with Lead through another channel (their docs, your TAM) before changing sftp.hostKeyFingerprint'),
        skip('sftp.auth', 'SFTP accepts the key', 'not tried: the host key did not match, so no credential was sent'),
      ];
    }
    if (isLeadEtlError(error, 'SFTP_AUTH_REFUSED')) {
      return [
        pass('sftp.reachable', 'SFTP server answers', `${sftp.host}:${sftp.port} answered the SSH handshake`),
        pass('sftp.host-key', 'SFTP host key matches the pin', sftp.hostKeyFingerprint),
        fail('sftp.auth', 'SFTP accepts the key', error, `check sftp.username and that Lead installed the public key of sftp.privateKeyFile (or LEAD_ETL_SFTP_PRIVATE_KEY) for ${sftp.username}`),
      ];
    }
    if (isLeadEtlError(error, 'CONFIG_INVALID')) {
      return [fail('sftp.key', 'SFTP private key can be read', error, 'point sftp.privateKeyFile at an OpenSSH private key (and sftp.passphraseFile at its passphrase)')];
    }
    return [
      fail('sftp.reachable', 'SFTP server answers', error, unreachable ?? `check sftp.host and sftp.port, that ${sftp.host}:${sftp.port} is up and that this machine may reach it (firewall, Lead's IP allow-list)`),
      skip('sftp.host-key', 'SFTP host key matches the pin', 'not checked: the server did not answer'),
      skip('sftp.auth', 'SFTP accepts the key', 'not checked: the server did not answer'),
    ];
  }
  results.push(
    pass('sftp.reachable', 'SFTP server answers', `${sftp.host}:${sftp.port}`),
    pass('sftp.host-key', 'SFTP host key matches the pin', sftp.hostKeyFingerprint),
    pass('sftp.auth', 'SFTP accepts the key', `logged in as ${endpoint}`),
  );
  try {
    const folders = programFolders(config);
    for (const folder of folders.partner) results.push(await folderCheck(session, sftp.remoteRoot, folder, true));
    for (const folder of folders.lead) results.push(await folderCheck(session, sftp.remoteRoot, folder, false));
  } finally {
    await session.close();
  }
  return results;
}

async function folderCheck(session: SftpSession, root: string, folder: string, write: boolean): Promise<CheckResult> {
  const path = posix.join(root, folder);
  const id = `sftp.folder.${folder}`;
  const title = write ? `SFTP folder ${path} exists and takes a file` : `SFTP folder ${path} (Lead writes it) can be read`;
  try {
    const found = await session.probeFolder(path, { write });
    if (found === 'absent') return fail(id, title, `${path} does not exist`, `ask Lead to create it, or set the folder in the program's profile (files.<type>.folder) or sftp.remoteRoot`);
    if (found === 'not-a-folder') return fail(id, title, `${path} is not a folder`, 'ask Lead which folder the files of this type go to');
    return pass(id, title, write ? 'a temporary file was put and removed' : 'listed');
  } catch (error) {
    return fail(id, title, error, write
      ? `ask Lead to give ${path} write access to this account (the pipeline uploads under a temporary name, then renames)`
      : `ask Lead to give ${path} read access to this account`);
  }
}
