import type { FileDate } from '../../core/file-date.js';
import { describeRowProblem } from '../../transform/row-problem.js';
import type { JobContext } from '../job-context.js';
import type { RunResult } from '../run-file-date.js';
import { readStatusPicture } from '../status/read-status.js';
import { EXIT } from './exit-codes.js';
import { fileJson } from './file-json.js';
import type { Output } from './output.js';

/**
 * What `run`, `rerun` and `backfill` say about a date's run: the files built and uploaded, what the
 * submission rules left out, problems and late entries, and, when the date waits, what exactly it waits
 * for (which date and workflow, and the command that moves it on), read from the status picture.
 */
export interface WaitingOn {
  readonly fileDate: FileDate;
  readonly waitingFor: string;
}

/** The earliest date up to `fileDate` that is not validated: the one the run really waits on. */
export async function waitingOn(ctx: JobContext, fileDate: FileDate): Promise<WaitingOn | undefined> {
  const picture = await readStatusPicture(ctx);
  const row = picture.dates.find((d) => d.fileDate <= fileDate && !d.validated && d.waitingFor);
  return row ? { fileDate: row.fileDate, waitingFor: row.waitingFor! } : undefined;
}

export function runExitCode(result: RunResult): number {
  if (result.outcome === 'ok') return result.late.length > 0 ? EXIT.late : EXIT.ok;
  return result.outcome === 'waiting' ? EXIT.waiting : EXIT.failed;
}

export function runJson(result: RunResult, waiting: WaitingOn | undefined) {
  return {
    fileDate: result.fileDate,
    runId: result.runId,
    outcome: result.outcome,
    message: result.message,
    exitCode: runExitCode(result),
    built: result.built.map(fileJson),
    uploaded: result.uploaded.map(fileJson),
    problems: result.problems,
    problemCount: result.problemCount,
    notices: result.notices,
    lateEntries: result.late,
    waitingOn: waiting ?? null,
  };
}

/** Prints a run's outcome for people; returns the exit code. */
export function reportRun(out: Output, command: string, result: RunResult, waiting: WaitingOn | undefined): number {
  for (const p of result.problems) out.warn(describeRowProblem(p));
  if (result.problemCount > result.problems.length) out.warn(`... and ${result.problemCount - result.problems.length} more problem(s)`);
  for (const f of result.built) out.say(`built     ${f.name}  rows=${f.rows} bytes=${f.bytes} sha256=${f.sha256}`);
  for (const f of result.uploaded) out.say(`uploaded  ${f.remotePath}`);
  for (const n of result.notices) {
    const left = [
      n.unchanged && `${n.unchanged} unchanged record(s) not re-sent`,
      n.alreadySent && `${n.alreadySent} entr(ies) already sent`,
      n.terminalSkipped && `${n.terminalSkipped} record(s) changed after a terminal state, never re-sent (e.g. ${n.examples.join(', ')})`,
      n.updatesForUnsent && `${n.updatesForUnsent} update(s) for entries never sent (e.g. ${n.examples.join(', ')})`,
    ].filter(Boolean);
    if (left.length) out.say(`left out  ${n.fileType}: ${left.join('; ')}`);
  }
  for (const e of result.late) {
    out.warn(`late entry: ${e.fileType} ${e.recordId} belongs to ${e.belongsToFileDate}, which was already sent (or is before Day 0); it was not put in any other day. Resolve it with Lead (lead-etl status shows open late entries).`);
  }
  const code = runExitCode(result);
  if (result.outcome === 'ok') {
    out.say(result.message);
    if (result.late.length > 0) out.warn(`lead-etl ${command}: ${result.late.length} late entr(ies) found; see above`);
  } else {
    out.warn(`lead-etl ${command}: ${result.message}`);
    if (waiting) out.warn(`next: ${waiting.fileDate} ${waiting.waitingFor}`);
  }
  return code;
}
