import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

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

/** How much a transfer moves between two young collections (see youngCollectorEvery). */
export const TRANSFER_COLLECT_BYTES = 4 * 1024 * 1024;

// Node 20's V8 reads only { type: 'minor' }; gc() alone is a full collection.
type Collect = (options?: { type: 'minor' }) => void;
let collect: Collect | undefined;

/**
 * An SFTP transfer allocates a fresh ~32 KB buffer or two per chunk (ssh2's packets) and hardly any JS
 * objects, so V8 ran no young collection during one and the dead buffers piled up outside the heap until
 * external-memory pressure forced a full collection: 25-40 MB more RSS over a big file. A young collection
 * (of an almost empty young generation) every TRANSFER_COLLECT_BYTES frees them as they go: a 400 MB
 * fastPut over loopback rose 17 MB instead of 40, in the same time. V8 hands out its collector only to a
 * context made while --expose-gc is set; the flag is set back at once, so no script sees a global gc.
 * Returns a function to call with the bytes moved so far.
 */
export function youngCollectorEvery(bytes = TRANSFER_COLLECT_BYTES): (movedSoFar: number) => void {
  const run = collector();
  let next = bytes;
  return (movedSoFar) => {
    if (movedSoFar < next) return;
    next = movedSoFar + bytes;
    run({ type: 'minor' });
  };
}

/**
 * One full collection, when a big stage has just let go of everything it held: the pre-flight of a date
 * leaves some 40-60 MB of dead old generation at 1M rows, which V8 would carry (and the RSS with it)
 * through the recording and the upload until its own next full collection.
 */
export function collectFully(): void {
  collector()();
}

function collector(): Collect {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as Collect;
    setFlagsFromString('--no-expose-gc');
  }
  return collect;
}
