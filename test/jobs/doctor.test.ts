import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../core/clock.js';
import { silentLogger } from '../../core/log.js';
import { fingerprintOfOpenSshPublicKey, generateKeyPair } from '../../core/ssh-keys.js';
import { EXIT, runCli } from '../../jobs/cli.js';
import { REFERENCE_LEDGER_QUERIES_DIR } from '../../reference-program/paths.js';
import { freePort, opensshUnavailable, startOpensshServer, type OpensshServer } from '../support/openssh-server.js';
import { stateMigrations } from '../../load/state/migrations.js';

/**
 * `lead-etl doctor` against a real OpenSSH sshd on loopback: a sound set-up passes every check, and a
 * broken one (wrong host key, folders the account may not write, a folder missing, the state store down,
 * a query that does not plan, a clock off) fails each check that meets a fault, naming it and the fix.
 */
const unavailable = opensshUnavailable();
const DEPOSIT_FOLDERS = ['customer', 'customer_relationship', 'accounts', 'cards', 'balances', 'transactions', 'non_posted_transactions', 'transactions_update', 'documents', 'bank-account-reports'];

interface Check { id: string; status: 'pass' | 'fail' | 'skip'; detail: string; fix?: string; code?: string }

let server: OpensshServer;
let readOnly: OpensshServer;
let dir: string;

async function cli(args: string[], clock: Clock = systemClock) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, env: {}, clock, logger: silentLogger() });
  return { code, stdout, stderr };
}

function writeConfig(name: string, sftpServer: OpensshServer, extra: Record<string, unknown> = {}, fingerprint = sftpServer.hostKeyFingerprint): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({
    program: { firstFileDate: '2026-03-06' },
    ledger: { dataDir: 'db' },
    archive: { dir: 'archive' },
    sftp: { host: sftpServer.host, port: sftpServer.port, username: sftpServer.username, privateKeyFile: sftpServer.clientKeyFile, hostKeyFingerprint: fingerprint, remoteRoot: sftpServer.rootDir, connectTimeoutMs: 10_000 },
    ...extra,
  }));
  return file;
}

async function doctor(config: string, clock?: Clock) {
  const result = await cli(['doctor', '--config', config, '--json'], clock);
  const report = JSON.parse(result.stdout) as { ok: boolean; exitCode: number; checks: Check[] };
  const check = (id: string) => {
    const found = report.checks.find((c) => c.id === id);
    if (!found) throw new Error(`no check ${id} in ${report.checks.map((c) => c.id).join(', ')}`);
    return found;
  };
  return { ...result, report, check };
}

