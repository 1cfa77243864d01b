import { spawnSync } from 'node:child_process';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { collectFully, HEAP_GROWING_FLAG, youngCollectorEvery } from '../../core/heap.js';

const setInChild = (flag: string) => spawnSync(process.execPath, ['-e', `require('node:v8').setFlagsFromString(${JSON.stringify(flag)})`], { encoding: 'utf8' });

describe('the heap flag lead-etl sets', () => {
  it('is one this Node\'s V8 knows (an unknown one is reported on stderr)', () => {
    expect(setInChild('--no-such-heap-flag-at-all').stderr).toMatch(/unrecognized flag/);
    const known = setInChild(HEAP_GROWING_FLAG);
    expect(known.status).toBe(0);
    expect(known.stderr).toBe('');
  });
});

/** How many collections of `kind` V8 ran while `run` did, and shortly after. */
async function collectionsDuring(kind: number, run: () => void): Promise<number> {
  let seen = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if ((entry as { detail?: { kind?: number } }).detail?.kind === kind) seen += 1;
  });
  observer.observe({ entryTypes: ['gc'] });
  run();
  await new Promise((resolve) => setTimeout(resolve, 100));
  observer.disconnect();
  return seen;
}

describe('the young collection a transfer runs as it goes', () => {
  it('runs once each time the bytes moved pass the next step, not on every chunk, and leaves no global gc', async () => {
    const minor = await collectionsDuring(constants.NODE_PERFORMANCE_GC_MINOR, () => {
      const collected = youngCollectorEvery(1024 * 1024);
      // 100 chunks of 64 KB: 6.2 MB, past 1, 2, ... 6 MB.
      for (let i = 0; i < 100; i += 1) collected(i * 64 * 1024);
    });
    expect(minor).toBeGreaterThanOrEqual(6);
    expect(minor).toBeLessThan(20);
    expect('gc' in globalThis).toBe(false);
  });
});

describe('the full collection after a date\'s pre-flight', () => {
  it('is one major collection, and leaves no global gc', async () => {
    expect(await collectionsDuring(constants.NODE_PERFORMANCE_GC_MAJOR, collectFully)).toBeGreaterThanOrEqual(1);
    expect('gc' in globalThis).toBe(false);
  });
});
