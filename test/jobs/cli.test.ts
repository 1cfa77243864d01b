import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { silentLogger } from '../../core/log.js';
import { COMMANDS, EXIT, runCli } from '../../jobs/cli.js';

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

describe('lead-etl command line', () => {
  it('prints help for the program and for every command', async () => {
    const main = await cli(['--help']);
    expect(main.code).toBe(EXIT.ok);
    for (const name of Object.keys(COMMANDS)) {
      expect(main.stdout).toContain(name);
      const help = await cli([name, '--help']);
      expect(help.code, name).toBe(EXIT.ok);
      expect(help.stdout).toContain(`lead-etl ${name}`);
    }
  });

  it('answers a usage error with exit 2 and one line naming the problem', async () => {
    for (const args of [['launch'], ['run'], ['run', '--date', '2026-13-01'], ['run', '--dat', '2026-03-06'], ['seed']]) {
      const result = await cli(args);
      expect(result.code, args.join(' ')).toBe(EXIT.usage);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    expect((await cli(['run', '--date', '2026-13-01'])).stderr).toContain('--date "2026-13-01" is not a calendar date');
  });

  it('stops on a bad config with exit 1 and the key in the message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lead-etl-cli-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ program: { currency: 'usd' } }));
    const result = await cli(['status', '--config', file]);
    expect(result.code).toBe(EXIT.failed);
    expect(result.stderr).toMatch(/^lead-etl status: CONFIG_INVALID: .*config key program.currency/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('migrates a state store, then reports that nothing was sent yet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lead-etl-cli-'));
    const env = { LEAD_ETL__LEDGER__DATA_DIR: join(dir, 'db') };
    const before = await cli(['status'], env);
    expect(before.code).toBe(EXIT.failed);
    expect(before.stderr).toContain('run `lead-etl migrate`');
    const migrate = await cli(['migrate'], env);
    expect(migrate.code, migrate.stderr).toBe(EXIT.ok);
    expect(migrate.stdout).toContain('applied  0001_files');
    const status = await cli(['status'], env);
    expect(status).toMatchObject({ code: EXIT.ok, stdout: 'No files recorded yet.\n' });
  });
});

describe('lead-etl validate with a state store', () => {
  it("checks files against what was sent before when a config names the state store, and on the files alone without", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lead-etl-cli-history-'));
    const config = join(dir, 'lead-etl.json');
    writeFileSync(config, JSON.stringify({
      program: { firstFileDate: '2026-03-06', fileTypes: ['accounts', 'balances', 'transactions', 'non_posted_transactions'] },
      ledger: { dataDir: 'db' },
      archive: { dir: 'archive' },
    }));
    expect((await cli(['seed', '--config', config, '--days', '2'])).code).toBe(EXIT.ok);
    expect((await cli(['migrate', '--config', config])).code).toBe(EXIT.ok);
    const built = await cli(['run', '--config', config, '--date', '2026-03-06', '--no-upload']);
    expect(built.code, built.stderr).toBe(EXIT.ok);

    // A hand-made file for the next day that reuses an id sent on Day 0.
    const sent = readFileSync(join(dir, 'archive', '2026-03-06', '2026-03-06_transactions_V1.csv'), 'utf8').split('\n');
    const reused = sent[1]!.replace(/2026-03-05T/g, '2026-03-06T').replace(/\|2026-03-05\|/, '|2026-03-06|');
    const handMade = join(dir, 'next', '2026-03-07_transactions_V1.csv');
    mkdirSync(join(dir, 'next'));
    writeFileSync(handMade, `${sent[0]}\n${reused}\n`);

    const alone = await cli(['validate', '--json', '--profile', 'deposit', handMade]);
    expect(JSON.parse(alone.stdout).findings.map((f: { rule: string }) => f.rule)).not.toContain('cross.transaction_id_reused');
    const withHistory = await cli(['validate', '--json', '--config', config, handMade]);
    expect(withHistory.code).toBe(EXIT.failed);
    expect(JSON.parse(withHistory.stdout).findings.map((f: { rule: string }) => f.rule)).toContain('cross.transaction_id_reused');
  });
});
