import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { LeadEtlError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/log.js';
import type { ChannelLog } from './channel-log.js';
import { conversationsHistory } from './conversations-history.js';

/**
 * The sandbox's channel over HTTP, shaped like Slack's Web API so that what reads it can later read
 * Lead's real Slack channel: `/api/conversations.history?channel=C...&limit=&cursor=&oldest=` (and
 * `auth.test`, `conversations.info`), by GET with a query string or POST with a form body, with
 * `Authorization: Bearer <token>`. As Slack does, an API error is HTTP 200 with `{ ok: false, error }`
 * (`not_authed`, `invalid_auth`, `channel_not_found`...). Loopback only, on an ephemeral port unless
 * one is given.
 */
export interface ChannelHttpApi {
  /** `http://127.0.0.1:<port>`; the method lives under `/api/`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface ChannelHttpApiOptions {
  readonly channel: ChannelLog;
  readonly token: string;
  readonly port?: number;
  readonly logger?: Logger;
}

const LOOPBACK = '127.0.0.1';
/** The Web API methods the sandbox answers: reading the channel, and the two checks `lead-etl doctor` makes. */
const METHODS = ['conversations.history', 'auth.test', 'conversations.info'];
const MAX_BODY = 64 * 1024;

export async function startChannelHttpApi(options: ChannelHttpApiOptions): Promise<ChannelHttpApi> {
  const log = (options.logger ?? silentLogger()).child({ component: 'sandbox-http' });
  const expected = Buffer.from(options.token);
  const sockets = new Set<Socket>();

  const server = createServer((request, response) => {
    answer(request, response).catch((error: unknown) => {
      log.warn({ error: (error as Error).message }, 'sandbox HTTP request failed');
      send(response, 500, { ok: false, error: 'internal_error' });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', `http://${LOOPBACK}`);
    const method = url.pathname.startsWith('/api/') ? url.pathname.slice('/api/'.length) : '';
    if (!METHODS.includes(method)) {
      send(response, 404, { ok: false, error: 'unknown_method' });
      return;
    }
    // As Slack: arguments in the query string (GET) or a form-encoded body (POST, what Slack's SDK sends).
    const q = new URLSearchParams(url.searchParams);
    if (request.method === 'POST') {
      for (const [key, value] of new URLSearchParams(await readBody(request))) q.set(key, value);
    } else if (request.method !== 'GET') {
      send(response, 405, { ok: false, error: 'method_not_supported', detail: 'use GET or POST' });
      return;
    }
    const header = request.headers.authorization;
    const presented = /^Bearer (\S+)$/.exec(header ?? '')?.[1] ?? q.get('token') ?? undefined;
    if (presented === undefined) {
      send(response, 200, { ok: false, error: 'not_authed' });
      return;
    }
    const given = Buffer.from(presented);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      log.info('sandbox HTTP request refused: wrong token');
      send(response, 200, { ok: false, error: 'invalid_auth' });
      return;
    }
    if (method === 'auth.test') {
      send(response, 200, { ok: true, url: `http://${LOOPBACK}/`, team: 'Lead sandbox', team_id: 'T0LEADSBX', user: 'partner-bot', user_id: 'U0PARTNER', bot_id: 'B0PARTNER' });
      return;
    }
    if (q.get('channel') !== options.channel.id) {
      send(response, 200, { ok: false, error: 'channel_not_found' });
      return;
    }
    if (method === 'conversations.info') {
      send(response, 200, { ok: true, channel: { id: options.channel.id, name: 'lead-alerts-sandbox', is_channel: true, is_member: true } });
      return;
    }
    send(response, 200, conversationsHistory(options.channel.messages(), {
      limit: q.get('limit'), cursor: q.get('cursor'), oldest: q.get('oldest'), latest: q.get('latest'), inclusive: q.get('inclusive'),
    }));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new LeadEtlError('INTERNAL', 'sandbox HTTP API has no TCP address');
  const url = `http://${LOOPBACK}:${address.port}`;
  log.info({ url }, 'sandbox channel API listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    close: () => (closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Keep-alive connections would hold close() open; the sandbox is going away, so cut them.
      for (const socket of sockets) socket.destroy();
    })),
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_BODY) request.destroy(new Error('request body too large'));
    });
    request.once('end', () => resolve(body));
    request.once('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
