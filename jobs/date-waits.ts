import type { FileDate } from '../core/file-date.js';
import type { Workflow } from '../core/workflows.js';
import type { JobContext } from './job-context.js';
import { readStatusPicture } from './status/read-status.js';

/**
 * What each open date waits for, as the daemon's log says it: read off the same status picture
 * `lead-etl status` shows (jobs/status/status-picture.ts), so the log and the console never tell an
 * operator two different stories. Only what waits on a person or on Lead is listed: Lead's answer on
 * files uploaded, an operator's rerun after a rejection, or a fix after a run found problems.
 */
export interface DateWait {
  readonly fileDate: FileDate;
  readonly workflow: Workflow;
  readonly waitingFor: 'lead-answer' | 'operator-rerun' | 'operator-fix';
  readonly files: readonly string[];
  /** One line for the log: what the date waits for and what to do (the status picture's words). */
  readonly text: string;
}

export async function dateWaits(ctx: JobContext, dates: readonly FileDate[], options: { readonly channel: boolean }): Promise<DateWait[]> {
  // The daemon may read Lead's answers from a source other than a configured Slack channel (the sandbox).
  const slackChannel = options.channel ? (ctx.config.acknowledgements.slack?.channel ?? "Lead's channel") : null;
  const picture = await readStatusPicture(ctx, { slackChannel });
  const waits: DateWait[] = [];
  for (const row of picture.dates) {
    if (!dates.includes(row.fileDate)) continue;
    for (const cell of row.cells) {
      if (!cell.waitingFor) continue;
      const waitingFor = cell.state === 'rejected' ? 'operator-rerun'
        : cell.state === 'operator' && cell.problems > 0 ? 'operator-fix'
          : cell.state === 'uploaded' || cell.state === 'operator' ? 'lead-answer'
            : undefined;
      if (!waitingFor) continue;
      const files = cell.files.filter((f) => (waitingFor === 'operator-rerun' ? f.status === 'rejected' : f.status === 'uploaded')).map((f) => f.name);
      waits.push({ fileDate: row.fileDate, workflow: cell.workflow, waitingFor, files, text: `${row.fileDate} ${cell.title}: ${cell.waitingFor}` });
    }
  }
  return waits;
}
