import { LeadEtlError } from '../core/errors.js';

/**
 * The life of one workflow set at Lead (the files of one workflow for one date or batch), as data:
 *
 *   (first file) ──> waiting ──> processing ──> validated        (nothing more accepted for it)
 *                      ▲              │
 *                      │              └──────> rejected
 *                      └─────────────────────────┘  a higher version of a file arrived (resubmission)
 *
 * A file arriving while the set waits keeps it waiting and restarts the quiet period; that is not a
 * move. From file-exchange.md: all or nothing by workflow; a fix is the failed file with a higher
 * version, processed with the earlier versions of the others; once a workflow passed, nothing more for
 * its date or batch.
 */
export const SET_STATES = ['waiting', 'processing', 'validated', 'rejected'] as const;
export type SetState = (typeof SET_STATES)[number];

export interface SetTransition {
  readonly from: SetState;
  readonly to: SetState;
  /** Why the move happens, for people reading the table (and the sandbox's own log). */
  readonly when: string;
}

export const SET_TRANSITIONS: readonly SetTransition[] = [
  { from: 'waiting', to: 'processing', when: 'the quiet period passed and the set is complete' },
  { from: 'processing', to: 'validated', when: 'every file of the set passed' },
  { from: 'processing', to: 'rejected', when: 'a file failed validation, a file is missing, or the day is out of order' },
  { from: 'rejected', to: 'waiting', when: 'a higher version of one of its files arrived' },
];

/** States in which a newly arrived file can still join the set. */
export const ACCEPTING_STATES: readonly SetState[] = ['waiting', 'rejected'];

export function assertSetMove(from: SetState, to: SetState, what: string): void {
  if (!SET_TRANSITIONS.some((t) => t.from === from && t.to === to)) {
    throw new LeadEtlError('STATE_TRANSITION', `sandbox: ${what} cannot move from ${from} to ${to}`);
  }
}
