import type { IncomingMessage } from 'node:http';

/**
 * The arguments of one Web API call, read the ways Slack reads them: a GET's query string, a POST's
 * form-encoded body (what Slack's SDK sends, a `token` field included) or a POST's JSON body (whose
 * token must come in the Authorization header). A bad body gets Slack's error code rather than a throw.
 */
export interface ChannelRequest {
  readonly args: ReadonlyMap<string, string>;
  /** The bearer token from the Authorization header, else a form body's `token`. */
  readonly token?: string;
}

export type ParsedRequest = { readonly ok: true; readonly request: ChannelRequest } | { readonly ok: false; readonly status: number; readonly error: string };

// Web API arguments are short; a body larger than this is not a call this channel could answer.
const MAX_BODY_BYTES = 64 * 1024;

export async function readChannelRequest(request: IncomingMessage, url: URL): Promise<ParsedRequest> {
  const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
  const args = new Map<string, string>(url.searchParams);
  if (request.method === 'GET') return { ok: true, request: { args, ...(bearer ? { token: bearer } : {}) } };
  if (request.method !== 'POST') return { ok: false, status: 405, error: 'method_not_supported' };

  const body = await readBody(request);
  if (body === undefined) return { ok: false, status: 413, error: 'request_too_large' };
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  let formToken: string | undefined;
  if (type === 'application/x-www-form-urlencoded' || (type === '' && body.length === 0)) {
    for (const [key, value] of new URLSearchParams(body.toString('utf8'))) {
      if (key === 'token') formToken = value;
      else args.set(key, value);
    }
  } else if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return { ok: false, status: 200, error: 'invalid_json' };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, status: 200, error: 'invalid_json' };
    for (const [key, value] of Object.entries(parsed)) {
      if (value === null || value === undefined) continue;
      args.set(key, typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value));
    }
  } else {
    return { ok: false, status: 200, error: 'invalid_form_data' };
  }
  const token = bearer ?? formToken;
  return { ok: true, request: { args, ...(token ? { token } : {}) } };
}

function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    request.once('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    request.once('error', reject);
  });
}
