import type { DateTime } from 'luxon';
import { addDays, dueAt, type FileDate } from '../../core/file-date.js';
import type { Workflow } from '../../core/workflows.js';
import type { LateEntry } from '../../load/state/submitted-records.js';
import type { LatestRun, RecordedAnswer } from '../../load/state/answer-log.js';
import type { FileRecord } from '../../load/state/state-store.js';
import { REPLACEABLE_STATUSES } from '../../load/state/file-status.js';
import { directionOf } from '../../transform/file-type-spec.js';
import type { ProgramFileType } from '../../transform/program-file-types.js';
import { workflowOrder } from '../build-date-files.js';

/**
 * The status picture: every date of the program (from Day 0, or the first date sent, to the newest date
 * due) by workflow, each cell in one state, what each date waits for, and the streak of validated dates
 * Lead wants to see before go-live. Computed from what the state store holds, so `status`, its HTML page
 * and the run's messages all tell the same story.
 */
export const CELL_STATES = ['not-due', 'due', 'built', 'uploading', 'uploaded', 'validated', 'rejected', 'operator'] as const;
export type CellState = (typeof CELL_STATES)[number];

export const CELL_LABELS: Readonly<Record<CellState, string>> = {
  'not-due': 'not due',
  due: 'due',
  built: 'built',
  uploading: 'uploading',
  uploaded: 'uploaded',
  validated: 'validated',
  rejected: 'rejected',
  operator: 'needs operator',
};

export const WORKFLOW_TITLES: Readonly<Record<Workflow, string>> = {
  customer: 'Customer batches',
  compliance: 'Compliance',
  financial: 'Financial',
  sales: 'Sales',
};

/** Lead asks for this many consecutive successful dates before traffic ramps up; a rejected date restarts the count. */
export const GO_LIVE_STREAK = 7;

export interface LeadAnswerView {
  readonly outcome: 'validated' | 'rejected';
  readonly at: string | null;
  /** Who recorded it: slack, operator, sandbox... */
  readonly source: string | null;
  /** Lead's words (its message, or the reason of a rejection). */
  readonly text: string | null;
}

export interface FileView {
  readonly name: string;
  readonly fileType: string;
  readonly version: number;
  readonly status: FileRecord['status'];
  /** An extra Customer batch of the day (`<date>-02`...), or null for the daily files. */
  readonly batchId: string | null;
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly remotePath: string;
  readonly builtAt: string;
  readonly uploadedAt: string | null;
  readonly answer: LeadAnswerView | null;
}

export interface WorkflowCell {
  readonly workflow: Workflow;
  readonly title: string;
  readonly state: CellState;
  /** Not in Lead's hands by 06:00 CT on T+1 (or sent after it). */
  readonly late: boolean;
  /** What the cell waits for, and the command that moves it on; absent once validated. */
  readonly waitingFor?: string;
  /** Problems the date's latest run found in this workflow's files. */
  readonly problems: number;
  /** Every version of the workflow's files for the date, extra Customer batches included, oldest first. */
  readonly files: readonly FileView[];
}

export interface DateRow {
  readonly fileDate: FileDate;
  /** Lead's deadline for the date: 06:00 in the program's zone on T+1. */
  readonly deadline: string;
  readonly validated: boolean;
  /** Lead rejected some file of the date (even one sent again since): the go-live count restarts. */
  readonly rejected: boolean;
  readonly late: boolean;
  /** What the date waits for (the first workflow not validated, or the date before it). */
  readonly waitingFor?: string;
  readonly cells: readonly WorkflowCell[];
}

export interface StatusPicture {
  readonly program: string;
  readonly profile: string;
  readonly timeZone: string;
  readonly generatedAt: string;
  readonly day0: FileDate | null;
  /** The Slack channel Lead's answers are read from, or null: answers are then recorded by hand. */
  readonly slackChannel: string | null;
  readonly workflows: readonly { readonly workflow: Workflow; readonly title: string }[];
  readonly dates: readonly DateRow[];
  readonly streak: { readonly days: number; readonly goal: number; readonly through: FileDate | null };
  readonly lateEntries: readonly (LateEntry & { readonly detectedAt: string })[];
}

export interface PictureInput {
  readonly program: { readonly name: string; readonly profile: string; readonly timeZone: string; readonly firstFileDate?: string; readonly files: readonly ProgramFileType[] };
  readonly workflowOrder: readonly Workflow[];
  readonly waitForPrevious: boolean;
  readonly requirePreviousDayValidated: boolean;
  readonly buildAfter: string;
  readonly slackChannel: string | null;
  readonly now: DateTime;
  readonly files: readonly FileRecord[];
  readonly answers: readonly RecordedAnswer[];
  readonly runs: readonly LatestRun[];
  readonly lateEntries: readonly (LateEntry & { readonly detectedAt: string })[];
}

