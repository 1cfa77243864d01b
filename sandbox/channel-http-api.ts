import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { LeadEtlError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/log.js';
import type { ChannelLog } from './channel-log.js';
import { rateLimiter, type RateLimitSettings } from './channel-rate-limit.js';
import { readChannelRequest, type ChannelRequest } from './channel-request.js';
import { conversationsHistory } from './conversations-history.js';

/**
 * The sandbox's channel over HTTP, answering as Slack's Web API does, so that Slack's own SDK
 * (`@slack/web-api`, `slackApiUrl: <url>/api/`) reads it exactly as it reads Lead's real channel:
 * `/api/<method>` by GET (query string) or POST (form-encoded, as the SDK sends, or JSON), the token as
 * `Authorization: Bearer` (or a form body's `token`). Methods: `conversations.history` (paged by
 * `response_metadata.next_cursor`), `conversations.info` and `auth.test` (what a set-up check asks).
 * As Slack does, an API error is HTTP 200 with `{ ok: false, error }` (`not_authed`, `invalid_auth`,
 * `channel_not_found`...), and a call over the rate limit (when one is set) is HTTP 429 with
 * `Retry-After`. Loopback only, on an ephemeral port unless one is given.
 */
export interface ChannelHttpApi {
  /** `http://127.0.0.1:<port>`; the methods live under `/api/`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface ChannelHttpApiOptions {
  readonly channel: ChannelLog;
  readonly token: string;
  readonly port?: number;
  /** Slack's per-method limit, played; default none. */
  readonly rateLimit?: RateLimitSettings;
  /** The channel's name in conversations.info; default `lead-sandbox`. */
  readonly channelName?: string;
  readonly logger?: Logger;
}

const LOOPBACK = '127.0.0.1';
const TEAM = { team: 'Lead Bank (sandbox)', team_id: 'T0LEADSBX', user: 'partner-bot', user_id: 'U0PARTNER' } as const;

type Method = (request: ChannelRequest) => unknown;

export async function startChannelHttpApi(options: ChannelHttpApiOptions): Promise<ChannelHttpApi> {
  const log = (options.logger ?? silentLogger()).child({ component: 'sandbox-http' });
  const expected = Buffer.from(options.token);
  const sockets = new Set<Socket>();
  const limiter = options.rateLimit ? rateLimiter(options.rateLimit) : undefined;
  let url = '';

  const methods: Record<string, Method> = {
    'auth.test': () => ({ ok: true, url: `${url}/`, ...TEAM }),
    'conversations.info': (request) => {
      if (request.args.get('channel') !== options.channel.id) return { ok: false, error: 'channel_not_found' };
      return {
        ok: true,
        channel: { id: options.channel.id, name: options.channelName ?? 'lead-sandbox', is_channel: true, is_private: false, is_archived: false, is_member: true },
      };
    },
    'conversations.history': (request) => {
      if (request.args.get('channel') !== options.channel.id) return { ok: false, error: 'channel_not_found' };
      const q = request.args;
      return conversationsHistory(options.channel.messages(), {
        limit: q.get('limit'), cursor: q.get('cursor'), oldest: q.get('oldest'), latest: q.get('latest'), inclusive: q.get('inclusive'),
      });
    },
  };

  const server = createServer((request, response) => {
    answer(request, response).catch((error: unknown) => {
      log.warn({ error: (error as Error).message }, 'sandbox HTTP request failed');
      if (!response.headersSent) send(response, 500, { ok: false, error: 'internal_error' });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestUrl = new URL(request.url ?? '/', `http://${LOOPBACK}`);
    const name = /^\/api\/([A-Za-z.]+)$/.exec(requestUrl.pathname)?.[1];
    const method = name ? methods[name] : undefined;
    if (!name || !method) {
      send(response, 404, { ok: false, error: 'unknown_method', ...(name ? { req_method: name } : {}) });
      return;
    }
    const parsed = await readChannelRequest(request, requestUrl);
    if (!parsed.ok) {
      send(response, parsed.status, { ok: false, error: parsed.error });
      return;
    }
    const presented = parsed.request.token;
    if (presented === undefined) {
      send(response, 200, { ok: false, error: 'not_authed' });
      return;
    }
    const given = Buffer.from(presented);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      log.info({ method: name }, 'sandbox HTTP request refused: wrong token');
      send(response, 200, { ok: false, error: 'invalid_auth' });
      return;
    }
    const wait = limiter?.retryAfter(name);
    if (wait !== undefined) {
      log.info({ method: name, retryAfter: wait }, 'sandbox HTTP request rate-limited');
      send(response, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(wait) });
      return;
    }
    send(response, 200, method(parsed.request));
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
  url = `http://${LOOPBACK}:${address.port}`;
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

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}
