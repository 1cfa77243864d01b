import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { FileTypeSpec } from '../transform/file-type-spec.js';
import type { AckSource } from './ack-source.js';
import { classifyLeadMessage, LEAD_MESSAGE_PATTERNS, type LeadAnswer, type LeadMessagePattern } from './lead-message-patterns.js';
import { compareSlackTs, readChannelHistory } from './slack-channel-history.js';
import { slackWebClient, type SlackClientOptions } from './slack-web-client.js';

/**
 * Lead reports each file's outcome in the program's Slack alerts channel. This source reads that channel
 * with Slack's SDK (conversations.history with a bot token; the SDK pages and waits out rate limits),
 * oldest unread message first, keeps a cursor in the state store, and
 * classifies each message with the shared table of Lead's message patterns (load/lead-message-patterns.ts,
 * extended by configuration): validated, rejected (with the file and reason), or not recognised, which
 * is kept for a person and never guessed at. The local sandbox serves the same API, so this reads it too.
 */
export interface SlackReaderOptions extends SlackClientOptions {
  readonly name: string;
  /** The API's base: https://slack.com, or the local sandbox's http://127.0.0.1:PORT. */
  readonly baseUrl: string;
  readonly token: string;
  readonly channel: string;
  readonly db: Kysely<any>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The program's file types, to read dates, types and workflows from the file names in messages. */
  readonly specs: readonly FileTypeSpec[];
  readonly patterns?: readonly LeadMessagePattern[];
  readonly pageSize?: number;
}

export function slackAcknowledgements(options: SlackReaderOptions): AckSource {
  const patterns = options.patterns ?? LEAD_MESSAGE_PATTERNS;
  let pendingCursor: string | undefined;
  // One client for the source's life, so a rate-limit pause it was told of covers the next poll too.
  const client = slackWebClient({ url: options.baseUrl, token: options.token }, {
    logger: options.logger,
    ...(options.retryConfig ? { retryConfig: options.retryConfig } : {}), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });

  return {
    name: options.name,
    async poll() {
      const cursorRow = await options.db.withSchema('lead_etl').selectFrom('ack_cursor').select('last_ts').where('source', '=', options.name).executeTakeFirst();
      const oldest = cursorRow?.last_ts ?? '0';
      const collected = await readChannelHistory({ url: options.baseUrl, token: options.token, channel: options.channel }, { client, oldest, limit: options.pageSize ?? 200 });
      // Oldest first, as Lead told the story (a rejection, then the validation of V2).
      const messages = collected.filter((m) => compareSlackTs(m.ts, oldest) > 0);
      const answers: LeadAnswer[] = [];
      for (const message of messages) {
        const answer = message.text ? classifyLeadMessage({ ts: message.ts, text: message.text }, options.specs, patterns) : undefined;
        if (answer) {
          answers.push(answer);
          continue;
        }
        // Not recognised: kept for an operator (the text is Lead's alert, not ledger data), never guessed at.
        await options.db.withSchema('lead_etl').insertInto('unrecognized_message')
          .values({ source: options.name, ts: message.ts, text: (message.text ?? '').slice(0, 2000), seen_at: options.clock.now().toISO() })
          .onConflict((oc) => oc.columns(['source', 'ts']).doNothing()).execute();
        options.logger.warn({ source: options.name, ts: message.ts }, 'a message in the Lead channel was not recognised; see lead_etl.unrecognized_message');
      }
      pendingCursor = messages.at(-1)?.ts;
      return answers;
    },
    async commit() {
      if (!pendingCursor) return;
      await options.db.withSchema('lead_etl').insertInto('ack_cursor')
        .values({ source: options.name, last_ts: pendingCursor, updated_at: options.clock.now().toISO() })
        .onConflict((oc) => oc.column('source').doUpdateSet({ last_ts: pendingCursor!, updated_at: options.clock.now().toISO() }))
        .execute();
      pendingCursor = undefined;
    },
  };
}