/** The newest file date whose build time (schedule.buildAfter, program zone) has come by `now`. */
export function newestDueDate(now: DateTime, zone: string, buildAfter: string): FileDate {
  const local = now.setZone(zone);
  const [hour, minute] = buildAfter.split(':').map(Number) as [number, number];
  const today = local.toISODate() as FileDate;
  return local.hour * 60 + local.minute >= hour * 60 + minute ? today : addDays(today, -1);
}

export function buildStatusPicture(input: PictureInput): StatusPicture {
  const { program, now } = input;
  const outbound = program.files.filter((t) => directionOf(t.spec) === 'outbound');
  // Keyed by plain strings: the state store names file types as text, whatever this version knows.
  const workflowOf = new Map<string, Workflow>(program.files.map((t) => [t.spec.id, t.spec.workflow]));
  const workflows = workflowOrder(input.workflowOrder).filter((w) => outbound.some((t) => t.spec.workflow === w));
  const newest = newestDueDate(now, program.timeZone, input.buildAfter);
  const fileDates = [...new Set(input.files.map((f) => f.fileDate))].sort();
  const day0 = (program.firstFileDate as FileDate | undefined) ?? null;
  const first = day0 ?? fileDates[0];
  const last = [newest, ...fileDates].sort().at(-1)!;
  const dates: FileDate[] = [];
  if (first) for (let d = first; d <= last; d = addDays(d, 1)) dates.push(d);

  const rows: DateRow[] = [];
  // The earliest date not validated, and what it waits for itself: every later date waits behind it.
  let blocker: { fileDate: FileDate; waitingFor: string } | undefined;
  for (const fileDate of dates) {
    const ofDate = input.files.filter((f) => f.fileDate === fileDate);
    const run = input.runs.find((r) => r.fileDate === fileDate);
    const deadline = dueAt(fileDate, program.timeZone);
    const cells: WorkflowCell[] = [];
    for (const workflow of workflows) {
      const types = outbound.filter((t) => t.spec.workflow === workflow).map((t): string => t.spec.id);
      const files = ofDate.filter((f) => workflowOf.get(f.fileType) === workflow).map((f) => fileView(f, workflow, input.answers));
      const daily = ofDate.filter((f) => types.includes(f.fileType) && f.batchId === null);
      const live = types.map((id) => liveDaily(daily, id)).filter((f): f is FileRecord => f !== undefined);
      const rejectedWaiting = types.filter((id) => !liveDaily(daily, id) && daily.some((f) => f.fileType === id && f.status === 'rejected'));
      const problems = run?.outcome === 'failed'
        ? Object.entries(run.problems).filter(([type]) => workflowOf.get(type) === workflow).reduce((n, [, count]) => n + count, 0)
        : 0;
      const earlier = cells.find((c) => c.state !== 'validated');
      const salesReady = workflow !== 'sales' || cells.find((c) => c.workflow === 'financial')?.state === 'validated';
      const state = cellState({ live, rejectedWaiting, problems, notDue: fileDate > newest, salesReady, slack: input.slackChannel !== null });
      // In Lead's hands only when every type of the workflow went, none of them waiting for a rerun.
      const sentAt = live.length > 0 && rejectedWaiting.length === 0 && live.every((f) => f.uploadedAt !== null) ? live.map((f) => f.uploadedAt!).sort().at(-1)! : undefined;
      const late = workflow !== 'sales' && state !== 'not-due' && (sentAt ? Date.parse(sentAt) > deadline.toMillis() : now >= deadline);
      const waitingFor = waitingText({
        state, workflow, fileDate, live, rejectedWaiting, problems, input,
        earlierWorkflow: input.waitForPrevious ? earlier?.workflow : undefined,
        blocker: input.requirePreviousDayValidated ? blocker : undefined,
      });
      cells.push({ workflow, title: WORKFLOW_TITLES[workflow], state, late, problems, files, ...(waitingFor ? { waitingFor } : {}) });
    }
    const validated = cells.length > 0 && cells.every((c) => c.state === 'validated');
    const waitingCell = cells.find((c) => c.state !== 'validated');
    if (!validated && !blocker && waitingCell?.waitingFor) blocker = { fileDate, waitingFor: `${waitingCell.title}: ${waitingCell.waitingFor}` };
    rows.push({
      fileDate,
      deadline: deadline.toISO()!,
      validated,
      rejected: ofDate.some((f) => f.status === 'rejected'),
      late: cells.some((c) => c.late),
      cells,
      ...(waitingCell?.waitingFor ? { waitingFor: `${waitingCell.title}: ${waitingCell.waitingFor}` } : {}),
    });
  }

  let streak = 0;
  let through: FileDate | null = null;
  for (const row of rows) {
    if (row.rejected) {
      streak = 0;
      through = null;
    } else if (row.validated) {
      streak += 1;
      through = row.fileDate;
    } else {
      break;
    }
  }

  return {
    program: program.name,
    profile: program.profile,
    timeZone: program.timeZone,
    generatedAt: now.toUTC().toISO()!,
    day0,
    slackChannel: input.slackChannel,
    workflows: workflows.map((workflow) => ({ workflow, title: WORKFLOW_TITLES[workflow] })),
    dates: rows,
    streak: { days: streak, goal: GO_LIVE_STREAK, through },
    lateEntries: input.lateEntries,
  };
}

