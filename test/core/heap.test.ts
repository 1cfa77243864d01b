import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_FLAG } from '../../core/heap.js';

const setInChild = (flag: string) => spawnSync(process.execPath, ['-e', `require('node:v8').setFlagsFromString(${JSON.stringify(flag)})`], { encoding: 'utf8' });

describe('the heap flag lead-etl sets', () => {
  it('is one this Node\'s V8 knows (an unknown one is reported on stderr)', () => {
    expect(setInChild('--no-such-heap-flag-at-all').stderr).toMatch(/unrecognized flag/);
    const known = setInChild(HEAP_GROWING_FLAG);
    expect(known.status).toBe(0);
    expect(known.stderr).toBe('');
  });
});
