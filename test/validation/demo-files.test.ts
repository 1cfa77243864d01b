import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { silentLogger } from '../../core/log.js';
import { EXIT, runCli } from '../../jobs/cli.js';
import { runDemo } from '../../jobs/demo.js';
import { REFERENCE_LEDGER_QUERIES_DIR } from '../../reference-program/paths.js';
import { validateFiles } from '../../transform/validation/validate-files.js';
import { checkDocumentedRules } from '../support/lead-documented-rules.js';
import { checkSentFiles } from '../support/lead-file-check.js';

describe('the files a demo sends', () => {
  it('are what Lead would take, and once recorded they are history: validate gives no finding either way', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'lead-etl-validate-demo-')), 'demo');
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), env: {}, clock: fixedClock('2026-03-31T07:00:00Z'), logger: silentLogger() };
    const result = await runDemo({ days: 3, dir, scale: 1, seed: 42 }, io);
    expect(result.ok, out.join('')).toBe(true);
    const sftp = join(dir, 'sftp');
    expect(checkSentFiles(sftp)).toEqual([]);
    expect(checkDocumentedRules(sftp)).toEqual([]);

    // The files alone, from Day 0 (so every reference is checked), and without knowing it.
    for (const options of [{ day0: '2026-03-06' }, {}]) {
      const report = await validateFiles([sftp], options);
      expect(report.findings, JSON.stringify(options)).toEqual([]);
      // Three dates of the deposit profile's eight file types.
      expect(report.summary.files).toBe(24);
      // Every file went through every stage: nothing was skipped for an earlier failure.
      for (const file of report.files) expect(file.stages, file.file).toEqual({ 1: 'passed', 2: 'passed', 3: 'passed', 4: 'passed' });
    }

    // With the demo's own config: every file is recorded in the state store, so it is history.
    const config = join(dir, 'lead-etl.json');
    writeFileSync(config, JSON.stringify({
      program: { name: 'demo-deposit', profile: 'deposit', firstFileDate: '2026-03-06' },
      ledger: { driver: 'pglite', dataDir: join(dir, 'db') }, queries: { dir: REFERENCE_LEDGER_QUERIES_DIR }, archive: { dir: join(dir, 'archive') },
    }));
    let stdout = '';
    const code = await runCli(['validate', '--config', config, '--json', sftp], { ...io, stdout: (t) => { stdout += t; } });
    const report = JSON.parse(stdout) as { findings: unknown[]; files: { notes: string[] }[]; summary: { files: number } };
    expect({ code, findings: report.findings, files: report.summary.files }).toEqual({ code: EXIT.ok, findings: [], files: 0 });
    for (const file of report.files) expect(file.notes).toContain('recorded in the state store as sent (same name and content): history, not a new submission, so not checked');
  });
});