function liveDaily(daily: readonly FileRecord[], fileType: string): FileRecord | undefined {
  return daily.filter((f) => f.fileType === fileType && !REPLACEABLE_STATUSES.includes(f.status)).at(-1);
}

function cellState(args: {
  live: readonly FileRecord[]; rejectedWaiting: readonly string[]; problems: number; notDue: boolean; salesReady: boolean; slack: boolean;
}): CellState {
  const { live } = args;
  if (args.rejectedWaiting.length > 0) return 'rejected';
  if (live.length === 0) {
    if (args.problems > 0) return 'operator';
    // The Sales Response answers Lead's Sales Request, which comes only once the Financial files validated.
    if (args.notDue || !args.salesReady) return 'not-due';
    return 'due';
  }
  if (live.some((f) => f.status === 'uploading')) return 'uploading';
  if (live.some((f) => f.status === 'built')) return 'built';
  // Without a channel nothing records Lead's answer but a person.
  if (live.some((f) => f.status === 'uploaded')) return args.slack ? 'uploaded' : 'operator';
  return 'validated';
}

function waitingText(args: {
  state: CellState; workflow: Workflow; fileDate: FileDate; live: readonly FileRecord[]; rejectedWaiting: readonly string[]; problems: number;
  input: PictureInput; earlierWorkflow: Workflow | undefined; blocker: { fileDate: FileDate; waitingFor: string } | undefined;
}): string | undefined {
  const { state, fileDate: t, workflow, input } = args;
  // Lead's order: nothing of T goes before every earlier date validated; name the one that holds it up.
  const gate = args.blocker && args.blocker.fileDate < t
    ? `waiting for ${args.blocker.fileDate} to be validated first (${args.blocker.waitingFor})`
    : undefined;
  switch (state) {
    case 'validated':
      return undefined;
    case 'not-due':
      return workflow === 'sales' && t <= newestDueDate(input.now, input.program.timeZone, input.buildAfter)
        ? `waiting for Lead's Sales Request, which Lead posts once the Financial files of ${t} are validated`
        : `not due before ${input.buildAfter} ${input.program.timeZone} on ${t}`;
    case 'due':
      return gate ?? `waiting for a run: \`lead-etl run --date ${t}\` (the daemon runs it on its next tick)`;
    case 'built':
      if (gate) return gate;
      if (args.earlierWorkflow) return `waiting for Lead to validate the ${WORKFLOW_TITLES[args.earlierWorkflow]} files of ${t} first`;
      return `waiting for an upload: \`lead-etl run --date ${t}\``;
    case 'uploading':
      return `waiting for an upload an earlier run left half done: \`lead-etl run --date ${t}\` finishes it`;
    case 'uploaded':
      return `waiting for Lead's answer in Slack channel ${input.slackChannel} (the daemon records it)`;
    case 'rejected':
      return `waiting for a rerun: Lead rejected ${args.rejectedWaiting.join(', ')}; fix the cause, then \`lead-etl rerun --date ${t}\``;
    case 'operator':
      if (args.problems > 0) return `waiting for a fix: the last run found ${args.problems} problem(s) (\`lead-etl status --date ${t}\`); fix the ledger rows or the query, then \`lead-etl run --date ${t}\``;
      return `waiting for Lead's answer: record it with \`lead-etl ack --date ${t} --workflow ${workflow} --validated\` (or \`--rejected --file TYPE --reason TEXT\`); no Slack channel is configured to read it from`;
  }
}

function fileView(file: FileRecord, workflow: Workflow, answers: readonly RecordedAnswer[]): FileView {
  let answer: LeadAnswerView | null = null;
  if (file.status === 'validated' || file.status === 'rejected') {
    const at = file.acknowledgedAt ? Date.parse(file.acknowledgedAt) : Number.POSITIVE_INFINITY;
    // The acknowledgement row is written in the same transaction as the file's move, just before it.
    const recorded = answers
      .filter((a) => a.fileDate === file.fileDate && a.workflow === workflow && a.outcome === file.status && Date.parse(a.recordedAt) <= at + 1000)
      .at(-1);
    answer = { outcome: file.status, at: file.acknowledgedAt, source: recorded?.source ?? null, text: file.reason ?? recorded?.note ?? null };
  }
  return {
    name: file.name, fileType: file.fileType, version: file.version, status: file.status, batchId: file.batchId,
    rows: file.rows, bytes: file.bytes, sha256: file.sha256, remotePath: file.remotePath,
    builtAt: file.builtAt, uploadedAt: file.uploadedAt, answer,
  };
}
