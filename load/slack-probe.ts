import { LeadEtlError } from '../core/errors.js';

/**
 * The two Slack Web API calls `lead-etl doctor` makes before any answer is read: `auth.test` (is the
 * bot token good, and for which workspace) and `conversations.info` (can it see Lead's channel). A seam
 * of its own, so the client behind it can be Slack's SDK or this plain one: both POST form-encoded with
 * a bearer token, as Slack's SDK does, and read Slack's `{ ok, error }` answers.
 */
export interface SlackProbe {
  authTest(): Promise<{ readonly team: string | null; readonly user: string | null }>;
  conversationInfo(channel: string): Promise<{ readonly name: string | null; readonly isMember: boolean | null }>;
}

export interface SlackEndpoint {
  /** The API base: https://slack.com, or the local sandbox's http://127.0.0.1:PORT. */
  readonly baseUrl: string;
  readonly token: string;
}

export function slackProbe(endpoint: SlackEndpoint, timeoutMs = 15_000): SlackProbe {
  async function call(method: string, args: Record<string, string>): Promise<Record<string, any>> {
    const url = `${endpoint.baseUrl.replace(/\/$/, '')}/api/${method}`;
    let body: Record<string, any>;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${endpoint.token}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(args).toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      body = (await response.json()) as Record<string, any>;
    } catch (cause) {
      const detail = (cause as { cause?: { code?: string } }).cause?.code ?? (cause as Error).message;
      throw new LeadEtlError('LEAD_CHANNEL', `Slack ${method} at ${endpoint.baseUrl} did not answer: ${detail}`, { cause });
    }
    if (body.ok !== true) {
      throw new LeadEtlError('LEAD_CHANNEL', `Slack ${method} at ${endpoint.baseUrl} refused: ${String(body.error ?? 'no reason given')}`);
    }
    return body;
  }
  return {
    async authTest() {
      const body = await call('auth.test', {});
      return { team: body.team ?? null, user: body.user ?? null };
    },
    async conversationInfo(channel) {
      const body = await call('conversations.info', { channel });
      return { name: body.channel?.name ?? null, isMember: typeof body.channel?.is_member === 'boolean' ? body.channel.is_member : null };
    },
  };
}
