import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Clock } from '../core/clock.js';
import { LeadEtlError } from '../core/errors.js';

/**
 * The sandbox's Slack channel: every message Lead's side posts, in memory for the HTTP API and appended
 * to a JSONL file (one message per line) so the channel outlives a restart and can be read by hand.
 * Messages have Slack's shape; `ts` is Slack's message id, `<epoch seconds>.<6 digits>`, unique and
 * increasing within the channel, taken from the injected clock.
 */
export interface ChannelMessage {
  readonly type: 'message';
  readonly ts: string;
  readonly text: string;
  readonly user?: string;
  readonly bot_id?: string;
}

export interface ChannelLog {
  readonly id: string;
  /** Every message, oldest first. */
  messages(): readonly ChannelMessage[];
  post(text: string): Promise<ChannelMessage>;
}

export interface ChannelLogOptions {
  /** Slack-style channel id, e.g. `C0LEADSBX`. */
  readonly id: string;
  /** The JSONL file; its messages are loaded first when it exists. */
  readonly path: string;
  readonly clock: Clock;
  /** Who posts: Lead's bot. */
  readonly botId?: string;
  readonly userId?: string;
  readonly onPost?: (message: ChannelMessage) => void;
}

/** Micro-seconds since the epoch, which is what a Slack `ts` spells with a dot before the last six digits. */
export const tsToMicros = (ts: string): bigint => {
  const match = /^(\d+)\.(\d{6})$/.exec(ts);
  if (!match) throw new LeadEtlError('USAGE', `"${ts}" is not a Slack timestamp (seconds.micro-seconds)`);
  return BigInt(match[1]!) * 1_000_000n + BigInt(match[2]!);
};
export const microsToTs = (micros: bigint): string => `${micros / 1_000_000n}.${String(micros % 1_000_000n).padStart(6, '0')}`;

export async function openChannelLog(options: ChannelLogOptions): Promise<ChannelLog> {
  const messages: ChannelMessage[] = existsSync(options.path)
    ? readFileSync(options.path, 'utf8').split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as ChannelMessage)
    : [];
  await mkdir(dirname(options.path), { recursive: true });
  let last = messages.length > 0 ? tsToMicros(messages.at(-1)!.ts) : 0n;
  // One write at a time, in posting order, so the file's lines are in ts order too.
  let writing: Promise<void> = Promise.resolve();

  return {
    id: options.id,
    messages: () => messages,
    async post(text) {
      const now = BigInt(options.clock.now().toMillis()) * 1000n;
      // A fixed or slow clock gives equal instants; Slack's ts must still be unique and increasing.
      last = now > last ? now : last + 1n;
      const message: ChannelMessage = {
        type: 'message', ts: microsToTs(last), text,
        ...(options.userId ? { user: options.userId } : {}),
        bot_id: options.botId ?? 'B0LEADBANK',
      };
      messages.push(message);
      const line = `${JSON.stringify(message)}\n`;
      // A failed write fails this post only; the next one still gets its turn.
      const written = writing.catch(() => undefined).then(() => appendFile(options.path, line));
      writing = written;
      await written;
      options.onPost?.(message);
      return message;
    },
  };
}
