import { IncomingWebhook } from '@slack/webhook';
import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';

/**
 * Alerts for people: to the log always, and to a Slack incoming webhook when one is configured, posted
 * with Slack's own client (`@slack/webhook`). Each alert has a key; the state store remembers the keys
 * sent, so an event is announced once however many ticks see it. A webhook that fails releases the key,
 * so the next tick tries again (which is why the client itself does not retry).
 */
export interface Alert {
  readonly key: string;
  readonly kind: 'upload-late' | 'acknowledgement-overdue' | 'rejection-waiting' | 'run-failed' | 'late-entries';
  readonly fileDate?: string;
  readonly text: string;
}

/** Posts one message to an incoming webhook; rejects when Slack did not take it. */
export type WebhookPost = (url: string, message: { readonly text: string }) => Promise<void>;

const WEBHOOK_TIMEOUT_MS = 10_000;

export const postToSlackWebhook: WebhookPost = async (url, message) => {
  await new IncomingWebhook(url, { timeout: WEBHOOK_TIMEOUT_MS }).send({ text: message.text });
};

export async function notifyOnce(args: {
  db: Kysely<any>;
  alert: Alert;
  clock: Clock;
  logger: Logger;
  webhookUrl?: string;
  post?: WebhookPost;
}): Promise<boolean> {
  const { db, alert } = args;
  const claimed = await db.withSchema('lead_etl').insertInto('notification')
    .values({ key: alert.key, kind: alert.kind, file_date: alert.fileDate ?? null, text: alert.text, sent_at: args.clock.now().toISO() })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();
  if (!claimed) return false;
  args.logger.warn({ alert: alert.kind, key: alert.key, fileDate: alert.fileDate }, alert.text);
  if (args.webhookUrl) {
    try {
      await (args.post ?? postToSlackWebhook)(args.webhookUrl, { text: alert.text });
    } catch (error) {
      // Never log the URL: it is a secret that lets anyone post to the channel.
      args.logger.error({ alert: alert.kind, key: alert.key, error: (error as Error).message }, 'could not post the alert to Slack; will try again next tick');
      await db.withSchema('lead_etl').deleteFrom('notification').where('key', '=', alert.key).execute();
      return false;
    }
  }
  return true;
}
