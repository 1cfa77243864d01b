import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { silentLogger } from '../../core/log.js';
import { packagePath } from '../../core/package-root.js';
import { COMMANDS, EXIT, runCli, VERSION } from '../../jobs/cli.js';

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
    env,
    clock: fixedClock('2026-03-07T12:00:00Z'),
    logger: silentLogger(),
  });
  return { code, stdout, stderr };
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'lead-etl-cli-'));

describe('lead-etl command line', () => {
  it('writes help from the options, for the program and for every command', async () => {
    const main = await cli(['--help']);
    expect(main.code).toBe(EXIT.ok);
    expect(main.stdout).toContain('Exit codes: 0 done, 1 failed');
    for (const command of COMMANDS) {
      expect(main.stdout).toContain(command.name);
      const help = await cli([command.name, '--help']);
      expect(help.code, command.name).toBe(EXIT.ok);
      expect(help.stdout).toContain(`Usage: lead-etl ${command.name}`);
      // The global options are listed on every command, so they can be given anywhere.
      expect(help.stdout).toMatch(/--config <file>[\s\S]*--json/);
    }
    expect(await cli(['help', 'status'])).toMatchObject({ code: EXIT.ok, stdout: expect.stringContaining('--html <file>') });
    expect((await cli(['help'])).code).toBe(EXIT.ok);
  });

  it('prints the package version', async () => {
    const version = (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
    expect(VERSION).toBe(version);
    for (const flag of ['--version', '-V']) expect(await cli([flag])).toMatchObject({ code: EXIT.ok, stdout: `${version}\n` });
  });

  it('answers a usage mistake with exit 2 and one line naming it', async () => {
    for (const args of [
      ['launch'], ['run'], ['run', '--date', '2026-13-01'], ['status', '--dat', '2026-03-06'], ['seed'],
      ['demo', '--days', '1e3'], ['demo', '--days', '0'], ['sandbox', '--sftp-port', '70000'], ['ack', '--date', '2026-03-06', '--validated', '--rejected'],
      ['status', '--log-level', 'loud'], ['run', '--date', '2026-03-06', 'extra'],
    ]) {
      const result = await cli(args);
      expect(result.code, args.join(' ')).toBe(EXIT.usage);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(result.stderr, args.join(' ')).toMatch(/^lead-etl( [a-z-]+)?: /);
    }
    expect((await cli(['run', '--date', '2026-13-01'])).stderr).toContain('"2026-13-01" is not a calendar date in the form YYYY-MM-DD');
    expect((await cli(['status', '--dat', '2026-03-06'])).stderr).toContain("unknown option '--dat'");
    // One parser for whole numbers: the same refusal for every option that takes one.
    expect((await cli(['demo', '--days', '1e3'])).stderr).toContain('must be a whole number from 1 to 366');
    expect((await cli(['seed', '--days', '2', '--seed', '-1'])).stderr).toContain('must be a whole number from 0');
    // No command at all: the help, on stderr, as a usage mistake.
    const bare = await cli([]);
    expect(bare.code).toBe(EXIT.usage);
    expect(bare.stderr).toContain('Usage: lead-etl');
  });

  it('answers a config mistake with exit 2 and the key in one line, wherever --config stands', async () => {
    const dir = tempDir();
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ program: { currency: 'usd' } }));
    for (const args of [['status', '--config', file], ['--config', file, 'status'], ['-c', file, 'status', '--json']]) {
      const result = await cli(args);
      expect(result.code, args.join(' ')).toBe(EXIT.usage);
      expect(result.stderr).toMatch(/^lead-etl status: CONFIG_INVALID: .*config key program.currency/);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    // Under --json the mistake is also the JSON answer.
    expect(JSON.parse((await cli(['--json', 'status', '--config', file])).stdout)).toMatchObject({ error: { code: 'CONFIG_INVALID' }, exitCode: EXIT.usage });
    expect((await cli(['status', '--config', join(dir, 'missing.json')])).code).toBe(EXIT.usage);
    writeFileSync(join(dir, 'secret.json'), JSON.stringify({ sftp: { host: 'h', username: 'u', privateKeyFile: 'nope', hostKeyFingerprint: `SHA256:${'A'.repeat(43)}` } }));
    const secret = await cli(['migrate', '--config', join(dir, 'secret.json')]);
    expect(secret).toMatchObject({ code: EXIT.usage });
    expect(secret.stderr).toContain('SECRET_MISSING: config key sftp.privateKeyFile');
  });

  it('refuses --json on the commands that stand until stopped', async () => {
    for (const name of ['daemon', 'sandbox']) {
      const result = await cli([name, '--json']);
      expect(result.code).toBe(EXIT.usage);
      expect(result.stderr).toContain(`lead-etl ${name}: --json is not available here`);
    }
  });

  it('migrates a state store, then pictures an empty program, in text and JSON', async () => {
    const dir = tempDir();
    const env = { LEAD_ETL__LEDGER__DATA_DIR: join(dir, 'db'), LEAD_ETL__PROGRAM__FIRST_FILE_DATE: '2026-03-06' };
    // Nothing there yet: status says so rather than create an empty store to look at.
    const before = await cli(['status'], env);
    expect(before.code).toBe(EXIT.usage);
    expect(before.stderr).toContain(`the embedded state store ${join(dir, 'db')} does not exist`);
    expect(existsSync(join(dir, 'db'))).toBe(false);
    const migrate = await cli(['migrate', '--json'], env);
    expect(migrate.code, migrate.stderr).toBe(EXIT.ok);
    const migrated = JSON.parse(migrate.stdout) as { upToDate: boolean; results: { migration: string; status: string }[] };
    expect(migrated.upToDate).toBe(true);
    expect(migrated.results[0]).toEqual({ migration: '0001_files', status: 'Success' });
    expect(migrate.stderr).toContain('applied  0001_files');

    const status = await cli(['status'], env);
    expect(status.code).toBe(EXIT.ok);
    // 12:00 UTC on 2026-03-07 is 06:00 in Chicago: Day 0 and the 7th are due; Day 0 is past its deadline.
    expect(status.stdout).toMatch(/^2026-03-06\s+due, late\s+due, late\s+due, late\s+Customer batches: waiting for a run: `lead-etl run --date 2026-03-06`/m);
    expect(status.stdout).toMatch(/^2026-03-07\s+due\s+due\s+due\s+Customer batches: waiting for 2026-03-06 to be validated first/m);
    expect(status.stdout).toContain('Streak: 0 consecutive validated date(s); Lead asks for 7 before go-live, 7 to go');
    const json = JSON.parse((await cli(['status', '--json'], env)).stdout) as { dates: { fileDate: string; cells: { state: string }[] }[]; streak: { days: number } };
    expect(json.dates.map((d) => d.fileDate)).toEqual(['2026-03-06', '2026-03-07']);
    expect(json.dates[0]!.cells.map((c) => c.state)).toEqual(['due', 'due', 'due']);
    expect(json.streak.days).toBe(0);
  });

  it('seeds a ledger with progress lines and a JSON summary', async () => {
    const dir = tempDir();
    const env = { LEAD_ETL__LEDGER__DATA_DIR: join(dir, 'db') };
    const seeded = await cli(['seed', '--days', '2', '--json'], env);
    expect(seeded.code, seeded.stderr).toBe(EXIT.ok);
    expect(JSON.parse(seeded.stdout)).toMatchObject({ program: 'deposit', firstActivityDate: '2026-03-05', lastActivityDate: '2026-03-06' });
    // Without a terminal the progress is one line per day (on stderr under --json).
    expect(seeded.stderr).toContain('seed: activity day 2026-03-05 written (1/2)');
    expect(seeded.stderr).toContain('seed: activity day 2026-03-06 written (2/2)');
    expect((await cli(['seed', '--days', '1'], env)).stderr).toContain('already holds data; add --reset');
  });
});

