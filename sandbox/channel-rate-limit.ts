import { performance } from 'node:perf_hooks';

/**
 * Slack's rate limits, played by the sandbox's channel: at most `requests` calls of one method in any
 * `perSeconds` window (Slack's tiers are per method; conversations.history is Tier 3, about 50 a
 * minute). A call over the limit is answered as Slack answers it, HTTP 429 with `Retry-After` in whole
 * seconds, so a client that waits as told gets through and one that does not keeps being refused.
 * It runs on elapsed real time, not the sandbox's clock: a rate limit is about how fast requests come.
 */
export interface RateLimitSettings {
  readonly requests: number;
  readonly perSeconds: number;
}

export interface RateLimiter {
  /** Undefined when the call may go ahead (and is counted), else the seconds to wait. */
  retryAfter(method: string): number | undefined;
}

export function rateLimiter(settings: RateLimitSettings, now: () => number = () => performance.now()): RateLimiter {
  const windowMs = settings.perSeconds * 1000;
  const calls = new Map<string, number[]>();
  return {
    retryAfter(method) {
      const at = now();
      const recent = (calls.get(method) ?? []).filter((t) => at - t < windowMs);
      calls.set(method, recent);
      if (recent.length < settings.requests) {
        recent.push(at);
        return undefined;
      }
      // The wait until the oldest call in the window leaves it, rounded up as Retry-After has no fractions.
      return Math.max(1, Math.ceil((recent[0]! + windowMs - at) / 1000));
    },
  };
}
