import type { FileNaming, Workflow } from '../transform/file-type-spec.js';
import { ACCEPTING_STATES, assertSetMove, type SetState } from './workflow-states.js';

/**
 * One workflow set at Lead: every file received for one workflow and one date (or batch id), every
 * version kept, and where the set stands. Plain records; each change returns a new one.
 */
export interface ReceivedFile {
  readonly name: string;
  /** The folder it arrived in, as the partner sees it (`balances`). */
  readonly folder: string;
  /** Where it lies on the sandbox's disk. */
  readonly localPath: string;
  readonly fileType: string;
  readonly version: number;
  readonly receivedAt: string;
}

export interface WorkflowSet {
  readonly workflow: Workflow;
  /** The file date, or the batch id of a Customer batch. */
  readonly key: string;
  readonly naming: FileNaming;
  readonly state: SetState;
  /** Every version received, in arrival order. */
  readonly files: readonly ReceivedFile[];
  /** The quiet period runs from here. */
  readonly lastArrivalAt: string;
  /** How many times the set was processed. */
  readonly attempts: number;
}

export const setId = (workflow: Workflow, key: string): string => `${workflow}:${key}`;

export type Admission =
  | { readonly accepted: true; readonly set: WorkflowSet }
  | { readonly accepted: false; readonly reason: string };

/**
 * Lead's rules for a file arriving: nothing more once the set validated; a resubmission must carry a
 * higher version than any received for that file type; a higher version reopens a rejected set.
 */
export function admitFile(
  set: WorkflowSet | undefined,
  file: ReceivedFile,
  identity: { readonly workflow: Workflow; readonly key: string; readonly naming: FileNaming; readonly title: string },
): Admission {
  if (!set) {
    return { accepted: true, set: { ...identity, state: 'waiting', files: [file], lastArrivalAt: file.receivedAt, attempts: 0 } };
  }
  const what = set.naming === 'batch' ? `batch ${set.key}` : set.key;
  if (set.state === 'validated') {
    return { accepted: false, reason: `the ${identity.title} files of ${what} were already processed successfully; nothing more is accepted for ${set.naming === 'batch' ? 'that batch' : 'that date'}` };
  }
  if (!ACCEPTING_STATES.includes(set.state)) {
    return { accepted: false, reason: `the ${identity.title} files of ${what} are being processed` };
  }
  const highest = Math.max(0, ...set.files.filter((f) => f.fileType === file.fileType).map((f) => f.version));
  if (file.version <= highest) {
    return { accepted: false, reason: `version ${file.version} is not higher than version ${highest} already received for ${what}; a resubmission must carry a higher version` };
  }
  if (set.state === 'rejected') assertSetMove('rejected', 'waiting', `the ${identity.title} set of ${what}`);
  return { accepted: true, set: { ...set, state: 'waiting', files: [...set.files, file], lastArrivalAt: file.receivedAt } };
}

export function moveSet(set: WorkflowSet, to: SetState): WorkflowSet {
  assertSetMove(set.state, to, `the ${set.workflow} set of ${set.key}`);
  return { ...set, state: to, attempts: to === 'processing' ? set.attempts + 1 : set.attempts };
}

/** The files Lead processes: the highest version of each file type received. */
export function filesInPlay(set: WorkflowSet): ReceivedFile[] {
  const newest = new Map<string, ReceivedFile>();
  for (const file of set.files) {
    const held = newest.get(file.fileType);
    if (!held || file.version > held.version) newest.set(file.fileType, file);
  }
  return [...newest.values()];
}

/** Whether `file` is the first version of its type the set received. */
export function isFirstVersion(set: WorkflowSet, file: ReceivedFile): boolean {
  return Math.min(...set.files.filter((f) => f.fileType === file.fileType).map((f) => f.version)) === file.version;
}
