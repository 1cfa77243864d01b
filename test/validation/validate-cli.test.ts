import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { packagePath } from '../../core/package-root.js';
import { silentLogger } from '../../core/log.js';
import { EXIT, runCli } from '../../jobs/cli.js';

const FIXTURES = packagePath('test', 'fixtures', 'validation');

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
    // No config and no database: validate must not need either.
    env: { LEAD_ETL_CONFIG: join(mkdtempSync(join(tmpdir(), 'lead-etl-validate-')), 'missing.json') },
    clock: fixedClock('2026-03-07T12:00:00Z'),
    logger: silentLogger(),
  });
  return { code, stdout, stderr };
}

describe('lead-etl validate', () => {
  it('exits 0 with a summary line when nothing would be rejected', async () => {
    const result = await cli(['validate', join(FIXTURES, 'good'), '--from-day0']);
    expect(result).toMatchObject({ code: EXIT.ok, stderr: '' });
    expect(result.stdout).not.toContain('FILE');
    // Lead's own Sales Request is read for its sale ids, not checked.
    expect(result.stdout).toContain('2026-03-07_sales_request_V1.csv: written by Lead: read for the ids other files refer to, not validated');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('21 file(s) checked, 0 error(s), 0 warning(s)');
  });

  it('exits 0 when the files only take readings Lead has not confirmed, and lists them apart as warnings', async () => {
    const result = await cli(['validate', join(FIXTURES, 'cases', 'format-boolean-literal'), join(FIXTURES, 'cases', 'format-enum-unconfirmed')]);
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout.split('\n')[0]).toMatch(/^Warnings \(a reading of Lead's docs Lead has not confirmed; nothing is rejected for it\):$/);
    expect(result.stdout).toMatch(/2026-03-06_cards_V1\.csv\s+2\s+is_virtual\s+format\.boolean\.literal\s+is_virtual "FALSE" is read as a boolean/);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('2 file(s) checked, 0 error(s), 2 warning(s)');
  });

  it('takes a set starting at the Day 0 it is given as complete, and otherwise says which checks it could not make', async () => {
    const dir = join(FIXTURES, 'cases', 'cross-unknown-customer');
    const without = await cli(['validate', dir]);
    expect(without.code).toBe(EXIT.ok);
    expect(without.stdout).toMatch(/Not checked:\n {2}references not checked \(\d+ to Customer, 1 to Applications\): the set is not known to start at the program's Day 0/);
    expect(without.stdout).toMatch(/ {2}cross\.holder_type_mismatch: 1 row\(s\) not checked: they depend on records the set does not hold/);
    const from = await cli(['validate', dir, '--day0', '2026-03-06']);
    expect(from.code).toBe(EXIT.failed);
    expect(from.stdout).toMatch(/account_holders\s+cross\.unknown_customer/);
    expect((await cli(['validate', dir, '--day0', '2026-02-30'])).code).toBe(EXIT.usage);
  });

  it('exits 1 and prints a table of file, line, column, rule and message', async () => {
    const result = await cli(['validate', join(FIXTURES, 'cases', 'record-card-requires-bin'), join(FIXTURES, 'cases', 'integrity-column-count')]);
    expect(result.code).toBe(EXIT.failed);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^FILE\s+LINE\s+COLUMN\s+RULE\s+MESSAGE$/);
    expect(result.stdout).toMatch(/2026-03-06_accounts_V1\.csv\s+3\s+-\s+integrity\.column_count\s+21 fields where the header has 20/);
    expect(result.stdout).toMatch(/2026-03-07_transactions_V1\.csv\s+2\s+bin\s+record\.card_requires_bin\s+bin is required when transfer_type is card/);
    expect(result.stdout).toContain('failed file integrity: as at Lead, field formats, record rules and cross-file rules did not run');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('2 file(s) checked, 2 error(s), 0 warning(s)');
  });

  it('gives findings, files and a summary with --json', async () => {
    const result = await cli(['validate', '--json', join(FIXTURES, 'cases', 'cross-rollforward-deposit')]);
    expect(result.code).toBe(EXIT.failed);
    const json = JSON.parse(result.stdout) as { findings: unknown[]; files: { file: string; stages: Record<string, string> }[]; summary: unknown; limits: string[] };
    expect(json.summary).toEqual({ files: 4, errors: 1, warnings: 0, filesWithErrors: 1 });
    expect(json.limits).toEqual([expect.stringMatching(/^references not checked \(6 to Accounts, 1 to Cards\)/)]);
    expect(json.findings).toEqual([{
      file: join(FIXTURES, 'cases', 'cross-rollforward-deposit', 'balances', '2026-03-07_balances_V1.csv'),
      line: 2,
      column: 'balance',
      rule: 'cross.rollforward.deposit',
      severity: 'error',
      message: expect.stringContaining('balance of bal_1 is 92.81'),
    }]);
    expect(json.files.map((f) => f.stages['4'])).toEqual(['passed', 'passed', 'failed', 'passed']);
  });

  it('exits 2 for a usage error: no path, a path that does not exist, a bad option', async () => {
    for (const args of [['validate'], ['validate', join(FIXTURES, 'no-such-folder')], ['validate', '--program-currency', 'usd', FIXTURES], ['validate', '--profile', 'nope', FIXTURES], ['validate', '--jsn', FIXTURES]]) {
      const result = await cli(args);
      expect(result.code, args.join(' ')).toBe(EXIT.usage);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });

  it('still refuses operands for commands that take none', async () => {
    expect((await cli(['status', 'extra'])).code).toBe(EXIT.usage);
  });

  it('reads tokens and columns from a profile', async () => {
    const deposit = await cli(['validate', '--profile', 'deposit', join(FIXTURES, 'good')]);
    expect(deposit.code).toBe(EXIT.failed);
    // The deposit profile does not send applications: their names are not among its tokens.
    expect(deposit.stdout).toMatch(/2026-03-06_applications_V1\.csv\s+-\s+-\s+integrity\.file_name/);
    expect(deposit.stdout).not.toMatch(/2026-03-06_accounts_V1\.csv/);
  });
});
