import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { silentLogger } from '../../core/log.js';
import { EXIT, runCli, type CliIo } from '../../jobs/cli.js';
import { startSftpFixture, type SftpFixture } from '../support/sftp.js';

/**
 * The operator's console on one program without a Slack channel, as an operator lives it: every run
 * says what the date waits for and which command moves it on, status pictures it, backfill names the
 * date it really waits on, and the HTML page shows the same in a real browser (Debian's Chromium).
 */
const CHROMIUM = '/usr/bin/chromium';
const clock = fixedClock('2026-03-06T12:00:00Z');
let sftp: SftpFixture;
let config: string;

async function cli(...args: string[]) {
  return cliOn(undefined, ...args);
}

/** As on a terminal that takes colour (what Node's hasColors says when NO_COLOR is unset). */
async function cliOn(terminal: CliIo['terminal'], ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; },
    env: { LEAD_ETL_CONFIG: config }, clock, logger: silentLogger(), ...(terminal ? { terminal } : {}),
  });
  return { code, stdout, stderr, json: () => JSON.parse(stdout) };
}

interface Cell { workflow: string; state: string; late: boolean; waitingFor?: string; files: { name: string; status: string; answer: { text: string | null; source: string | null } | null }[] }
interface Row { fileDate: string; validated: boolean; rejected: boolean; late: boolean; waitingFor?: string; cells: Cell[] }
const statusJson = async () => (await cli('status', '--json')).json() as { dates: Row[]; streak: { days: number; through: string | null } };
const cellsOf = (row: Row | undefined) => Object.fromEntries((row?.cells ?? []).map((c) => [c.workflow, c.state]));

beforeAll(async () => {
  sftp = await startSftpFixture();
  const dir = mkdtempSync(join(tmpdir(), 'lead-etl-console-'));
  writeFileSync(join(dir, 'client_key'), sftp.clientKey.privateKey, { mode: 0o600 });
  config = join(dir, 'lead-etl.json');
  writeFileSync(config, JSON.stringify({
    program: { firstFileDate: '2026-03-06' },
    ledger: { dataDir: 'db' },
    archive: { dir: 'archive' },
    sftp: { host: sftp.server.host, port: sftp.server.port, username: sftp.username, privateKeyFile: 'client_key', hostKeyFingerprint: sftp.server.hostKeyFingerprint },
    log: { level: 'silent' },
  }));
  expect((await cli('seed', '--days', '3')).code).toBe(EXIT.ok);
  expect((await cli('migrate')).code).toBe(EXIT.ok);
}, 120_000);

afterAll(async () => {
  await sftp?.dispose();
});

