/**
 * The life of one versioned file, as data. The database holds the same table and a trigger refuses any
 * other move, so no code path (or hand-written SQL) can skip a step.
 *
 *   built ──> uploading ──> renaming ──> uploaded ──> validated
 *     │           │            │            ├──────> rejected    (Lead refused it: the next version replaces it)
 *     │           │            │            └──────> superseded  (an operator replaced it: `lead-etl rerun --files`)
 *     └───────────┴────────────┴──> abandoned                    (never reached Lead: `lead-etl abandon`, or a stale build)
 *
 * `uploading`: the bytes are going to a temporary name Lead never reads. `renaming`: recorded just before
 * the temporary file is renamed to its final name, so after a crash the next run knows the rename may
 * have happened (and Lead's pickup may have moved the file away) and checks the server before anything
 * else. `uploading -> uploaded` is kept for a file found under its final name with the archived sha256
 * (an interrupted upload of an older lead-etl) and for files an operator sent by hand.
 * The database holds the same table (migrations 0001, 0005 and 0009).
 */
export const FILE_STATUSES = ['built', 'uploading', 'renaming', 'uploaded', 'validated', 'rejected', 'abandoned', 'superseded'] as const;
export type FileStatus = (typeof FILE_STATUSES)[number];

export const FILE_TRANSITIONS: ReadonlyArray<readonly [FileStatus, FileStatus]> = [
  ['built', 'uploading'],
  ['built', 'abandoned'],
  ['uploading', 'renaming'],
  ['uploading', 'uploaded'],
  ['uploading', 'abandoned'],
  ['renaming', 'uploaded'],
  ['renaming', 'abandoned'],
  ['uploaded', 'validated'],
  ['uploaded', 'rejected'],
  ['uploaded', 'superseded'],
];

/** Statuses after which the (date, file type) needs a new version to be sent again. */
export const REPLACEABLE_STATUSES: readonly FileStatus[] = ['rejected', 'abandoned', 'superseded'];

/**
 * Sent means received: the statuses of a version Lead has (uploaded, validated) or may have (renaming:
 * the rename may have happened). Only the rows of these versions count as submitted for any other date:
 * a version built and never uploaded holds nothing back.
 */
export const SENT_STATUSES: readonly FileStatus[] = ['renaming', 'uploaded', 'validated'];

