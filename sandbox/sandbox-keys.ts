import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LeadEtlError } from '../core/errors.js';
import { generateKeyPair, parseSshKey } from '../core/ssh-keys.js';

/**
 * The secrets a standing sandbox (`lead-etl sandbox --dir DIR`) keeps in DIR/keys, made on first start
 * and reused after, so what the partner pinned and configured stays valid across restarts:
 * - `host_ed25519`: the server's host key (its fingerprint is what the partner pins);
 * - `authorized_keys`: the partner's public keys, one per line, as OpenSSH writes them. When it does not
 *   exist, a partner key pair is generated (`partner_ed25519`, `partner_ed25519.pub`) and authorized;
 *   to use your own key, put its public line in this file;
 * - `channel_token`: the bearer token of the channel API.
 */
export interface SandboxKeys {
  readonly hostPrivateKey: string;
  readonly authorizedPublicKeys: string[];
  readonly authorizedKeysFile: string;
  /** The generated partner private key, when there is one. */
  readonly partnerKeyFile?: string;
  readonly token: string;
}

export async function prepareSandboxKeys(dir: string): Promise<SandboxKeys> {
  const keysDir = join(dir, 'keys');
  await mkdir(keysDir, { recursive: true });
  const secret = async (path: string, make: () => string): Promise<string> => {
    if (existsSync(path)) return readFileSync(path, 'utf8');
    const value = make();
    await writeFile(path, value, { mode: 0o600 });
    await chmod(path, 0o600);
    return value;
  };

  const hostPrivateKey = await secret(join(keysDir, 'host_ed25519'), () => generateKeyPair().privateKey);
  const authorizedKeysFile = join(keysDir, 'authorized_keys');
  const partnerKeyFile = join(keysDir, 'partner_ed25519');
  if (!existsSync(authorizedKeysFile)) {
    const partner = generateKeyPair();
    await secret(partnerKeyFile, () => partner.privateKey);
    await writeFile(`${partnerKeyFile}.pub`, `${partner.publicKey}\n`);
    await writeFile(authorizedKeysFile, `${partner.publicKey}\n`);
  }
  const authorizedPublicKeys = readFileSync(authorizedKeysFile, 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  if (authorizedPublicKeys.length === 0) {
    throw new LeadEtlError('CONFIG_INVALID', `${authorizedKeysFile} holds no public key; add the partner's public key line (ssh-ed25519 AAAA...)`);
  }
  authorizedPublicKeys.forEach((line, i) => parseSshKey(line, `public key on line ${i + 1} of ${authorizedKeysFile}`));
  const token = (await secret(join(keysDir, 'channel_token'), () => `xoxb-sandbox-${randomBytes(16).toString('hex')}\n`)).trim();
  return {
    hostPrivateKey, authorizedPublicKeys, authorizedKeysFile, token,
    ...(existsSync(partnerKeyFile) ? { partnerKeyFile } : {}),
  };
}
