import { addDays, type FileDate } from '../core/file-date.js';
import type { JobContext } from './job-context.js';
import { runFileDate, type RunResult } from './run-file-date.js';
import { assertDateSendable } from './sendable-date.js';

/**
 * `lead-etl backfill`: every date from A to B, in order, under the same waits as a daily run. It stops
 * at the first date that waits for Lead (or fails) and can simply be called again: dates already sent
 * are recognised from the state store and nothing is sent twice. A range reaching before Day 0 or past
 * the newest settled date is refused whole, before anything runs; each date is run under its own lock,
 * so a backfill beside a `run` of the same date never acts on it at the same time.
 */
export interface BackfillProgress {
  readonly done: number;
  readonly left: number;
  readonly waitingOn?: FileDate;
  readonly current: FileDate;
  readonly result: RunResult;
}

export async function backfill(
  ctx: JobContext,
  from: FileDate,
  to: FileDate,
  onProgress: (progress: BackfillProgress) => void = () => undefined,
): Promise<{ done: number; stoppedAt?: RunResult }> {
  assertDateSendable(ctx.config, ctx.clock.now(), from);
  assertDateSendable(ctx.config, ctx.clock.now(), to);
  const dates: FileDate[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) dates.push(date);
  let done = 0;
  for (const [index, date] of dates.entries()) {
    const result = await runFileDate(ctx, date);
    if (result.outcome === 'ok') done += 1;
    onProgress({
      done, left: dates.length - index - 1, current: date, result,
      ...(result.outcome === 'waiting' ? { waitingOn: addDays(date, -1) } : {}),
    });
    if (result.outcome !== 'ok') return { done, stoppedAt: result };
  }
  return { done };
}
