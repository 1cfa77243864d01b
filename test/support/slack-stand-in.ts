import { createServer, type Server } from 'node:http';

/**
 * A local stand-in for Slack's Web API `conversations.history`, for tests: bearer-token auth, newest
 * first, `oldest` and `limit`, cursor paging with `has_more`, and a rate-limit answer (429 with
 * Retry-After) when asked to give one.
 */
export interface SlackStandIn {
  readonly url: string;
  post(text: string): string;
  rateLimitNext(times: number, retryAfterSeconds?: number): void;
  readonly calls: number;
  close(): Promise<void>;
}

export async function startSlackStandIn(options: { token: string; channel: string }): Promise<SlackStandIn> {
  const messages: { ts: string; text: string }[] = [];
  let tick = 1_700_000_000;
  let limited = 0;
  let retryAfter = 1;
  let calls = 0;
  const server: Server = createServer((req, res) => {
    calls += 1;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (url.pathname !== '/api/conversations.history') return send(404, { ok: false, error: 'unknown_method' });
    if (req.headers.authorization !== `Bearer ${options.token}`) return send(200, { ok: false, error: 'invalid_auth' });
    if (limited > 0) {
      limited -= 1;
      return send(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfter) });
    }
    if (url.searchParams.get('channel') !== options.channel) return send(200, { ok: false, error: 'channel_not_found' });
    const oldest = Number(url.searchParams.get('oldest') ?? '0');
    const limit = Number(url.searchParams.get('limit') ?? '100');
    const offset = Number(url.searchParams.get('cursor') ?? '0');
    const newestFirst = messages.filter((m) => Number(m.ts) > oldest).reverse();
    const page = newestFirst.slice(offset, offset + limit);
    const more = offset + limit < newestFirst.length;
    send(200, {
      ok: true,
      messages: page.map((m) => ({ type: 'message', ts: m.ts, text: m.text, bot_id: 'B_LEAD' })),
      has_more: more,
      response_metadata: { next_cursor: more ? String(offset + limit) : '' },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    post(text) {
      tick += 1;
      const ts = `${tick}.000100`;
      messages.push({ ts, text });
      return ts;
    },
    rateLimitNext(times, seconds = 1) {
      limited = times;
      retryAfter = seconds;
    },
    get calls() {
      return calls;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
