import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ssh2 from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { isLeadEtlError } from '../../core/errors.js';
import {
  fingerprintOfOpenSshPublicKey,
  fingerprintOfPublicKey,
  generateKeyPair,
  normalizeFingerprint,
  parseSshKey,
} from '../../core/ssh-keys.js';

const run = promisify(execFile);
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** What `ssh-keygen -lf` prints for a public key file: `<bits> SHA256:... <comment> (<TYPE>)`. */
async function sshKeygenFingerprint(publicKeyLine: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lead-etl-keys-'));
  dirs.push(dir);
  const file = join(dir, 'key.pub');
  await writeFile(file, `${publicKeyLine}\n`);
  const { stdout } = await run('ssh-keygen', ['-E', 'sha256', '-lf', file]);
  const fingerprint = stdout.split(/\s+/)[1];
  if (!fingerprint?.startsWith('SHA256:')) throw new Error(`unexpected ssh-keygen output: ${stdout}`);
  return fingerprint;
}

describe('fingerprints', () => {
  it('match ssh-keygen -lf for ed25519, RSA and ECDSA keys', async () => {
    const keys = [
      generateKeyPair().publicKey,
      ssh2.utils.generateKeyPairSync('rsa', { bits: 2048 }).public,
      ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256 }).public,
    ];
    for (const publicKey of keys) {
      const expected = await sshKeygenFingerprint(publicKey);
      expect(fingerprintOfOpenSshPublicKey(publicKey)).toBe(expected);
      expect(fingerprintOfPublicKey(parseSshKey(publicKey, 'test key').getPublicSSH())).toBe(expected);
    }
  });

  it('have no base64 padding and differ between keys', () => {
    const one = fingerprintOfOpenSshPublicKey(generateKeyPair().publicKey);
    const two = fingerprintOfOpenSshPublicKey(generateKeyPair().publicKey);
    expect(one).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(one).not.toBe(two);
  });

  it('of a private key equal those of its public key', () => {
    const pair = generateKeyPair();
    const fromPrivate = fingerprintOfPublicKey(parseSshKey(pair.privateKey, 'private key').getPublicSSH());
    expect(fromPrivate).toBe(fingerprintOfOpenSshPublicKey(pair.publicKey));
  });
});

describe('normalizeFingerprint', () => {
  const bare = 'SHA256:PWqq5lPPd0zWCawxwSnqOkyy168esipmaPy2t3H1uFE';

  it('accepts the form Lead publishes, with the key size in front', () => {
    expect(normalizeFingerprint(`2048 ${bare}`)).toBe(bare);
  });

  it('accepts the bare form, surrounding whitespace and a trailing pad character', () => {
    expect(normalizeFingerprint(bare)).toBe(bare);
    expect(normalizeFingerprint(`  ${bare}\n`)).toBe(bare);
    expect(normalizeFingerprint(`${bare}=`)).toBe(bare);
  });

  it.each([
    '',
    'PWqq5lPPd0zWCawxwSnqOkyy168esipmaPy2t3H1uFE',
    'MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48',
    'SHA256:tooShort',
    `${bare}X`,
    `SHA1:${bare.slice(7)}`,
    `2048 ${bare} extra`,
  ])('refuses %j with CONFIG_INVALID', (text) => {
    let thrown: unknown;
    try {
      normalizeFingerprint(text);
    } catch (error) {
      thrown = error;
    }
    expect(isLeadEtlError(thrown, 'CONFIG_INVALID')).toBe(true);
  });
});

describe('generateKeyPair', () => {
  it('produces an OpenSSH ed25519 pair whose halves belong together', () => {
    const pair = generateKeyPair();
    expect(pair.publicKey).toMatch(/^ssh-ed25519 AAAA/);
    expect(pair.privateKey).toContain('BEGIN OPENSSH PRIVATE KEY');
    const privateKey = parseSshKey(pair.privateKey, 'private key');
    const publicKey = parseSshKey(pair.publicKey, 'public key');
    const signature = privateKey.sign(Buffer.from('lead-etl'));
    expect(publicKey.verify(Buffer.from('lead-etl'), signature)).toBe(true);
  });

  it('parseSshKey refuses text that is not a key', () => {
    expect(() => parseSshKey('not a key', 'test key')).toThrowError(/test key cannot be read/);
  });
});

describe('generateKeyPair, many times', () => {
  // ssh2's keygen emits a malformed pair about once in 256 (see ssh-keys.ts); 2000 pairs would meet
  // several of them, so every pair here must parse.
  it('never returns a pair that ssh2 itself cannot read', () => {
    for (let i = 0; i < 2000; i++) {
      const pair = generateKeyPair();
      expect(() => parseSshKey(pair.privateKey, 'private key')).not.toThrow();
      expect(() => parseSshKey(pair.publicKey, 'public key')).not.toThrow();
    }
  });
});
