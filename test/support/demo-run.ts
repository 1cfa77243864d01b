import { join } from 'node:path';
import { fixedClock } from '../../core/clock.js';
import type { FileDate } from '../../core/file-date.js';
import { silentLogger } from '../../core/log.js';
import { runDemo, type DemoOptions } from '../../jobs/demo.js';
import { oncePerRun } from './once-per-run.js';

/**
 * `lead-etl demo` run once per test run with these options, for the tests that only read what it left
 * (its folder, its result, what it printed): a demo costs seconds, and the same demo read by two test
 * files is run once. A test that changes the folder runs a demo of its own.
 */
export interface DemoRun {
  readonly ok: boolean;
  readonly dir: string;
  readonly fileDates: readonly FileDate[];
  /** What the demo printed, stdout and stderr in order. */
  readonly out: string;
}

/** The clock every demo test starts from: after every date of a demo has settled. */
export const DEMO_START = '2026-03-31T07:00:00Z';

export function sharedDemo(options: Omit<DemoOptions, 'dir' | 'logLevel'>): Promise<DemoRun> {
  return oncePerRun(`demo ${JSON.stringify(options)}`, async (place) => {
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), env: {}, clock: fixedClock(DEMO_START), logger: silentLogger() };
    const result = await runDemo({ ...options, dir: join(place.dir, 'demo') }, io);
    return { ok: result.ok, dir: result.dir, fileDates: result.fileDates, out: out.join('') };
  });
}