describe('lead-etl validate with a state store', () => {
  it("checks files against what was sent before when a config names the state store, and on the files alone without", async () => {
    const dir = tempDir();
    const config = join(dir, 'lead-etl.json');
    writeFileSync(config, JSON.stringify({
      program: { firstFileDate: '2026-03-06', fileTypes: ['accounts', 'balances', 'transactions', 'non_posted_transactions'] },
      ledger: { dataDir: 'db' },
      archive: { dir: 'archive' },
    }));
    expect((await cli(['seed', '--config', config, '--days', '2'])).code).toBe(EXIT.ok);
    expect((await cli(['migrate', '--config', config])).code).toBe(EXIT.ok);
    const built = await cli(['run', '--config', config, '--date', '2026-03-06', '--no-upload', '--json']);
    expect(built.code, built.stderr).toBe(EXIT.ok);
    expect(JSON.parse(built.stdout)).toMatchObject({ fileDate: '2026-03-06', outcome: 'ok', exitCode: 0, uploaded: [], waitingOn: null });

    // A hand-made file for the next day that reuses an id sent on Day 0.
    const sent = readFileSync(join(dir, 'archive', '2026-03-06', '2026-03-06_transactions_V1.csv'), 'utf8').split('\n');
    const reused = sent[1]!.replace(/2026-03-05T/g, '2026-03-06T').replace(/\|2026-03-05\|/, '|2026-03-06|');
    const handMade = join(dir, 'next', '2026-03-07_transactions_V1.csv');
    mkdirSync(join(dir, 'next'));
    writeFileSync(handMade, `${sent[0]}\n${reused}\n`);

    const alone = await cli(['validate', '--json', '--profile', 'deposit', handMade]);
    expect(JSON.parse(alone.stdout).findings.map((f: { rule: string }) => f.rule)).not.toContain('cross.transaction_id_reused');
    const withHistory = await cli(['validate', handMade, '--config', config, '--json']);
    expect(withHistory.code).toBe(EXIT.failed);
    expect(JSON.parse(withHistory.stdout).findings.map((f: { rule: string }) => f.rule)).toContain('cross.transaction_id_reused');
  });
});
