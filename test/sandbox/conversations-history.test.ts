import { describe, expect, it } from 'vitest';
import type { ChannelMessage } from '../../sandbox/channel-log.js';
import { conversationsHistory } from '../../sandbox/conversations-history.js';

const messages: ChannelMessage[] = [1, 2, 3, 4, 5].map((n) => ({ type: 'message', ts: `1772798400.00000${n}`, text: `m${n}`, bot_id: 'B0LEADBANK' }));
const texts = (r: ReturnType<typeof conversationsHistory>) => (r.ok ? r.messages.map((m) => m.text) : r.error);

describe("Slack's conversations.history over the channel", () => {
  it('pages newest first behind a Slack-style cursor', () => {
    const first = conversationsHistory(messages, { limit: '2' });
    expect(texts(first)).toEqual(['m5', 'm4']);
    if (!first.ok) throw new Error('expected a page');
    expect(first.has_more).toBe(true);
    expect(Buffer.from(first.response_metadata.next_cursor, 'base64').toString()).toBe('next_ts:1772798400.000003');
    const second = conversationsHistory(messages, { limit: '2', cursor: first.response_metadata.next_cursor });
    expect(texts(second)).toEqual(['m3', 'm2']);
    const last = conversationsHistory(messages, { limit: '2', cursor: second.ok ? second.response_metadata.next_cursor : '' });
    expect(last).toMatchObject({ ok: true, has_more: false, response_metadata: { next_cursor: '' } });
    expect(texts(last)).toEqual(['m1']);
  });

  it('keeps to oldest and latest, exclusive unless inclusive', () => {
    expect(texts(conversationsHistory(messages, { oldest: '1772798400.000003' }))).toEqual(['m5', 'm4']);
    expect(texts(conversationsHistory(messages, { oldest: '1772798400.000003', inclusive: 'true' }))).toEqual(['m5', 'm4', 'm3']);
    expect(texts(conversationsHistory(messages, { latest: '1772798400.000002' }))).toEqual(['m1']);
    expect(texts(conversationsHistory(messages, { oldest: '1772798401' }))).toEqual([]);
    expect(texts(conversationsHistory(messages, { limit: '5000' }))).toHaveLength(5);
  });

  it('answers bad arguments with Slack errors', () => {
    expect(conversationsHistory(messages, { cursor: 'garbage' })).toEqual({ ok: false, error: 'invalid_cursor' });
    expect(conversationsHistory(messages, { limit: '0' })).toEqual({ ok: false, error: 'invalid_limit' });
    expect(conversationsHistory(messages, { oldest: 'yesterday' })).toEqual({ ok: false, error: 'invalid_ts_oldest' });
  });
});
