import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedClock, systemClock } from '../../core/clock.js';
import { silentLogger } from '../../core/log.js';
import { EXIT, runCli, type CliIo } from '../../jobs/cli.js';
import { runDemo } from '../../jobs/demo.js';
import { loadProfile } from '../../config/load-profile.js';
import { programFilesOf } from '../../transform/program-file-types.js';
import { validateFiles } from '../../transform/validation/validate-files.js';
import { checkDocumentedRules } from '../support/lead-documented-rules.js';
import { DEMO_START, sharedDemo } from '../support/demo-run.js';
import { checkSentFiles } from '../support/lead-file-check.js';

function io() {
  const out: string[] = [];
  return { out, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), env: {}, clock: fixedClock(DEMO_START), logger: silentLogger() } };
}

describe('lead-etl demo', () => {
  it('sends Day 0 to Day N-1 in order to the Lead sandbox, each after Lead validated the one before, and leaves DIR/sftp/<folder>/<files>', async () => {
    // The demo test/validation/demo-files.test.ts reads too, run once per test run.
    const result = await sharedDemo({ days: 3, scale: 1, seed: 42, firstActivityDate: '2026-03-05' });
    const dir = result.dir;
    expect(result.ok, result.out).toBe(true);
    expect(result.fileDates).toEqual(['2026-03-06', '2026-03-07', '2026-03-08']);
    for (const folder of ['accounts', 'balances', 'transactions', 'non_posted_transactions']) {
      expect(readdirSync(join(dir, 'sftp', folder)).sort()).toEqual(result.fileDates.map((d) => `${d}_${folder}_V1.csv`));
    }
    expect(checkSentFiles(join(dir, 'sftp'))).toEqual([]);
    // Each date went once the Lead sandbox's channel said the one before validated.
    const text = result.out;
    expect(text).toContain('lead  ✅ 2026-03-07 Financial files processed successfully: 2026-03-07_balances_V1.csv, 2026-03-07_transactions_V1.csv, 2026-03-07_non_posted_transactions_V1.csv');
    expect(text).toContain('recorded: financial of 2026-03-08 validated (source sandbox)');
    expect(text).not.toContain('self-ack');
    const channel = readFileSync(join(dir, 'channel.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { text: string });
    // Three workflows a day (customer, compliance, financial) for three days.
    expect(channel).toHaveLength(9);
    expect(channel.every((m) => m.text.startsWith('✅ '))).toBe(true);
  });

  it('plays the operator when Lead rejects a file (--reject): records the rejection, reruns the date, sends V2, and goes on', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'lead-etl-demo-')), 'demo');
    const { out, io: demoIo } = io();
    const result = await runDemo({ days: 3, dir, scale: 1, seed: 42, firstActivityDate: '2026-03-05', rejects: ['1:balances'] }, demoIo);
    const text = out.join('');
    expect(result.ok, text).toBe(true);
    expect(result.fileDates).toEqual(['2026-03-06', '2026-03-07', '2026-03-08']);
    expect(readdirSync(join(dir, 'sftp', 'balances')).sort()).toEqual(['2026-03-06_balances_V1.csv', '2026-03-07_balances_V1.csv', '2026-03-07_balances_V2.csv', '2026-03-08_balances_V1.csv']);
    expect(readdirSync(join(dir, 'sftp', 'transactions')).sort()).toEqual(result.fileDates.map((d) => `${d}_transactions_V1.csv`));
    expect(text).toMatch(/lead {2}❌ 2026-03-07_balances_V1\.csv failed validation: line 2 column balance: .*\(injected by --reject\)/);
    expect(text).toContain('$ lead-etl ack --date 2026-03-07 --rejected --file balances');
    expect(text).toContain('$ lead-etl rerun --date 2026-03-07');
    expect(text).toContain('sent /balances/2026-03-07_balances_V2.csv');
    expect(text).toContain('lead  ✅ 2026-03-07 Financial files processed successfully: 2026-03-07_balances_V2.csv, 2026-03-07_transactions_V1.csv, 2026-03-07_non_posted_transactions_V1.csv');
    // Day 2 went only after that.
    expect(text.indexOf('Day 2  2026-03-08')).toBeGreaterThan(text.indexOf('2026-03-07_balances_V2.csv, '));
  });

  it('sends every file a credit program owes, the Sales Response answering each Sales Request, for a week', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'lead-etl-demo-')), 'demo');
    const { out, io: demoIo } = io();
    const result = await runDemo({ days: 7, dir, scale: 1, seed: 7, program: 'credit', firstActivityDate: '2026-03-05' }, demoIo);
    expect(result.ok, out.join('')).toBe(true);
    for (const folder of ['customer', 'customer_relationship', 'applications', 'accounts', 'cards', 'authorized_users', 'collaterals', 'balances', 'transactions', 'sales_response']) {
      expect(readdirSync(join(dir, 'sftp', folder)).sort(), folder).toEqual(result.fileDates.map((d) => `${d}_${folder}_V1.csv`));
    }
    expect(checkSentFiles(join(dir, 'sftp'))).toEqual([]);
    expect(checkDocumentedRules(join(dir, 'sftp'))).toEqual([]);
    // Every rule of Lead's, from Day 0, as the credit program's profile fits the files: not one error.
    const credit = loadProfile('credit', process.cwd());
    const report = await validateFiles([join(dir, 'sftp')], { day0: '2026-03-06', program: { files: programFilesOf(credit), profile: credit.profile } });
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const answered = readdirSync(join(dir, 'sftp', 'sales_response')).map((name) => readFileSync(join(dir, 'sftp', 'sales_response', name), 'utf8').trim().split('\n').length - 1);
    expect(answered.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('replaces an earlier demo in the same folder, and refuses a folder that holds something else', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'lead-etl-demo-')), 'demo');
    expect((await runDemo({ days: 1, dir, scale: 1, seed: 1, firstActivityDate: '2026-03-05' }, io().io)).ok).toBe(true);
    expect((await runDemo({ days: 1, dir, scale: 1, seed: 1, firstActivityDate: '2026-03-05' }, io().io)).ok).toBe(true);
    expect(readdirSync(join(dir, 'sftp', 'balances'))).toEqual(['2026-03-06_balances_V1.csv']);

    const other = mkdtempSync(join(tmpdir(), 'lead-etl-demo-other-'));
    writeFileSync(join(other, 'precious.txt'), 'keep me');
    await expect(runDemo({ days: 1, dir: other, scale: 1, seed: 1 }, io().io)).rejects.toThrow(/not empty and holds no earlier demo/);
    expect(existsSync(join(other, 'precious.txt'))).toBe(true);
  });

  it('leaves its config, which status and doctor use; doctor names Lead\'s side as stopped until the sandbox it prints runs again', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'lead-etl-demo-')), 'demo');
    let stop: (signal: string) => void = () => undefined;
    let announce: () => void = () => undefined;
    const announced = new Promise<void>((resolve) => { announce = resolve; });
    const cli = async (...args: string[]) => {
      let stdout = '';
      let stderr = '';
      const io: CliIo = {
        stdout: (t) => {
          stdout += t;
          if (t.includes('Stop it with Ctrl-C')) announce();
        },
        stderr: (t) => { stderr += t; },
        env: { LEAD_ETL_CONFIG: join(dir, 'lead-etl.json') }, clock: systemClock, logger: silentLogger(),
        untilStopped: () => new Promise<string>((resolve) => { stop = resolve; }),
      };
      const code = await runCli(args, io);
      return { code, stdout, stderr };
    };
    const demo = await cli('demo', '--days', '2', '--dir', dir, '--json');
    expect(demo.code, demo.stderr).toBe(EXIT.ok);
    const result = JSON.parse(demo.stdout) as { ok: boolean; fileDates: string[]; configFile: string; sandboxCommand: string };
    expect(result).toMatchObject({ ok: true, configFile: join(dir, 'lead-etl.json') });
    expect(demo.stderr).toContain(`export LEAD_ETL_CONFIG=${join(dir, 'lead-etl.json')}`);
    expect(JSON.parse(readFileSync(result.configFile, 'utf8'))).toMatchObject({ ledger: { driver: 'pglite', dataDir: 'db' }, archive: { dir: 'archive' }, sftp: { privateKeyFile: 'keys/partner_ed25519' } });

    const status = JSON.parse((await cli('status', '--json')).stdout) as { dates: { fileDate: string; validated: boolean }[]; streak: { days: number } };
    expect(status.dates.filter((d) => d.validated).map((d) => d.fileDate)).toEqual(result.fileDates);
    expect(status.streak.days).toBe(2);

    const stopped = JSON.parse((await cli('doctor', '--json')).stdout) as { ok: boolean; checks: { id: string; status: string; fix?: string }[] };
    expect(stopped.ok).toBe(false);
    expect(stopped.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['sftp.reachable', 'slack.token']);
    expect(stopped.checks.find((c) => c.id === 'sftp.reachable')!.fix).toContain(result.sandboxCommand.replace(' --quiet-seconds 0', ''));

    // Lead's side again, on the demo's folder, ports and keys.
    const sandbox = cli(...result.sandboxCommand.split(' ').slice(1));
    await Promise.race([announced, sandbox]);
    try {
      const doctor = await cli('doctor', '--json');
      const report = JSON.parse(doctor.stdout) as { ok: boolean; checks: { id: string; status: string }[] };
      expect(report.checks.filter((c) => c.status !== 'pass')).toEqual([]);
      expect(doctor.code).toBe(EXIT.ok);
    } finally {
      stop('SIGTERM');
      expect((await sandbox).code).toBe(EXIT.ok);
    }
  });
});
