import { LeadEtlError } from '../core/errors.js';
import type { FileTypeSpec } from '../transform/file-type-spec.js';
import { classifyLeadMessage, type LeadAnswer } from './lead-message-patterns.js';

/**
 * Reads Lead's answers from a channel that speaks Slack's `conversations.history` (the local Lead
 * sandbox's HTTP API; the same call works against slack.com/api with a bot token): every page newer
 * than the last message read, oldest first, each message classified by the shared patterns.
 */
export interface ChannelEndpoint {
  /** The API base: `http://127.0.0.1:PORT` for the sandbox, `https://slack.com` for Slack. */
  readonly url: string;
  readonly token: string;
  readonly channel: string;
}

export interface ChannelMessage {
  readonly type: string;
  readonly ts: string;
  readonly text: string;
  readonly user?: string;
  readonly bot_id?: string;
}

interface HistoryBody {
  readonly ok: boolean;
  readonly error?: string;
  readonly messages?: ChannelMessage[];
  readonly has_more?: boolean;
  readonly response_metadata?: { readonly next_cursor?: string };
}

export type Fetch = (url: string, init: { headers: Record<string, string> }) => Promise<{
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
  readonly headers?: { get(name: string): string | null };
}>;

const PAGE = 200;
// A runaway cursor (a server that always answers has_more) must not loop forever.
const MAX_PAGES = 10_000;

/** Every message newer than `oldest` (all when absent), oldest first, following `next_cursor`. */
export async function readChannelHistory(
  endpoint: ChannelEndpoint,
  options: {
    readonly oldest?: string;
    readonly limit?: number;
    readonly fetch?: Fetch;
    /** Waits out a rate-limit answer (429 with Retry-After); injectable so tests need not sleep. */
    readonly sleep?: (ms: number) => Promise<void>;
    readonly maxRetries?: number;
  } = {},
): Promise<ChannelMessage[]> {
  const get: Fetch = options.fetch ?? ((url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(15_000) }));
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const messages: ChannelMessage[] = [];
  let cursor = '';
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const query = new URLSearchParams({ channel: endpoint.channel, limit: String(options.limit ?? PAGE) });
    if (options.oldest) query.set('oldest', options.oldest);
    if (cursor) query.set('cursor', cursor);
    const url = `${endpoint.url.replace(/\/$/, '')}/api/conversations.history?${query}`;
    let body: HistoryBody;
    try {
      let response = await get(url, { headers: { authorization: `Bearer ${endpoint.token}` } });
      // Slack answers 429 with Retry-After when read too often: wait as told, a bounded number of times.
      for (let retry = 0; response.status === 429 && retry < (options.maxRetries ?? 5); retry += 1) {
        await sleep(Math.max(0, Number(response.headers?.get('retry-after') ?? '1')) * 1000);
        response = await get(url, { headers: { authorization: `Bearer ${endpoint.token}` } });
      }
      if (!response.ok) throw new LeadEtlError('LEAD_CHANNEL', `HTTP ${response.status}`);
      body = (await response.json()) as HistoryBody;
    } catch (error) {
      throw new LeadEtlError('LEAD_CHANNEL', `cannot read Lead's channel ${endpoint.channel} at ${endpoint.url}: ${(error as Error).message}`, { cause: error });
    }
    if (!body.ok) {
      throw new LeadEtlError('LEAD_CHANNEL', `Lead's channel ${endpoint.channel} at ${endpoint.url} refused the request: ${body.error ?? 'no reason given'}` +
        (body.error === 'invalid_auth' || body.error === 'not_authed' ? ' (check the channel token)' : ''));
    }
    messages.push(...(body.messages ?? []));
    cursor = body.has_more ? body.response_metadata?.next_cursor ?? '' : '';
    if (!cursor) break;
  }
  // Pages come newest first; Lead's answers are acted on in the order it gave them.
  return messages.sort((a, b) => compareTs(a.ts, b.ts));
}

/**
 * Remembers the newest message read, so each `read()` returns only Lead's answers given since the
 * last one. `specs` are the program's file types, to tell type and workflow from file names.
 */
export function createChannelReader(endpoint: ChannelEndpoint, options: { readonly specs?: readonly FileTypeSpec[]; readonly oldest?: string; readonly fetch?: Fetch; readonly limit?: number } = {}) {
  let oldest = options.oldest;
  return {
    async read(): Promise<LeadAnswer[]> {
      const messages = await readChannelHistory(endpoint, {
        ...(oldest ? { oldest } : {}), ...(options.fetch ? { fetch: options.fetch } : {}), ...(options.limit ? { limit: options.limit } : {}),
      });
      if (messages.length > 0) oldest = messages.at(-1)!.ts;
      return messages.flatMap((m) => classifyLeadMessage(m, options.specs) ?? []);
    },
  };
}

function compareTs(a: string, b: string): number {
  const [as = '0', af = '0'] = a.split('.');
  const [bs = '0', bf = '0'] = b.split('.');
  return Number(BigInt(as) - BigInt(bs)) || Number(BigInt(af.padEnd(6, '0')) - BigInt(bf.padEnd(6, '0')));
}
