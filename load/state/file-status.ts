/**
 * The life of one versioned file, as data. The database holds the same table and a trigger refuses any
 * other move, so no code path (or hand-written SQL) can skip a step.
 *
 *   built ──> uploading ──> uploaded ──> validated
 *     │                        └──────> rejected   (Lead refused it: the next version replaces it)
 *     └──> abandoned                                (built, never sent, superseded by a rebuild)
 */
export const FILE_STATUSES = ['built', 'uploading', 'uploaded', 'validated', 'rejected', 'abandoned'] as const;
export type FileStatus = (typeof FILE_STATUSES)[number];

export const FILE_TRANSITIONS: ReadonlyArray<readonly [FileStatus, FileStatus]> = [
  ['built', 'uploading'],
  ['built', 'abandoned'],
  ['uploading', 'uploaded'],
  ['uploaded', 'validated'],
  ['uploaded', 'rejected'],
];

/** Statuses after which the (date, file type) needs a new version to be sent again. */
export const REPLACEABLE_STATUSES: readonly FileStatus[] = ['rejected', 'abandoned'];

export function canMove(from: FileStatus, to: FileStatus): boolean {
  return FILE_TRANSITIONS.some(([a, b]) => a === from && b === to);
}
