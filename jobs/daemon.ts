import type { Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import { schedule } from 'node-cron';
import { describeError, isLeadEtlError } from '../core/errors.js';
import { withDateLock } from '../load/state/date-lock.js';
import type { WebhookPost } from '../load/notify.js';
import type { AckSource } from '../load/ack-source.js';
import { daemonMetrics, type DaemonMetrics } from './daemon-metrics.js';
import { listenForSupervisor } from './daemon-http.js';
import type { DateWait } from './date-waits.js';
import type { JobContext } from './job-context.js';
import { reconcileTick, type TickReport } from './reconcile.js';

/**
 * `lead-etl daemon`: a tick every few minutes, each one a full reconcile from the state store. Ticks
 * come from node-cron in UTC: every minute multiple of 5 is one in America/Chicago too (its offsets are
 * whole hours), and UTC has no clock changes, so a DST night can neither skip nor double a tick. Several
 * replicas may run: one tick at a time holds the program's lease (a PostgreSQL advisory lock released
 * if its holder dies); the others skip that tick. What the ticks do is told to the supervisor
 * (jobs/daemon-http.ts: /healthz, /readyz, /metrics) and to the log, including what each date waits for.
 */
export interface Ticker {
  start(onTick: () => Promise<void>): void;
  stop(): Promise<void>;
}

export function cronTicker(minutes: number): Ticker {
  let task: ReturnType<typeof schedule> | undefined;
  return {
    start(onTick) {
      task = schedule(`*/${minutes} * * * *`, onTick, { timezone: 'UTC', noOverlap: true, name: 'lead-etl-tick' });
    },
    async stop() {
      await task?.stop();
      await task?.destroy?.();
    },
  };
}

export interface DaemonStatus {
  readonly startedAt: string;
  lastTickAt?: string;
  /** Of the last tick that held the lease; absent before the first one. */
  lastTickOk?: boolean;
  lastError?: string;
  /** The LeadEtlError code of lastError, when it has one (e.g. SFTP_HOST_KEY_MISMATCH). */
  lastErrorCode?: string;
  /** When the current run of failed ticks began. */
  failingSince?: string;
  consecutiveFailures: number;
  /** Ticks that held the lease and ran, whether they went through or failed. */
  ticks: number;
  failed: number;
  /** Ticks skipped because another replica held the lease. */
  skipped: number;
  /** Who held the program's lease on the last tick: this replica, or another one. */
  lease?: 'this replica' | 'another replica';
}

export interface RunningDaemon {
  readonly status: DaemonStatus;
  readonly httpPort: number;
  readonly metrics: DaemonMetrics;
  /** Runs one tick now (the ticker calls the same). */
  tick(): Promise<TickReport | undefined>;
  close(): Promise<void>;
}

export async function startDaemon(
  ctx: JobContext,
  options: { ticker: Ticker; ackSources?: readonly AckSource[]; post?: WebhookPost; httpPort?: number; httpHost?: string },
): Promise<RunningDaemon> {
  const log = ctx.logger.child({ component: 'daemon' });
  const status: DaemonStatus = { startedAt: ctx.clock.now().toISO()!, ticks: 0, failed: 0, skipped: 0, consecutiveFailures: 0 };
  const lease = `program:${ctx.config.program.name}`;
  const metrics = daemonMetrics({ clock: ctx.clock, timeZone: ctx.config.program.timeZone, files: ctx.config.program.files });
  const toldWaits = new Map<string, string>();
  const channel = (options.ackSources ?? []).length > 0;
  if (!channel) log.info("no channel to read Lead's answers from (acknowledgements.slack is not set): each date waits until an operator records Lead's answer with `lead-etl ack`; the log says when");

  function failed(at: string, message: string, code: string | undefined): void {
    status.ticks += 1;
    status.failed += 1;
    status.lastTickAt = at;
    status.lastTickOk = false;
    status.lastError = message;
    if (code) status.lastErrorCode = code;
    else delete status.lastErrorCode;
    status.failingSince ??= at;
    status.consecutiveFailures += 1;
  }

  /** Each wait is told once, when it begins or changes, not on every tick. */
  function tellWaits(waits: readonly DateWait[]): void {
    const current = new Map<string, DateWait>(waits.map((w) => [`${w.fileDate}|${w.workflow}|${w.waitingFor}`, w]));
    for (const [key, wait] of current) {
      if (toldWaits.get(key) === wait.text) continue;
      log.info({ fileDate: wait.fileDate, workflow: wait.workflow, waitingFor: wait.waitingFor, files: wait.files }, wait.text);
      toldWaits.set(key, wait.text);
    }
    for (const key of toldWaits.keys()) if (!current.has(key)) toldWaits.delete(key);
  }

  // The tick running now, so that close() lets it finish: a stop (SIGTERM) never cuts an upload short.
  let inFlight: Promise<TickReport | undefined> | undefined;
  function tick(): Promise<TickReport | undefined> {
    const work = runTick();
    inFlight = work;
    work.finally(() => {
      if (inFlight === work) inFlight = undefined;
    }).catch(() => undefined);
    return work;
  }

  async function runTick(): Promise<TickReport | undefined> {
    const now = ctx.clock.now();
    const at = now.toISO()!;
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const report = await withDateLock(ctx.state, lease, () => reconcileTick(ctx, now, { ...(options.ackSources ? { ackSources: options.ackSources } : {}), ...(options.post ? { post: options.post } : {}) }));
      status.lease = 'this replica';
      metrics.tickDone(report, seconds());
      metrics.nextDeadline(report.nextDeadline);
      tellWaits(report.waits);
      const failure = report.failures[0];
      if (failure) {
        failed(at, failure.message, failure.code);
        log.error({ fileDate: failure.fileDate, code: failure.code, err: failure.message, consecutiveFailures: status.consecutiveFailures }, 'tick failed; /readyz answers 503 until a tick goes through');
        return report;
      }
      status.ticks += 1;
      status.lastTickAt = at;
      status.lastTickOk = true;
      status.consecutiveFailures = 0;
      delete status.lastError;
      delete status.lastErrorCode;
      delete status.failingSince;
      log.info({ at: report.at, runs: report.runs.length, uploaded: report.runs.reduce((n, r) => n + r.uploaded.length, 0), acknowledged: report.acknowledged, alerts: report.alerts.length }, 'tick');
      return report;
    } catch (error) {
      if (isLeadEtlError(error, 'LOCK_HELD')) {
        status.skipped += 1;
        status.lease = 'another replica';
        metrics.tickSkipped();
        log.debug('another replica holds the lease; this tick is skipped');
        return undefined;
      }
      status.lease = 'this replica';
      metrics.tickFailed(seconds());
      failed(at, describeError(error), isLeadEtlError(error) ? error.code : undefined);
      log.error({ code: status.lastErrorCode, err: status.lastError, consecutiveFailures: status.consecutiveFailures }, 'tick failed; /readyz answers 503 until a tick goes through');
      return undefined;
    }
  }

  const server: Server = await listenForSupervisor({
    state: ctx.state, status, registry: metrics.registry,
    port: options.httpPort ?? ctx.config.daemon.httpPort, host: options.httpHost ?? ctx.config.daemon.httpHost,
  });
  await tick(); // catch up at once, not only at the next minute multiple
  options.ticker.start(async () => {
    await tick();
  });
  const address = server.address();
  return {
    status,
    httpPort: typeof address === 'object' && address ? address.port : 0,
    metrics,
    tick,
    async close() {
      await options.ticker.stop();
      await inFlight;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // A scraper's keep-alive connection would otherwise hold the close open.
      server.closeAllConnections();
      await closed;
    },
  };
}
