import { tsToMicros, type ChannelMessage } from './channel-log.js';

/**
 * Slack's `conversations.history` over a list of messages: newest first, between `oldest` and `latest`
 * (exclusive unless `inclusive`), `limit` at a time (default 100, at most 999, as Slack), the next page
 * behind an opaque `cursor`. The cursor is spelled as Slack's, base64 of `next_ts:<ts>`, and names the
 * newest message of the next page, so a page stays right while newer messages arrive.
 */
export interface HistoryQuery {
  readonly limit?: string | null;
  readonly cursor?: string | null;
  readonly oldest?: string | null;
  readonly latest?: string | null;
  readonly inclusive?: string | null;
}

export type HistoryResponse =
  | {
    readonly ok: true;
    readonly messages: readonly ChannelMessage[];
    readonly has_more: boolean;
    readonly pin_count: number;
    readonly response_metadata: { readonly next_cursor: string };
  }
  | { readonly ok: false; readonly error: string };

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 999;

export function conversationsHistory(all: readonly ChannelMessage[], query: HistoryQuery): HistoryResponse {
  const inclusive = query.inclusive === 'true' || query.inclusive === '1';
  let oldest: bigint | undefined;
  let latest: bigint | undefined;
  let from: bigint | undefined;
  try {
    oldest = query.oldest ? tsOrSeconds(query.oldest) : undefined;
  } catch {
    return { ok: false, error: 'invalid_ts_oldest' };
  }
  try {
    latest = query.latest ? tsOrSeconds(query.latest) : undefined;
  } catch {
    return { ok: false, error: 'invalid_ts_latest' };
  }
  if (query.cursor) {
    const decoded = /^next_ts:(\d+\.\d{6})$/.exec(Buffer.from(query.cursor, 'base64').toString('utf8'));
    if (!decoded) return { ok: false, error: 'invalid_cursor' };
    from = tsToMicros(decoded[1]!);
  }
  const limitNumber = query.limit ? Number(query.limit) : DEFAULT_LIMIT;
  if (!Number.isInteger(limitNumber) || limitNumber < 1) return { ok: false, error: 'invalid_limit' };
  const limit = Math.min(limitNumber, MAX_LIMIT);

  const inRange = all
    .filter((m) => {
      const ts = tsToMicros(m.ts);
      if (oldest !== undefined && (inclusive ? ts < oldest : ts <= oldest)) return false;
      if (latest !== undefined && (inclusive ? ts > latest : ts >= latest)) return false;
      return from === undefined || ts <= from;
    })
    .sort((a, b) => (tsToMicros(b.ts) > tsToMicros(a.ts) ? 1 : -1));
  const page = inRange.slice(0, limit);
  const next = inRange[limit];
  return {
    ok: true,
    messages: page,
    has_more: next !== undefined,
    pin_count: 0,
    response_metadata: { next_cursor: next ? Buffer.from(`next_ts:${next.ts}`).toString('base64') : '' },
  };
}

/** Slack takes `oldest=1709000000` as well as `oldest=1709000000.000100`. */
function tsOrSeconds(text: string): bigint {
  if (/^\d+$/.test(text)) return BigInt(text) * 1_000_000n;
  if (/^\d+\.\d{1,6}$/.test(text)) {
    const [seconds, fraction] = text.split('.') as [string, string];
    return tsToMicros(`${seconds}.${fraction.padEnd(6, '0')}`);
  }
  throw new Error(`bad ts ${text}`);
}
