import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { silentLogger } from '../../core/log.js';
import { EXIT, runCli } from '../../jobs/cli.js';
import { DEMO_START, sharedDemo } from '../support/demo-run.js';
import { validateFiles } from '../../transform/validation/validate-files.js';
import { checkDocumentedRules } from '../support/lead-documented-rules.js';
import { checkSentFiles } from '../support/lead-file-check.js';

describe('the files a demo sends', () => {
  it('are what Lead would take, and once recorded they are history: validate gives no finding either way', async () => {
    // The demo test/jobs/demo.test.ts reads too, run once per test run.
    const result = await sharedDemo({ days: 3, scale: 1, seed: 42, firstActivityDate: '2026-03-05' });
    const dir = result.dir;
    expect(result.ok, result.out).toBe(true);
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

    // With the config the demo left: every file is recorded in the state store, so it is history.
    const config = join(dir, 'lead-etl.json');
    const io = { stdout: (_t: string) => undefined, stderr: (_t: string) => undefined, env: {}, clock: fixedClock(DEMO_START), logger: silentLogger() };
    let stdout = '';
    const code = await runCli(['validate', '--config', config, '--json', sftp], { ...io, stdout: (t) => { stdout += t; } });
    const report = JSON.parse(stdout) as { findings: unknown[]; files: { notes: string[] }[]; summary: { files: number } };
    expect({ code, findings: report.findings, files: report.summary.files }).toEqual({ code: EXIT.ok, findings: [], files: 0 });
    for (const file of report.files) expect(file.notes).toContain('recorded in the state store as sent (same name and content): history, not a new submission, so not checked');
  });
});
