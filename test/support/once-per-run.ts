import { inject } from 'vitest';

/**
 * Set-ups made once per test run and shared by every test file that needs them, whichever worker runs it:
 * database templates (templates.ts), a demo that several files read. The registry lives in vitest's main
 * process (global-setup.ts serves it over HTTP on loopback): the first worker to ask for a key is told to
 * make it, in a folder and under a database name the registry gives it, and every later ask waits until
 * that worker reports what it made. So each is made once per run, by a worker (several at once, in
 * parallel), and the registry removes every folder and drops every database it named at the end of the
 * run. Names carry the main process's pid; a run that finds those of a process that no longer exists (a
 * run that was killed) removes them.
 */
export interface OncePerRunPlace {
  /** A folder of its own, removed at the end of the run. */
  readonly dir: string;
  /** A database name of its own (for CREATE DATABASE), dropped at the end of the run if it exists. */
  readonly database: string;
}

export type OncePerRunAnswer = { readonly ready: unknown } | { readonly build: OncePerRunPlace };

const made = new Map<string, Promise<unknown>>();

/**
 * What `build` makes for `key`, made once per run: asked of the registry once per worker, and made by this
 * worker when the registry says so. `key` names everything that shapes the result.
 */
export function oncePerRun<T>(key: string, build: (place: OncePerRunPlace) => Promise<T>): Promise<T> {
  let value = made.get(key);
  if (!value) {
    value = askOrMake(key, build);
    made.set(key, value);
    // A failure is not kept: the next test asks again and gets the registry's answer first-hand.
    value.catch(() => made.delete(key));
  }
  return value as Promise<T>;
}

async function askOrMake<T>(key: string, build: (place: OncePerRunPlace) => Promise<T>): Promise<T> {
  const url = inject('leadEtlOncePerRun');
  if (!url) throw new Error('no once-per-run registry: the tests run through vitest.config.ts, whose globalSetup (test/support/global-setup.ts) starts it');
  const post = async (path: string, body: object): Promise<unknown> => {
    const response = await fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body) });
    if (!response.ok) throw new Error(await response.text());
    return response.json();
  };
  const answer = (await post('/ask', { key })) as OncePerRunAnswer;
  if ('ready' in answer) return answer.ready as T;
  try {
    const value = await build(answer.build);
    await post('/made', { key, value });
    return value;
  } catch (error) {
    await post('/made', { key, error: error instanceof Error ? error.stack ?? error.message : String(error) });
    throw error;
  }
}

