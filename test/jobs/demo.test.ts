import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { silentLogger } from '../../core/log.js';
import { runDemo } from '../../jobs/demo.js';
import { DEMO_START, sharedDemo } from '../support/demo-run.js';
import { checkSentFiles } from '../support/lead-file-check.js';

function io() {
  const out: string[] = [];
  return { out, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), env: {}, clock: fixedClock(DEMO_START), logger: silentLogger() } };
}

describe('lead-etl demo', () => {
  it('sends Day 0 to Day N-1 in order to the Lead sandbox, each after Lead validated the one before, and leaves DIR/sftp/<folder>/<files>', async () => {
    // The demo test/validation/demo-files.test.ts reads too, run once per test run.
    const result = await sharedDemo({ days: 3, scale: 1, seed: 42 });
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
    const result = await runDemo({ days: 3, dir, scale: 1, seed: 42, rejects: ['1:balances'] }, demoIo);
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
    const result = await runDemo({ days: 7, dir, scale: 1, seed: 7, program: 'credit' }, demoIo);
    expect(result.ok, out.join('')).toBe(true);
    for (const folder of ['customer', 'customer_relationship', 'applications', 'accounts', 'cards', 'authorized_users', 'collaterals', 'balances', 'transactions', 'sales_response']) {
      expect(readdirSync(join(dir, 'sftp', folder)).sort(), folder).toEqual(result.fileDates.map((d) => `${d}_${folder}_V1.csv`));
    }
    expect(checkSentFiles(join(dir, 'sftp'))).toEqual([]);
    const answered = readdirSync(join(dir, 'sftp', 'sales_response')).map((name) => readFileSync(join(dir, 'sftp', 'sales_response', name), 'utf8').trim().split('\n').length - 1);
    expect(answered.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('replaces an earlier demo in the same folder, and refuses a folder that holds something else', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'lead-etl-demo-')), 'demo');
    expect((await runDemo({ days: 1, dir, scale: 1, seed: 1 }, io().io)).ok).toBe(true);
    expect((await runDemo({ days: 1, dir, scale: 1, seed: 1 }, io().io)).ok).toBe(true);
    expect(readdirSync(join(dir, 'sftp', 'balances'))).toEqual(['2026-03-06_balances_V1.csv']);

    const other = mkdtempSync(join(tmpdir(), 'lead-etl-demo-other-'));
    writeFileSync(join(other, 'precious.txt'), 'keep me');
    await expect(runDemo({ days: 1, dir: other, scale: 1, seed: 1 }, io().io)).rejects.toThrow(/not empty and holds no earlier demo/);
    expect(existsSync(join(other, 'precious.txt'))).toBe(true);
  });
});
