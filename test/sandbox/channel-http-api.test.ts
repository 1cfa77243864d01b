import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, WebClient, type ConversationsHistoryResponse } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { openChannelLog, type ChannelLog } from '../../sandbox/channel-log.js';
import { startChannelHttpApi, type ChannelHttpApi } from '../../sandbox/channel-http-api.js';

/**
 * The sandbox's channel with Slack's own SDK as the client (issue 11): whatever reads Lead's real
 * channel through `@slack/web-api` must read the sandbox's the same way. The SDK calls methods by POST,
 * form-encoded; Slack also takes GET and JSON bodies, and so does the sandbox.
 */
const TOKEN = 'xoxb-sandbox-test';
const CHANNEL = 'C0LEADSBX';

let dir: string;
let channel: ChannelLog;
let api: ChannelHttpApi;
let limited: ChannelHttpApi;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lead-etl-channel-'));
  channel = await openChannelLog({ id: CHANNEL, path: join(dir, 'channel.jsonl'), clock: fixedClock('2026-03-07T12:00:00Z') });
  for (let n = 1; n <= 7; n += 1) await channel.post(`message ${n}`);
  api = await startChannelHttpApi({ channel, token: TOKEN });
  // One call a minute: the second is over the limit at once, so nothing here waits for it.
  limited = await startChannelHttpApi({ channel, token: TOKEN, rateLimit: { requests: 1, perSeconds: 60 } });
});

afterAll(async () => {
  await api?.close();
  await limited?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

// No retries: an answer the SDK does not accept must show here, not be retried away.
const sdk = (token = TOKEN, server = api) => new WebClient(token, { slackApiUrl: `${server.url}/api/`, retryConfig: { retries: 0 } });

describe("the sandbox's channel, read with Slack's SDK", () => {
  it('pages conversations.history newest first behind response_metadata.next_cursor', async () => {
    const pages: ConversationsHistoryResponse[] = [];
    for await (const page of sdk().paginate('conversations.history', { channel: CHANNEL, limit: 3 }) as AsyncIterable<ConversationsHistoryResponse>) pages.push(page);
    expect(pages.map((p) => p.messages!.map((m) => m.text))).toEqual([
      ['message 7', 'message 6', 'message 5'], ['message 4', 'message 3', 'message 2'], ['message 1'],
    ]);
    expect(pages.map((p) => p.response_metadata?.next_cursor !== '')).toEqual([true, true, false]);
    expect(pages.every((p) => p.ok && p.messages!.every((m) => m.type === 'message' && m.bot_id === 'B0LEADBANK'))).toBe(true);
  });

  it('answers a GET, a JSON body and a form body with the token in it alike', async () => {
    const oldest = channel.messages()[4]!.ts;
    const viaSdk = await sdk().conversations.history({ channel: CHANNEL, oldest });
    const viaGet = await (await fetch(`${api.url}/api/conversations.history?channel=${CHANNEL}&oldest=${oldest}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
    const viaJson = await (await fetch(`${api.url}/api/conversations.history`, {
      method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ channel: CHANNEL, oldest, limit: 100 }),
    })).json();
    const viaForm = await (await fetch(`${api.url}/api/conversations.history`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: TOKEN, channel: CHANNEL, oldest }).toString(),
    })).json();
    expect(viaSdk.messages!.map((m) => m.text)).toEqual(['message 7', 'message 6']);
    for (const body of [viaGet, viaJson, viaForm]) expect(body).toEqual({ ...viaSdk, response_metadata: { next_cursor: '' } });
  });

  it("refuses as Slack does, and the SDK reports Slack's error code", async () => {
    const platformError = (work: Promise<unknown>) => work.then(() => undefined, (e: { code?: string; data?: { error?: string } }) => e.code === ErrorCode.PlatformError && e.data?.error);
    expect(await platformError(sdk('xoxb-guess').conversations.history({ channel: CHANNEL }))).toBe('invalid_auth');
    expect(await platformError(sdk('').conversations.history({ channel: CHANNEL }))).toBe('not_authed');
    expect(await platformError(sdk().conversations.history({ channel: 'C0OTHER' }))).toBe('channel_not_found');
    expect(await platformError(sdk().conversations.history({ channel: CHANNEL, cursor: 'bm9wZQ==' }))).toBe('invalid_cursor');
    const post = (body: string, type: string) => fetch(`${api.url}/api/conversations.history`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': type }, body });
    expect(await (await post('{not json', 'application/json')).json()).toEqual({ ok: false, error: 'invalid_json' });
    expect(await (await post('<xml/>', 'text/xml')).json()).toEqual({ ok: false, error: 'invalid_form_data' });
    expect((await fetch(`${api.url}/api/conversations.history`, { method: 'PUT' })).status).toBe(405);
    expect((await fetch(`${api.url}/api/chat.postMessage`, { method: 'POST' })).status).toBe(404);
  });

  it('answers auth.test and conversations.info, what a set-up check asks', async () => {
    expect(await sdk().auth.test()).toMatchObject({ ok: true, team_id: 'T0LEADSBX', url: `${api.url}/` });
    expect(await sdk().conversations.info({ channel: CHANNEL })).toMatchObject({ ok: true, channel: { id: CHANNEL, is_member: true } });
  });

  it('answers a call over its rate limit with 429 and Retry-After, as Slack does', async () => {
    const call = () => fetch(`${limited.url}/api/conversations.history?channel=${CHANNEL}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect((await call()).status).toBe(200);
    const refused = await call();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
    expect(await refused.json()).toEqual({ ok: false, error: 'ratelimited' });
    // The SDK, told not to wait, reports the rate limit with Slack's own error.
    const client = new WebClient(TOKEN, { slackApiUrl: `${limited.url}/api/`, rejectRateLimitedCalls: true });
    await expect(client.conversations.history({ channel: CHANNEL })).rejects.toMatchObject({ code: ErrorCode.RateLimitedError });
  });
});
