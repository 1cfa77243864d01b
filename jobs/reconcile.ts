import type { DateTime } from 'luxon';
import { describeError, isLeadEtlError } from '../core/errors.js';
import type { FileDate } from '../core/file-date.js';
import { notifyOnce, type Alert, type WebhookPost } from '../load/notify.js';
import { dateScope, withDateLock } from '../load/state/date-lock.js';
import { filesForDate, liveFile, type FileRecord } from '../load/state/state-store.js';
import { recordLeadAnswers, type RecordedAnswers } from './record-lead-answers.js';
import type { AckSource } from '../load/ack-source.js';
import { dateWaits, type DateWait } from './date-waits.js';
import { dueDates, findAlerts, nextDeadlineDate } from './deadline-watch.js';
import type { JobContext } from './job-context.js';
import { runFileDate, type RunResult } from './run-file-date.js';

/**
 * One daemon tick. Everything is worked out again from the state store, never from "did the timer
 * fire": a tick after downtime catches up every date missed, and a tick that runs twice finds nothing
 * left to do. Order: read Lead's answers, send what the waits allow (oldest date first), raise alerts.
 */
export interface TickReport {
  readonly at: string;
  readonly acknowledged: number;
  readonly runs: readonly RunResult[];
  readonly alerts: readonly Alert[];
  /** A date another process is working on; this tick left it alone. */
  readonly busy?: FileDate;
  /** What went wrong: a run that threw or could not send. A tick with any is a failed tick. */
  readonly failures: readonly TickFailure[];
  /** What each source's answers changed (for the daemon's counts). */
  readonly answers: readonly RecordedAnswers[];
  /** What each open date waits for after this tick. */
  readonly waits: readonly DateWait[];
  /** The date whose deadline comes next: the oldest not yet uploaded, or the next to be built. */
  readonly nextDeadline?: FileDate;
}

export interface TickFailure {
  readonly fileDate?: FileDate;
  /** The LeadEtlError code, when there is one (SFTP_HOST_KEY_MISMATCH...). */
  readonly code?: string;
  readonly message: string;
  /** Files the failed run built before it failed (a run that returned has them in `runs`). */
  readonly built?: readonly FileRecord[];
}

export async function reconcileTick(
  ctx: JobContext,
  now: DateTime,
  deps: { ackSources?: readonly AckSource[]; post?: WebhookPost } = {},
): Promise<TickReport> {
  let acknowledged = 0;
  const answers: RecordedAnswers[] = [];
  for (const source of deps.ackSources ?? []) {
    // Only the versions in play and uploaded are answered; anything else becomes a note in the log.
    const recorded = await recordLeadAnswers(ctx.state, ctx.clock, await source.poll(), { source: source.name });
    answers.push(recorded);
    acknowledged += recorded.validated.length + recorded.rejected.length;
    for (const note of recorded.notes) ctx.logger.info({ source: source.name, ts: note.answer.ts }, note.note);
    await source.commit?.();
  }

  const dates = dueDates(ctx, now);
  const runs: RunResult[] = [];
  const alerts: Alert[] = [];
  const failures: TickFailure[] = [];
  let busy: FileDate | undefined;
  const open = await openDates(ctx, dates);
  for (const date of open) {
    let result: RunResult;
    const known = new Set((await filesForDate(ctx.state.db, date)).map((f) => f.id));
    try {
      // The daemon asks every few minutes: a date whose turn has not come only says so (no dry run).
      result = await withDateLock(ctx.state, dateScope(date), () => runFileDate(ctx, date, { preview: false }));
    } catch (error) {
      if (isLeadEtlError(error, 'LOCK_HELD')) {
        busy = date;
        break;
      }
      alerts.push({ key: `run-failed:${date}:${describeError(error).slice(0, 120)}`, kind: 'run-failed', fileDate: date, text: `:x: lead-etl could not run ${date}: ${describeError(error)}` });
      // A run that threw after building (an upload refused) still built: those files count as built.
      const built = (await filesForDate(ctx.state.db, date)).filter((f) => !known.has(f.id));
      failures.push({ fileDate: date, ...(isLeadEtlError(error) ? { code: error.code } : {}), message: describeError(error), built });
      break;
    }
    runs.push(result);
    if (result.late.length > 0) {
      alerts.push({ key: `late-entries:${result.runId}`, kind: 'late-entries', fileDate: date, text: `:warning: lead-etl found ${result.late.length} entr(ies) of dates already sent (e.g. ${result.late.slice(0, 3).map((e) => `${e.recordId} of ${e.belongsToFileDate}`).join(', ')}); they were not put in another day. See \`lead-etl status\`.` });
    }
    if (result.outcome === 'failed') {
      alerts.push({ key: `run-failed:${date}:${result.message.slice(0, 120)}`, kind: 'run-failed', fileDate: date, text: `:x: lead-etl could not send ${date}: ${result.message}` });
      failures.push({ fileDate: date, message: result.message });
      break;
    }
    if (result.outcome === 'waiting') break;
  }

  alerts.push(...(await findAlerts(ctx, now, dates)));
  const sent: Alert[] = [];
  for (const alert of alerts) {
    if (await notifyOnce({ db: ctx.state.db, alert, clock: ctx.clock, logger: ctx.logger, ...(ctx.config.notify.slackWebhookUrl ? { webhookUrl: ctx.config.notify.slackWebhookUrl } : {}), ...(deps.post ? { post: deps.post } : {}) })) {
      sent.push(alert);
    }
  }
  const waits = await dateWaits(ctx, open, { channel: (deps.ackSources ?? []).length > 0 });
  const nextDeadline = await nextDeadlineDate(ctx, now, dates);
  return {
    at: now.toISO()!, acknowledged, runs, alerts: sent, ...(busy ? { busy } : {}),
    failures, answers, waits, ...(nextDeadline ? { nextDeadline } : {}),
  };
}

/**
 * The due dates that still have work: every outbound file type validated means done. Scanning from the
 * newest complete date keeps a tick cheap after months of operation.
 */
async function openDates(ctx: JobContext, dates: readonly FileDate[]): Promise<FileDate[]> {
  const outbound = ctx.config.program.files.filter((t) => (t.spec.direction ?? 'outbound') === 'outbound');
  const open: FileDate[] = [];
  for (let i = dates.length - 1; i >= 0; i -= 1) {
    const files = await filesForDate(ctx.state.db, dates[i]!);
    const complete = outbound.every((t) => liveFile(files, t.spec.id)?.status === 'validated');
    if (complete) break;
    open.unshift(dates[i]!);
  }
  return open;
}
