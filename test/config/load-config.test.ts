import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipelineConfig } from '../../jobs/pipeline-config.js';

const FINGERPRINT = 'SHA256:PWqq5lPPd0zWCawxwSnqOkyy168esipmaPy2t3H1uFE';

function writeConfig(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'lead-etl-config-'));
  const file = join(dir, 'lead-etl.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

function errorOf(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error');
}

describe('loadConfig', () => {
  it('with an embedded ledger and nothing named, runs the reference program, and says so', () => {
    const config = loadPipelineConfig({ env: {}, baseDir: '/srv/lead-etl' });
    expect(config.queries.reference).toBe(true);
    expect(config.program.name).toBe('demo-deposit');
    expect(config.program.profile.name).toBe('deposit');
    expect(config.program.files.map((f) => f.spec.id)).toEqual(['customer', 'customer_relationship', 'accounts', 'cards', 'balances', 'transactions', 'non_posted_transactions', 'transactions_update']);
    expect(config.program.timeZone).toBe('America/Chicago');
    expect(config.ledger).toEqual({ driver: 'pglite', dataDir: '/srv/lead-etl/var/db' });
    expect(config.archive.dir).toBe('/srv/lead-etl/var/archive');
    expect(config.state).toBe(config.ledger);
    expect(config.format.excessPrecision).toBe('error');
    expect(config.queries.dir).toMatch(/reference-program[/\\]queries$/);
  });

  it('refuses a PostgreSQL ledger that does not name its program, profile and queries folder: no silent demo defaults', () => {
    const file = writeConfig({ ledger: { driver: 'postgres', url: 'postgres://app@db/ledger' } });
    const error = errorOf(() => loadPipelineConfig({ file, env: {} }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('config key program.name, program.profile, queries.dir required when ledger.driver is postgres');
    const named = writeConfig({ program: { name: 'acme', profile: 'deposit' }, ledger: { driver: 'postgres', url: 'postgres://app@db/ledger' } });
    expect(errorOf(() => loadPipelineConfig({ file: named, env: {} })).message).toMatch(/config key queries\.dir required/);
    const complete = writeConfig({ program: { name: 'acme', profile: 'deposit' }, ledger: { driver: 'postgres', url: 'postgres://app@db/ledger' }, queries: { dir: 'q' } });
    const config = loadPipelineConfig({ file: complete, env: {} });
    expect(config.queries).toMatchObject({ dir: join(dirname(complete), 'q'), reference: false });
  });

  it('names an unknown key with its full path', () => {
    const file = writeConfig({ sftp: { host: 'h', username: 'u', hostKeyFingerprint: FINGERPRINT, hots: 'x' } });
    const error = errorOf(() => loadPipelineConfig({ file, env: {} }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('unknown config key sftp.hots');
  });

  it('names a bad value with its key and what it must be', () => {
    const file = writeConfig({ program: { firstFileDate: '2026-02-30' }, sftp: { host: 'h', username: 'u', port: 70000, hostKeyFingerprint: 'abc' } });
    const error = errorOf(() => loadPipelineConfig({ file, env: {} }));
    expect(error.message).toContain('config key program.firstFileDate: must be a calendar date');
    expect(error.message).toContain('config key sftp.port');
    expect(error.message).toContain('config key sftp.hostKeyFingerprint: must be an OpenSSH fingerprint');
  });

  it('refuses a password inside a database url in the file', () => {
    const file = writeConfig({ ledger: { driver: 'postgres', url: 'postgres://app:hunter2@db/ledger' } });
    const error = errorOf(() => loadPipelineConfig({ file, env: {} }));
    expect(error.message).toContain('config key ledger.url');
    expect(error.message).not.toContain('hunter2');
  });

  it('reports a missing secret by the keys that can provide it', () => {
    const file = writeConfig({ sftp: { host: 'h', username: 'u', hostKeyFingerprint: FINGERPRINT } });
    const error = errorOf(() => loadPipelineConfig({ file, env: {} }));
    expect(error.code).toBe('SECRET_MISSING');
    expect(error.message).toContain('sftp.privateKeyFile');
    expect(error.message).toContain('LEAD_ETL_SFTP_PRIVATE_KEY');
  });

  it('reads secrets from files and the environment, and overrides keys from the environment', () => {
    const file = writeConfig({
      program: { name: 'acme', profile: 'deposit' },
      queries: { dir: 'queries' },
      ledger: { driver: 'postgres', url: 'postgres://app@db.internal:5432/ledger', passwordFile: 'db-password' },
      sftp: { host: 'h', username: 'u', hostKeyFingerprint: `2048 ${FINGERPRINT}`, privateKeyFile: 'id_ed25519' },
    });
    writeFileSync(join(file, '..', 'db-password'), 's3cret\n');
    writeFileSync(join(file, '..', 'id_ed25519'), 'KEY-MATERIAL\n');
    const config = loadPipelineConfig({ file, env: { LEAD_ETL__SFTP__PORT: '2222', LEAD_ETL__FORMAT__EXCESS_PRECISION: 'round-half-even' } });
    expect(config.ledger).toMatchObject({ driver: 'postgres', url: 'postgres://app:s3cret@db.internal:5432/ledger' });
    expect(config.sftp).toMatchObject({ port: 2222, privateKey: 'KEY-MATERIAL', hostKeyFingerprint: FINGERPRINT });
    expect(config.format.excessPrecision).toBe('round-half-even');
  });

  it('narrows the profile to some of its file types, and refuses one the profile does not send', () => {
    const file = writeConfig({ program: { fileTypes: ['transactions', 'balances'] } });
    expect(loadPipelineConfig({ file, env: {} }).program.files.map((f) => f.spec.id)).toEqual(['balances', 'transactions']);
    const other = writeConfig({ program: { fileTypes: ['applications'] } });
    expect(errorOf(() => loadPipelineConfig({ file: other, env: {} })).message).toContain('program.fileTypes: applications is not a file type of profile deposit');
  });

  it('validates environment overrides like file values', () => {
    const error = errorOf(() => loadPipelineConfig({ env: { LEAD_ETL__LOG__LEVL: 'debug' } }));
    expect(error.message).toContain('unknown config key log.levl');
  });
});
