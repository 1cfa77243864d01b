import { ErrorCode, type ConversationsHistoryResponse, type WebClient } from '@slack/web-api';
import { LeadEtlError } from '../core/errors.js';
import type { FileTypeSpec } from '../transform/file-type-spec.js';
import { classifyLeadMessage, type LeadAnswer } from './lead-message-patterns.js';
import { slackWebClient, type SlackClientOptions, type SlackEndpoint } from './slack-web-client.js';

/**
 * Reads Lead's answers from a channel through Slack's `conversations.history`, with Slack's own SDK
 * (load/slack-web-client.ts): Lead's real channel with a bot token, or the local sandbox's channel,
 * which answers the SDK as Slack does. Every page newer than the last message read, oldest first.
 */
export interface ChannelEndpoint extends SlackEndpoint {
  readonly channel: string;
}

export interface ChannelMessage {
  readonly type: string;
  readonly ts: string;
  readonly text: string;
  readonly user?: string;
  readonly bot_id?: string;
}

export interface HistoryOptions extends SlackClientOptions {
  readonly oldest?: string;
  /** Messages per page; default 200 (Slack's advice; it allows up to 999). */
  readonly limit?: number;
  /** A client to reuse (its rate-limit pauses then span the calls); default one for the endpoint. */
  readonly client?: WebClient;
}

const PAGE = 200;
// A runaway cursor (a server that always answers another page) must not loop forever.
const MAX_PAGES = 10_000;

/** Every message newer than `oldest` (all when absent), oldest first, following `next_cursor`. */
export async function readChannelHistory(endpoint: ChannelEndpoint, options: HistoryOptions = {}): Promise<ChannelMessage[]> {
  const client = options.client ?? slackWebClient(endpoint, options);
  const messages: ChannelMessage[] = [];
  let pages = 0;
  try {
    const arguments_ = { channel: endpoint.channel, limit: options.limit ?? PAGE, ...(options.oldest ? { oldest: options.oldest } : {}) };
    for await (const page of client.paginate('conversations.history', arguments_) as AsyncIterable<ConversationsHistoryResponse>) {
      for (const m of page.messages ?? []) {
        if (m.ts) messages.push({ type: m.type ?? 'message', ts: m.ts, text: m.text ?? '', ...(m.user ? { user: m.user } : {}), ...(m.bot_id ? { bot_id: m.bot_id } : {}) });
      }
      pages += 1;
      if (pages >= MAX_PAGES) break;
    }
  } catch (error) {
    throw channelError(endpoint, error);
  }
  // Pages come newest first; Lead's answers are acted on in the order it gave them.
  return messages.sort((a, b) => compareSlackTs(a.ts, b.ts));
}

/**
 * Remembers the newest message read, so each `read()` returns only Lead's answers given since the
 * last one. `specs` are the program's file types, to tell type and workflow from file names.
 */
export function createChannelReader(endpoint: ChannelEndpoint, options: { readonly specs?: readonly FileTypeSpec[]; readonly oldest?: string; readonly limit?: number } & SlackClientOptions = {}) {
  let oldest = options.oldest;
  const client = slackWebClient(endpoint, options);
  return {
    async read(): Promise<LeadAnswer[]> {
      const messages = await readChannelHistory(endpoint, { client, ...(oldest ? { oldest } : {}), ...(options.limit ? { limit: options.limit } : {}) });
      if (messages.length > 0) oldest = messages.at(-1)!.ts;
      return messages.flatMap((m) => classifyLeadMessage(m, options.specs) ?? []);
    },
  };
}

/** The SDK's errors as one line naming the channel, the place and, for a refused token, the fix. */
function channelError(endpoint: ChannelEndpoint, error: unknown): LeadEtlError {
  const where = `Lead's channel ${endpoint.channel} at ${endpoint.url}`;
  const coded = error as { code?: string; data?: { error?: string }; statusCode?: number; original?: Error };
  if (coded.code === ErrorCode.PlatformError) {
    const reason = coded.data?.error ?? 'no reason given';
    const fix = reason === 'invalid_auth' || reason === 'not_authed' || reason === 'token_revoked' ? ' (check the channel token)'
      : reason === 'channel_not_found' || reason === 'not_in_channel' ? ' (check acknowledgements.slack.channel, and that the bot is in the channel)' : '';
    return new LeadEtlError('LEAD_CHANNEL', `${where} refused the request: ${reason}${fix}`, { cause: error });
  }
  const detail = coded.code === ErrorCode.HTTPError ? `HTTP ${coded.statusCode}`
    : coded.code === ErrorCode.RequestError ? (coded.original?.message ?? 'request failed')
      : (error as Error).message;
  return new LeadEtlError('LEAD_CHANNEL', `cannot read ${where}: ${detail}`, { cause: error });
}

/** Orders Slack message ids (`<seconds>.<micro-seconds>`) exactly; as floats, neighbours can compare equal. */
export function compareSlackTs(a: string, b: string): number {
  const [as = '0', af = '0'] = a.split('.');
  const [bs = '0', bf = '0'] = b.split('.');
  return Number(BigInt(as) - BigInt(bs)) || Number(BigInt(af.padEnd(6, '0')) - BigInt(bf.padEnd(6, '0')));
}