describe('a program without a Slack channel', () => {
  it('says at every run what the date waits for and the command that moves it on, one workflow at a time', async () => {
    const first = await cli('run', '--date', '2026-03-06', '--json');
    expect(first.code, first.stderr).toBe(EXIT.waiting);
    const hint = "Customer batches: waiting for Lead's answer: record it with `lead-etl ack --date 2026-03-06 --workflow customer --validated`";
    expect(first.json()).toMatchObject({ outcome: 'waiting', exitCode: EXIT.waiting, waitingOn: { fileDate: '2026-03-06', waitingFor: expect.stringContaining(hint) } });
    expect(first.json().uploaded.map((f: { name: string }) => f.name)).toEqual(['2026-03-06_customer_V1.csv', '2026-03-06_customer_relationship_V1.csv']);
    expect(first.stderr).toContain(`next: 2026-03-06 ${hint}`);

    const picture = await statusJson();
    expect(cellsOf(picture.dates[0])).toEqual({ customer: 'operator', compliance: 'built', financial: 'built' });
    expect(picture.dates[0]!.cells[1]!.waitingFor).toBe('waiting for Lead to validate the Customer batches files of 2026-03-06 first');
    const text = (await cli('status')).stdout;
    expect(text).toMatch(/^2026-03-06\s+needs operator\s+built\s+built\s+Customer batches: waiting for Lead's answer/m);
    expect(text).toContain("Lead's answers recorded by hand (no Slack channel configured)");

    const ack = await cli('ack', '--date', '2026-03-06', '--workflow', 'customer', '--validated', '--json');
    expect(ack.json()).toMatchObject({ fileDate: '2026-03-06', outcome: 'validated', files: [{ name: '2026-03-06_customer_V1.csv', status: 'validated' }, { name: '2026-03-06_customer_relationship_V1.csv', status: 'validated' }] });
    const second = await cli('run', '--date', '2026-03-06');
    expect(second.code).toBe(EXIT.waiting);
    expect(second.stderr).toContain('`lead-etl ack --date 2026-03-06 --workflow compliance --validated`');
    expect((await cli('ack', '--date', '2026-03-06', '--workflow', 'compliance', '--validated')).code).toBe(EXIT.ok);
    const third = await cli('run', '--date', '2026-03-06');
    expect(third.code, third.stderr).toBe(EXIT.ok);
    expect(third.stdout).toContain('uploaded  /balances/2026-03-06_balances_V1.csv');
    expect((await statusJson()).dates[0]!.waitingFor).toContain('`lead-etl ack --date 2026-03-06 --workflow financial --validated`');
    expect((await cli('ack', '--date', '2026-03-06', '--workflow', 'financial', '--validated', '--reason', 'all good')).code).toBe(EXIT.ok);

    const after = await statusJson();
    expect(after.dates[0]).toMatchObject({ fileDate: '2026-03-06', validated: true, rejected: false, late: false });
    expect(after.streak).toMatchObject({ days: 1, through: '2026-03-06' });
  });

  it('backfills with a line per date and names the date it really waits on', async () => {
    // Early on the 8th: the 8th's activity day (the 7th) has ended and settled, so every date may be sent.
    clock.set('2026-03-08T07:00:00Z');
    const result = await cli('backfill', '--from', '2026-03-06', '--to', '2026-03-08', '--json');
    expect(result.code, result.stderr).toBe(EXIT.waiting);
    expect(result.stderr).toContain('backfill 2026-03-06: ok; 1 done, 2 left');
    expect(result.stderr).toContain('backfill 2026-03-07: waiting; 1 done, 1 left');
    // The 7th waits for Lead's answer on its own Customer files, not for the 6th.
    expect(result.json()).toMatchObject({
      done: 1, exitCode: EXIT.waiting,
      stoppedAt: { fileDate: '2026-03-07', outcome: 'waiting' },
      waitingOn: { fileDate: '2026-03-07', waitingFor: expect.stringContaining('`lead-etl ack --date 2026-03-07 --workflow customer --validated`') },
    });
    expect(result.stderr).toContain('waiting on 2026-03-07: Customer batches');
  });

  it('pictures a rejection and a missed deadline, restarts the go-live count, and plans the next version', async () => {
    const rejected = await cli('ack', '--date', '2026-03-07', '--rejected', '--file', 'customer', '--reason', 'line 2 column email: invalid address');
    expect(rejected.code, rejected.stderr).toBe(EXIT.ok);
    // Past 06:00 CT on the 8th: the 7th's files are not in Lead's hands in time.
    clock.set('2026-03-08T13:00:00Z');
    const picture = await statusJson();
    const seventh = picture.dates.find((d) => d.fileDate === '2026-03-07')!;
    expect(seventh).toMatchObject({ rejected: true, late: true, validated: false });
    expect(seventh.cells[0]).toMatchObject({ state: 'rejected', late: true, waitingFor: expect.stringContaining('`lead-etl rerun --date 2026-03-07`') });
    expect(seventh.cells[0]!.files[0]!.answer).toEqual({ outcome: 'rejected', at: expect.any(String), source: 'operator', text: 'line 2 column email: invalid address' });
    expect(picture.streak.days).toBe(0);
    const eighth = picture.dates.find((d) => d.fileDate === '2026-03-08')!;
    expect(eighth.waitingFor).toContain('waiting for 2026-03-07 to be validated first (Customer batches: waiting for a rerun');

    const detail = await cli('status', '--date', '2026-03-07');
    expect(detail.stdout).toContain('2026-03-07: not validated, a file was rejected, late');
    expect(detail.stdout).toMatch(/2026-03-07_customer_V1\.csv\s+rejected\s+\d+\s+\d+\s+[0-9a-f]{12}\s+2026-03-0\dT[\d:]+Z\s+rejected \(operator\): line 2 column email: invalid address/);
    // Colour on a terminal only, and never with --no-color; the same words either way.
    const ESC = String.fromCharCode(27);
    const coloured = await cliOn({ stdout: true, color: true }, 'status');
    expect(coloured.stdout).toContain(`${ESC}[32m`);
    expect(coloured.stdout).toMatch(new RegExp(`${ESC}\\[31m${ESC}\\[1mrejected, late`));
    const plain = await cliOn({ stdout: true, color: true }, 'status', '--no-color');
    expect(plain.stdout).not.toContain(ESC);
    expect(coloured.stdout.replace(new RegExp(`${ESC}\\[\\d+m`, 'g'), '')).toBe(plain.stdout);
    expect((await cli('status')).stdout).toBe(plain.stdout);

    const dryRun = await cli('rerun', '--date', '2026-03-07', '--dry-run', '--json');
    expect(dryRun.json()).toMatchObject({ dryRun: true, plans: [{ fileType: 'customer', nextName: '2026-03-07_customer_V2.csv' }] });
  });

  const noChromium = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is not installed (apt-get install -y chromium; .ci/run does it)`;
  it.skipIf(noChromium)(`shows every date and workflow with its state in a real browser, and a cell's files on a click${noChromium ? ` (skipped: ${noChromium})` : ''}`, async () => {
    const page = join(mkdtempSync(join(tmpdir(), 'lead-etl-page-')), 'status.html');
    const written = await cli('status', '--html', page);
    expect(written.code, written.stderr).toBe(EXIT.ok);
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      const tab = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const requests: string[] = [];
      tab.on('request', (request) => requests.push(request.url()));
      await tab.goto(`file://${page}`);
      // Self-contained: the page itself is the only thing the browser loaded.
      expect(requests).toEqual([`file://${page}`]);

      const cellText = (date: string) => tab.locator(`td.day[data-date="${date}"] button.cell`).allInnerTexts();
      expect((await cellText('2026-03-06')).map((t) => t.replace(/\s+/g, ' ').trim())).toEqual(['Customer batches validated', 'Compliance validated', 'Financial validated']);
      expect((await cellText('2026-03-07')).map((t) => t.replace(/\s+/g, ' ').trim())).toEqual(['Customer batches rejected, late', 'Compliance built, late', 'Financial built, late']);
      expect((await cellText('2026-03-08')).map((t) => t.replace(/\s+/g, ' ').trim())).toEqual(['Customer batches due', 'Compliance due', 'Financial due']);
      for (const date of ['2026-03-06', '2026-03-07', '2026-03-08']) expect(await tab.locator(`td.day[data-date="${date}"]`).isVisible()).toBe(true);
      // The rejected, late date stands out: a red outline and its flags.
      const seventh = tab.locator('td.day[data-date="2026-03-07"]');
      expect(await seventh.locator('.flag').allInnerTexts()).toEqual(['REJECTED', 'LATE']);
      expect(await seventh.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { outlineColor: string } }).getComputedStyle(el).outlineColor)).toBe('rgb(198, 40, 40)');
      expect(await tab.locator('td.day[data-date="2026-03-06"]').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string } }).getComputedStyle(el).outlineStyle)).toBe('none');
      expect(await tab.locator('.streak').innerText()).toContain('Streak: 0 consecutive validated date(s)');

      const dialog = tab.locator('dialog#detail');
      expect(await dialog.isVisible()).toBe(false);
      await seventh.getByRole('button', { name: /Customer batches/ }).click();
      expect(await dialog.isVisible()).toBe(true);
      const shown = await dialog.innerText();
      expect(shown).toContain('2026-03-07 · Customer batches: rejected, late');
      expect(shown).toContain('2026-03-07_customer_V1.csv');
      expect(shown).toContain('line 2 column email: invalid address');
      expect(shown).toContain('lead-etl rerun --date 2026-03-07');
      await dialog.getByRole('button', { name: 'Close' }).click();
      expect(await dialog.isVisible()).toBe(false);

      await tab.locator('td.day[data-date="2026-03-06"]').getByRole('button', { name: /Financial/ }).click();
      const financial = await dialog.innerText();
      expect(financial).toContain('2026-03-06_balances_V1.csv');
      expect(financial).toMatch(/[0-9a-f]{64}/);
      expect(financial).toContain('validated (operator)');
      expect(financial).toContain('all good');
    } finally {
      await browser?.close();
    }
  }, 60_000);
});
