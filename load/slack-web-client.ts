import { LogLevel, WebClient, WebClientEvent, type Logger as SlackLogger, type RetryOptions } from '@slack/web-api';
import { silentLogger, type Logger } from '../core/log.js';

/**
 * Slack's own Web API client (`@slack/web-api`) for one endpoint: Slack itself (`https://slack.com`) or
 * the local sandbox's channel (`http://127.0.0.1:PORT`), whose methods both live under `/api/`. The SDK
 * pages with cursors and waits out rate limits (HTTP 429, Retry-After) itself; what is ours is how long
 * it may try: a daemon tick must not spend Slack's default half hour of retries on one read.
 */
export interface SlackEndpoint {
  /** The API base: `https://slack.com`, or the sandbox's `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly token: string;
}

export interface SlackClientOptions {
  /** Retries of a failed or rate-limited request; default a few, over about a quarter of a minute. */
  readonly retryConfig?: RetryOptions;
  /** Per request; default 15 s. */
  readonly timeoutMs?: number;
  readonly logger?: Logger;
}

export const SLACK_RETRIES: RetryOptions = { retries: 3, factor: 2, minTimeout: 1_000, maxTimeout: 8_000, randomize: true };
const TIMEOUT_MS = 15_000;

export function slackWebClient(endpoint: SlackEndpoint, options: SlackClientOptions = {}): WebClient {
  const log = (options.logger ?? silentLogger()).child({ component: 'slack-web-api' });
  const client = new WebClient(endpoint.token, {
    slackApiUrl: `${endpoint.url.replace(/\/+$/, '')}/api/`,
    retryConfig: options.retryConfig ?? SLACK_RETRIES,
    timeout: options.timeoutMs ?? TIMEOUT_MS,
    logger: sdkLogger(log),
    // Method names only: an absolute URL in a call could send the token somewhere else.
    allowAbsoluteUrls: false,
  });
  client.on(WebClientEvent.RATE_LIMITED, (seconds: number) => log.info({ retryAfterSeconds: seconds }, 'Slack rate-limited the read; the SDK waits as told and retries'));
  return client;
}

/**
 * The SDK's log lines into ours. Its debug lines carry request and response bodies (Lead's messages),
 * which do not belong in a log, so they are dropped; its warnings and errors are kept.
 */
function sdkLogger(log: Logger): SlackLogger {
  const text = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m))).join(' ');
  let level = LogLevel.INFO;
  return {
    debug: () => undefined,
    info: (...msg: unknown[]) => log.info(text(msg)),
    warn: (...msg: unknown[]) => log.warn(text(msg)),
    error: (...msg: unknown[]) => log.error(text(msg)),
    setLevel: (next: LogLevel) => { level = next; },
    getLevel: () => level,
    setName: () => undefined,
  };
}
