import { createServer, type Server } from 'node:http';
import { sql } from 'kysely';
import { describeError } from '../core/errors.js';
import type { Database } from '../core/database.js';
import type { Registry } from 'prom-client';
import type { DaemonStatus } from './daemon.js';

/**
 * The daemon's answers to its supervisor, on daemon.httpHost:daemon.httpPort:
 * - `/healthz`: the process is alive (200 whatever the ticks do: restarting it would not help them);
 * - `/readyz`: 200 when the state store answers and the last tick that held the lease went through;
 *   503 otherwise, with the reason in the body (the last tick's error, e.g. a host key mismatch);
 * - `/metrics`: Prometheus text format (jobs/daemon-metrics.ts).
 */
export function listenForSupervisor(args: { state: Database; status: DaemonStatus; registry: Registry; port: number; host: string }): Promise<Server> {
  const { status } = args;
  const server = createServer((req, res) => {
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    const path = new URL(req.url ?? '/', 'http://daemon').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { error: 'method not allowed' });
    if (path === '/healthz') return send(200, { status: 'ok', ...status });
    if (path === '/readyz') {
      sql`select 1 from lead_etl.file limit 1`.execute(args.state.db).then(
        () => {
          if (status.lastTickOk === false) {
            send(503, { ready: false, reason: `the last tick failed: ${status.lastError ?? 'no reason recorded'}`, ...status });
          } else {
            send(200, { ready: true, ...status });
          }
        },
        (error: unknown) => send(503, { ready: false, reason: `the state store does not answer: ${describeError(error)}`, ...status }),
      );
      return;
    }
    if (path === '/metrics') {
      args.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': args.registry.contentType });
          res.end(text);
        },
        (error: unknown) => send(500, { error: describeError(error) }),
      );
      return;
    }
    send(404, { error: 'not found; try /healthz, /readyz or /metrics' });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(args.port, args.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
