import type { LeadAnswer } from './lead-message-patterns.js';

/**
 * Somewhere Lead's answers can be read from: Lead's Slack alerts channel, or the local sandbox's channel
 * (the same API). The daemon polls each source on every tick and records what it finds with the
 * source's name; `commit` is called once they are recorded, so the source reads on from there.
 */
export interface AckSource {
  readonly name: string;
  poll(): Promise<LeadAnswer[]>;
  commit?(): Promise<void>;
}
