import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { silentLogger } from '../../core/log.js';
import { runDemo } from '../../jobs/demo.js';
import { validateFiles } from '../../transform/validation/validate-files.js';

describe('the files a demo sends', () => {
  it('are what Lead would take: no finding over three dates, from Day 0', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'lead-etl-validate-demo-')), 'demo');
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), env: {}, clock: fixedClock('2026-03-31T07:00:00Z'), logger: silentLogger() };
    const result = await runDemo({ days: 3, dir, scale: 1, seed: 42 }, io);
    expect(result.ok, out.join('')).toBe(true);

    for (const fromDay0 of [true, false]) {
      const report = await validateFiles([join(dir, 'sftp')], { fromDay0 });
      expect(report.findings, `fromDay0 ${fromDay0}`).toEqual([]);
      // Three dates of the deposit profile's seven file types.
      expect(report.summary.files).toBe(21);
      // Every file went through every stage: nothing was skipped for an earlier failure.
      for (const file of report.files) expect(file.stages, file.file).toEqual({ 1: 'passed', 2: 'passed', 3: 'passed', 4: 'passed' });
    }
  });
});
