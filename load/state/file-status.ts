/**
 * The life of one versioned file, as data. The database holds the same table and a trigger refuses any
 * other move, so no code path (or hand-written SQL) can skip a step.
 *
 *   built ──> uploading ──> uploaded ──> validated
 *     │                        ├──────> rejected    (Lead refused it: the next version replaces it)
 *     │                        └──────> superseded  (an operator replaced it: `lead-etl rerun --files`)
 *     └──> abandoned                                 (built, never sent, replaced by a rebuild)
 * The database holds the same table (migrations 0001 and 0005).
 */
export const FILE_STATUSES = ['built', 'uploading', 'uploaded', 'validated', 'rejected', 'abandoned', 'superseded'] as const;
export type FileStatus = (typeof FILE_STATUSES)[number];

export const FILE_TRANSITIONS: ReadonlyArray<readonly [FileStatus, FileStatus]> = [
  ['built', 'uploading'],
  ['built', 'abandoned'],
  ['uploading', 'uploaded'],
  ['uploaded', 'validated'],
  ['uploaded', 'rejected'],
  ['uploaded', 'superseded'],
];

/** Statuses after which the (date, file type) needs a new version to be sent again. */
export const REPLACEABLE_STATUSES: readonly FileStatus[] = ['rejected', 'abandoned', 'superseded'];

export function canMove(from: FileStatus, to: FileStatus): boolean {
  return FILE_TRANSITIONS.some(([a, b]) => a === from && b === to);
}
