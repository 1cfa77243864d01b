import { createServer, type Server } from 'node:http';
import { schedule } from 'node-cron';
import { sql } from 'kysely';
import { describeError, isLeadEtlError } from '../core/errors.js';
import { withDateLock } from '../load/state/date-lock.js';
import type { WebhookPost } from '../load/notify.js';
import type { AckSource } from '../load/ack-source.js';
import type { JobContext } from './job-context.js';
import { reconcileTick, type TickReport } from './reconcile.js';

/**
 * `lead-etl daemon`: a tick every few minutes, each one a full reconcile from the state store. Ticks
 * come from node-cron in UTC: every minute multiple of 5 is one in America/Chicago too (its offsets are
 * whole hours), and UTC has no clock changes, so a DST night can neither skip nor double a tick. Several
 * replicas may run: one tick at a time holds the program's lease (a PostgreSQL advisory lock released
 * if its holder dies); the others skip that tick.
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
  lastTickOk?: boolean;
  lastError?: string;
  ticks: number;
  skipped: number;
}

export interface RunningDaemon {
  readonly status: DaemonStatus;
  readonly httpPort: number;
  /** Runs one tick now (the ticker calls the same). */
  tick(): Promise<TickReport | undefined>;
  close(): Promise<void>;
}

export async function startDaemon(
  ctx: JobContext,
  options: { ticker: Ticker; ackSources?: readonly AckSource[]; post?: WebhookPost; httpPort?: number; httpHost?: string },
): Promise<RunningDaemon> {
  const log = ctx.logger.child({ component: 'daemon' });
  const status: DaemonStatus = { startedAt: ctx.clock.now().toISO()!, ticks: 0, skipped: 0 };
  const lease = `program:${ctx.config.program.name}`;

  async function tick(): Promise<TickReport | undefined> {
    const now = ctx.clock.now();
    try {
      const report = await withDateLock(ctx.state, lease, () => reconcileTick(ctx, now, { ...(options.ackSources ? { ackSources: options.ackSources } : {}), ...(options.post ? { post: options.post } : {}) }));
      status.ticks += 1;
      status.lastTickAt = now.toISO()!;
      status.lastTickOk = true;
      delete status.lastError;
      log.info({ at: report.at, runs: report.runs.length, uploaded: report.runs.reduce((n, r) => n + r.uploaded.length, 0), acknowledged: report.acknowledged, alerts: report.alerts.length }, 'tick');
      return report;
    } catch (error) {
      if (isLeadEtlError(error, 'LOCK_HELD')) {
        status.skipped += 1;
        log.debug('another replica holds the lease; this tick is skipped');
        return undefined;
      }
      status.lastTickAt = now.toISO()!;
      status.lastTickOk = false;
      status.lastError = describeError(error);
      log.error({ err: status.lastError }, 'tick failed; the next tick tries again');
      return undefined;
    }
  }

  const server = await listen(ctx, status, options.httpPort ?? ctx.config.daemon.httpPort, options.httpHost ?? ctx.config.daemon.httpHost);
  await tick(); // catch up at once, not only at the next minute multiple
  options.ticker.start(async () => {
    await tick();
  });
  const address = server.address();
  return {
    status,
    httpPort: typeof address === 'object' && address ? address.port : 0,
    tick,
    async close() {
      await options.ticker.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** /healthz: the process is alive. /readyz: the state store answers and the last tick went through. */
function listen(ctx: JobContext, status: DaemonStatus, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/healthz') return send(200, { status: 'ok', ...status });
    if (req.url === '/readyz') {
      sql`select 1 from lead_etl.file limit 1`.execute(ctx.state.db).then(
        () => send(status.lastTickOk === false ? 503 : 200, { ready: status.lastTickOk !== false, ...status }),
        (error: unknown) => send(503, { ready: false, error: describeError(error) }),
      );
      return;
    }
    send(404, { error: 'not found' });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