describe.skipIf(unavailable)(`lead-etl doctor${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lead-etl-doctor-'));
    [server, readOnly] = await Promise.all([startOpensshServer(), startOpensshServer({ readOnly: true })]);
    for (const folder of DEPOSIT_FOLDERS) mkdirSync(join(server.rootDir, folder));
    // The read-only server lacks the cards folder.
    for (const folder of DEPOSIT_FOLDERS.filter((f) => f !== 'cards')) mkdirSync(join(readOnly.rootDir, folder));
    const sound = writeConfig('sound.json', server);
    expect((await cli(['seed', '--config', sound, '--days', '1'])).code).toBe(EXIT.ok);
    expect((await cli(['migrate', '--config', sound])).code).toBe(EXIT.ok);
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([server?.dispose(), readOnly?.dispose()]);
  });

  it('passes every check of a sound set-up, one line each, and leaves nothing behind', async () => {
    const result = await doctor(join(dir, 'sound.json'));
    expect(result.code, result.stdout).toBe(EXIT.ok);
    expect(result.report.ok).toBe(true);
    const failed = result.report.checks.filter((c) => c.status === 'fail');
    expect(failed).toEqual([]);
    for (const id of ['config', 'ledger.reachable', 'ledger.query.balances', 'ledger.query.customer', 'state.reachable', 'state.schema', 'clock.state', 'archive.writable', 'archive.space', 'sftp.reachable', 'sftp.host-key', 'sftp.auth']) {
      expect(result.check(id).status, id).toBe('pass');
    }
    for (const folder of DEPOSIT_FOLDERS) expect(result.check(`sftp.folder.${folder}`).status, folder).toBe('pass');
    expect(result.check('slack').status).toBe('skip');
    expect(result.check('state.schema').detail).toBe(`at ${Object.keys(await stateMigrations.getMigrations()).sort().at(-1)}`);
    // The write checks removed their temporary files.
    for (const folder of DEPOSIT_FOLDERS) expect(readdirSync(join(server.rootDir, folder)), folder).toEqual([]);

    const text = await cli(['doctor', '--config', join(dir, 'sound.json')]);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(result.report.checks.length + 1);
    expect(lines.at(-1)).toBe(`All ${result.report.checks.length} checks passed.`);
    expect(lines).toContain(`ok    SFTP host key matches the pin: ${server.hostKeyFingerprint}`);
  });

  it('names each fault of a broken set-up: unwritable and missing folders, the state store down, a query that does not plan, a clock off', async () => {
    const queries = join(dir, 'queries');
    cpSync(REFERENCE_LEDGER_QUERIES_DIR, queries, { recursive: true });
    writeFileSync(join(queries, 'accounts.sql'), readFileSync(join(queries, 'accounts.sql'), 'utf8').replace(/ledger\.accounts\b/, 'ledger.acounts'));
    const down = await freePort();
    const config = writeConfig('broken.json', readOnly, {
      queries: { dir: 'queries' },
      state: { driver: 'postgres', url: `postgres://lead_etl@127.0.0.1:${down}/state` },
    });
    const tenMinutesAhead: Clock = { now: () => DateTime.utc().plus({ minutes: 10 }) };
    const result = await doctor(config, tenMinutesAhead);
    expect(result.code).toBe(EXIT.failed);
    expect(result.report.ok).toBe(false);

    expect(result.check('state.reachable')).toMatchObject({ status: 'fail', detail: expect.stringContaining('ECONNREFUSED'), fix: expect.stringContaining('LEAD_ETL_STATE_URL') });
    expect(result.check('state.schema').status).toBe('skip');
    expect(result.check('ledger.query.accounts')).toMatchObject({ status: 'fail', detail: expect.stringContaining('ledger.acounts'), fix: expect.stringContaining('fix accounts.sql') });
    expect(result.check('ledger.query.balances').status).toBe('pass');
    expect(result.check('clock.ledger')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^6\d\d\.\d s ahead of/) });
    expect(result.check('sftp.host-key').status).toBe('pass');
    for (const folder of DEPOSIT_FOLDERS.filter((f) => f !== 'cards' && f !== 'bank-account-reports')) {
      expect(result.check(`sftp.folder.${folder}`), folder).toMatchObject({ status: 'fail', code: 'SFTP_PERMISSION_DENIED', fix: expect.stringContaining('write access') });
    }
    expect(result.check('sftp.folder.cards')).toMatchObject({ status: 'fail', detail: `${readOnly.rootDir}/cards does not exist` });
    // Lead writes bank-account-reports; reading it is all the partner needs.
    expect(result.check('sftp.folder.bank-account-reports').status).toBe('pass');
  });

  it('refuses a host key other than the pin, and sends no credential to it', async () => {
    const other = fingerprintOfOpenSshPublicKey(generateKeyPair().publicKey);
    const result = await doctor(writeConfig('wrong-key.json', server, {}, other));
    expect(result.code).toBe(EXIT.failed);
    expect(result.check('sftp.reachable').status).toBe('pass');
    expect(result.check('sftp.host-key')).toMatchObject({ status: 'fail', code: 'SFTP_HOST_KEY_MISMATCH', detail: expect.stringContaining(`presented host key ${server.hostKeyFingerprint}, but ${other} is configured`) });
    expect(result.check('sftp.auth').status).toBe('skip');
    expect(result.report.checks.some((c) => c.id.startsWith('sftp.folder.'))).toBe(false);
    const text = await cli(['doctor', '--config', join(dir, 'wrong-key.json')]);
    expect(text.stdout).toMatch(/^FAIL  SFTP host key matches the pin: SFTP_HOST_KEY_MISMATCH: .* — fix: confirm the fingerprint with Lead/m);
  });

  it('answers a config it cannot read with exit 2 and nothing else checked', async () => {
    writeFileSync(join(dir, 'invalid.json'), JSON.stringify({ sftp: { hots: 'x' } }));
    const result = await doctor(join(dir, 'invalid.json'));
    expect(result.code).toBe(EXIT.usage);
    expect(result.report.checks).toEqual([expect.objectContaining({ id: 'config', status: 'fail', code: 'CONFIG_INVALID' })]);
  });
});
