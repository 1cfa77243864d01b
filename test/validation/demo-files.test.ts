import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDemo } from '../support/demo-run.js';
import { validateFiles } from '../../transform/validation/validate-files.js';

describe('the files a demo sends', () => {
  it('are what Lead would take: no finding over three dates, from Day 0', async () => {
    // The demo test/jobs/demo.test.ts reads too, run once per test run.
    const result = await sharedDemo({ days: 3, scale: 1, seed: 42 });
    const dir = result.dir;
    expect(result.ok, result.out).toBe(true);

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
