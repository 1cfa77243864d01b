import { basename } from 'node:path';
import { DateTime } from 'luxon';
import { addDays, type FileDate } from '../core/file-date.js';
import type { Workflow } from '../transform/file-type-spec.js';
import { workflowTypes, type LeadLayout } from './lead-layout.js';
import { fileFailed, REJECTION_REASONS, WORKFLOW_TITLES, workflowRejected, workflowValidated } from './lead-messages.js';
import { faultApplies, injectedProblem, type RejectFault } from './reject-faults.js';
import type { SetProblem, SetValidator } from './set-validator.js';
import { filesInPlay, isFirstVersion, moveSet, type ReceivedFile, type WorkflowSet } from './workflow-set.js';

/**
 * Lead processing one workflow set, all or nothing: the process rules first (Day 0, the previous day
 * validated, every file of the workflow there), then validation of the newest version of each file
 * type, with any fault a rehearsal asked for. Returns the set in its new state and the messages Lead
 * posts about it; the caller posts them and keeps the set.
 */
export interface ProcessContext {
  readonly layout: LeadLayout;
  readonly validator: SetValidator;
  readonly faults: readonly RejectFault[];
  /** Lead's Day 0 for the program: the first date, with no previous day to wait for. */
  readonly day0: FileDate | undefined;
  /** The set of another workflow or date, to check the previous day. */
  readonly setOf: (workflow: Workflow, key: string) => WorkflowSet | undefined;
}

export interface ProcessOutcome {
  readonly set: WorkflowSet;
  /** What Lead posts in the channel, in posting order. */
  readonly texts: readonly string[];
  /** The files processed (the newest version of each type), in Lead's order. */
  readonly inPlay: readonly ReceivedFile[];
}

export const WORKFLOW_ORDER: readonly Workflow[] = Object.keys(WORKFLOW_TITLES) as Workflow[];

/**
 * A set is taken up once no file has arrived for the quiet period (Lead "waits a few minutes for any
 * other files"). A Customer batch waits for every file of it Lead expects (file-exchange.md: a batch is
 * processed once both its Customer and Customer Relationship files are there); once the partner has
 * moved on to other files since the batch's last one (`movedOn`), a batch still missing one is taken up
 * and rejected with the reason, so a rehearsal says what Lead is waiting for.
 */
export function readyToProcess(set: WorkflowSet, now: DateTime, quietMs: number, layout: LeadLayout, movedOn = false): boolean {
  if (set.state !== 'waiting') return false;
  if (now.toMillis() < DateTime.fromISO(set.lastArrivalAt).toMillis() + quietMs) return false;
  if (set.naming === 'batch') {
    const complete = workflowTypes(layout, set.workflow).every((spec) => set.files.some((f) => f.fileType === spec.id));
    return complete || movedOn;
  }
  return true;
}

export async function processWorkflowSet(set: WorkflowSet, ctx: ProcessContext): Promise<ProcessOutcome> {
  const processing = moveSet(set, 'processing');
  const specs = workflowTypes(ctx.layout, set.workflow);
  const order = (f: ReceivedFile) => specs.findIndex((s) => s.id === f.fileType);
  const inPlay = filesInPlay(processing).sort((a, b) => order(a) - order(b));
  const names = inPlay.map((f) => f.name);
  const rejected = (reason: string, before: string[] = []): ProcessOutcome => ({
    set: moveSet(processing, 'rejected'),
    texts: [...before, workflowRejected(set.key, set.workflow, reason)],
    inPlay,
  });

  if (set.naming === 'date') {
    const { day0 } = ctx;
    if (day0 !== undefined && set.key < day0) return rejected(REJECTION_REASONS.beforeDay0(day0));
    if (day0 !== undefined && set.key > day0) {
      const previous = addDays(set.key as FileDate, -1);
      const pending = ctx.layout.dailyWorkflows.filter((w) => ctx.setOf(w, previous)?.state !== 'validated');
      if (pending.length > 0) return rejected(REJECTION_REASONS.previousDay(previous, pending.map((w) => WORKFLOW_TITLES[w])));
    }
  }
  // Every file type of the workflow Lead expects from the program: a day's (an empty day is a header-only
  // file), or a batch's (Customer and Customer Relationship go as a pair).
  const missing = specs.filter((spec) => !inPlay.some((f) => f.fileType === spec.id)).map((spec) => spec.id);
  if (missing.length > 0) return rejected(REJECTION_REASONS.missing(missing));

  const problems: SetProblem[] = [];
  for (const file of inPlay) {
    const spec = specs.find((s) => s.id === file.fileType)!;
    if (isFirstVersion(processing, file) && ctx.faults.some((fault) => faultApplies(fault, set.key, file.fileType, ctx.day0))) {
      problems.push(await injectedProblem(file.localPath, spec));
    }
  }
  problems.push(...(await ctx.validator(inPlay.map((f) => ({ path: f.localPath, fileType: f.fileType, fileDate: set.key, version: f.version })))));
  if (problems.length === 0) {
    return { set: moveSet(processing, 'validated'), texts: [workflowValidated(set.key, set.workflow, names)], inPlay };
  }

  // A problem names its file by the path it was given, or (another validator) by its name.
  const fileOf = (p: SetProblem) => inPlay.find((f) => f.localPath === p.file || f.name === basename(p.file))?.name ?? basename(p.file);
  const failed = [...new Set(problems.map(fileOf))];
  const perFile = failed.map((name) => fileFailed(name, problems.filter((p) => fileOf(p) === name)));
  return rejected(REJECTION_REASONS.filesFailed(failed, names), perFile);
}
