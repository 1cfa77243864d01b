/**
 * Deadlines for remote work. A remote server that stops answering must turn into an error the
 * pipeline can report, not a run that hangs until someone notices; the library calls we wrap have no
 * deadline of their own.
 */

/** Settles with `work`, or calls `onExpired` (whose error becomes the rejection) once `ms` pass first. */
export function withDeadline<T>(work: Promise<T>, ms: number, onExpired: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onExpired()), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * Like withDeadline, but the clock restarts every time the work reports progress. A large file on a
 * slow link may legitimately take far longer than any fixed budget; what marks a hung transfer is a
 * stretch of `ms` with no progress at all.
 */
export function withIdleDeadline<T>(
  start: (progressed: () => void) => Promise<T>,
  ms: number,
  onExpired: () => Error,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let timer = setTimeout(expire, ms);
    function expire(): void {
      settled = true;
      reject(onExpired());
    }
    const progressed = (): void => {
      if (settled) return;
      clearTimeout(timer);
      timer = setTimeout(expire, ms);
    };
    let work: Promise<T>;
    try {
      work = start(progressed);
    } catch (error) {
      clearTimeout(timer);
      reject(error);
      return;
    }
    work.then(
      (value) => {
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        settled = true;
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Resolves true when `work` settles within `ms`, false when the time runs out first; never rejects. */
export function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const done = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    work.then(done, done);
  });
}
