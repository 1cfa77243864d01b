import { setFlagsFromString } from 'node:v8';

/**
 * V8 lets the old generation grow to up to 4 times what survived its last full collection when the heap
 * may reach gigabytes, and most of a run's peak RSS was that slack of batches long dead, not live data
 * (a 100k day: 250-270 MB peak, ~45 MB live). Growing by half instead held that day to 180-200 MB and a
 * 1M day to 310 MB (from 528) for about a tenth more CPU (npm run bench, 2026-12-01); 30 gave a few MB less
 * for a quarter more.
 */
export const HEAP_GROWING_FLAG = '--heap-growing-percent=50';

/**
 * V8 reads the factor at each full collection, so setting it once the modules are loaded is in time. Node
 * 20's V8 has the flag (test/core/heap.test.ts); one without it would say so on stderr.
 */
export function tuneHeap(): void {
  setFlagsFromString(HEAP_GROWING_FLAG);
}
