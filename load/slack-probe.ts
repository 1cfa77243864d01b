import { ErrorCode as SlackErrorCode } from '@slack/web-api';
import { LeadEtlError } from '../core/errors.js';
import { slackWebClient } from './slack-web-client.js';

/**
 * The two Slack Web API calls `lead-etl doctor` makes before any answer is read: `auth.test` (is the
 * bot token good, and for which workspace) and `conversations.info` (can it see Lead's channel), through
 * Slack's SDK on the same endpoint the reader uses. A seam of its own, so a check can be handed another.
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
  // A check asks once: a server that does not answer is the finding, not something to wait out.
  const client = slackWebClient({ url: endpoint.baseUrl, token: endpoint.token }, { retryConfig: { retries: 0 }, timeoutMs });
  async function call<T>(method: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (cause) {
      const error = cause as { code?: string; data?: { error?: string }; original?: { code?: string; message?: string; cause?: { code?: string } } };
      if (error.code === SlackErrorCode.PlatformError) {
        throw new LeadEtlError('LEAD_CHANNEL', `Slack ${method} at ${endpoint.baseUrl} refused: ${error.data?.error ?? 'no reason given'}`, { cause });
      }
      const detail = error.original?.cause?.code ?? error.original?.code ?? error.original?.message ?? (cause as Error).message;
      throw new LeadEtlError('LEAD_CHANNEL', `Slack ${method} at ${endpoint.baseUrl} did not answer: ${detail}`, { cause });
    }
  }
  return {
    async authTest() {
      const body = await call('auth.test', () => client.auth.test());
      return { team: body.team ?? null, user: body.user ?? null };
    },
    async conversationInfo(channel) {
      const body = await call('conversations.info', () => client.conversations.info({ channel }));
      return { name: body.channel?.name ?? null, isMember: typeof body.channel?.is_member === 'boolean' ? body.channel.is_member : null };
    },
  };
}
