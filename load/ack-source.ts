import type { FileDate } from '../core/file-date.js';

/**
 * Somewhere Lead's answers can be read from (the local sandbox's channel, Lead's Slack channel). The
 * daemon polls each source on every tick and records what it finds, with the source's name.
 */
export interface AckMessage {
  readonly fileDate: FileDate;
  readonly outcome: 'validated' | 'rejected';
  /** The file types the message is about; all uploaded files of the date when absent. */
  readonly fileTypes?: readonly string[];
  readonly note?: string;
}

export interface AckSource {
  readonly name: string;
  poll(): Promise<AckMessage[]>;
  /** Called once what `poll` returned is recorded, so the source reads on from there next time. */
  commit?(): Promise<void>;
}
