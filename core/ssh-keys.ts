import { createHash } from 'node:crypto';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';
import { LeadEtlError } from './errors.js';

/**
 * SSH key helpers: fingerprints in the form OpenSSH prints them (so an operator can compare what the
 * pipeline logs with what Lead published and with `ssh-keygen -lf`), and ed25519 key generation.
 */

/** `SHA256:<unpadded base64>` of the raw SSH wire-format public key blob, exactly as `ssh-keygen -lf` prints it. */
export function fingerprintOfPublicKey(keyBlob: Buffer): string {
  const digest = createHash('sha256').update(keyBlob).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

// A SHA-256 digest is 32 bytes, which is always 43 base64 characters once the padding is dropped.
const PUBLISHED_FINGERPRINT = /^(?:\d+\s+)?SHA256:([A-Za-z0-9+/]{43})=?$/i;

/**
 * Accepts a host key fingerprint as Lead publishes it (`2048 SHA256:...`) or as `SHA256:...` and
 * returns the `SHA256:...` form that `fingerprintOfPublicKey` produces, so the two compare as strings.
 */
export function normalizeFingerprint(text: string): string {
  const match = PUBLISHED_FINGERPRINT.exec(text.trim());
  if (!match?.[1]) {
    throw new LeadEtlError(
      'CONFIG_INVALID',
      `host key fingerprint ${JSON.stringify(text)} is not in the form "SHA256:<43 base64 characters>" ` +
        '(optionally preceded by the key size, e.g. "2048 SHA256:..."); MD5 fingerprints are not accepted. ' +
        'Copy the SHA256 fingerprint Lead published, or run `ssh-keygen -lf` on the host key Lead sent.',
    );
  }
  return `SHA256:${match[1]}`;
}

// ssh2 1.17's keygen strips every leading zero byte from the ed25519 public key, so about one pair in
// 256 comes out malformed and ssh2's own parser rejects it (mscdex/ssh2 issues #1390, #1513). Such a
// pair is thrown away and another generated; 16 bad pairs in a row would take odds of 2^-128.
const KEYGEN_ATTEMPTS = 16;

/** A fresh unencrypted ed25519 key pair in OpenSSH format (private key PEM-like block, public key line). */
export function generateKeyPair(): { privateKey: string; publicKey: string } {
  for (let attempt = 0; attempt < KEYGEN_ATTEMPTS; attempt++) {
    const keys = ssh2.utils.generateKeyPairSync('ed25519');
    if (!(ssh2.utils.parseKey(keys.private) instanceof Error) && !(ssh2.utils.parseKey(keys.public) instanceof Error)) {
      return { privateKey: keys.private, publicKey: keys.public };
    }
  }
  throw new LeadEtlError('INTERNAL', `ssh2 produced ${KEYGEN_ATTEMPTS} malformed ed25519 key pairs in a row`);
}

/** The fingerprint of an OpenSSH public key line (`ssh-ed25519 AAAA... comment`). */
export function fingerprintOfOpenSshPublicKey(publicKeyLine: string): string {
  return fingerprintOfPublicKey(parseSshKey(publicKeyLine, 'public key').getPublicSSH());
}

/**
 * ssh2's parser returns an Error instead of throwing, and an array for a file holding several keys;
 * callers here always mean one key, so this turns both into a single key or a LeadEtlError.
 * `what` names the key in the message (never the key material itself).
 */
export function parseSshKey(data: string | Buffer, what: string, passphrase?: string): ParsedKey {
  const parsed: ParsedKey | ParsedKey[] | Error = ssh2.utils.parseKey(data, passphrase);
  if (parsed instanceof Error) {
    throw new LeadEtlError('CONFIG_INVALID', `the ${what} cannot be read as an SSH key: ${parsed.message}`, { cause: parsed });
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key) throw new LeadEtlError('CONFIG_INVALID', `the ${what} holds no SSH key`);
  return key;
}
