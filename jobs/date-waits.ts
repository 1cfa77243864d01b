import type { FileDate } from '../core/file-date.js';
import { WORKFLOWS, type Workflow } from '../core/workflows.js';
import { filesForDate, liveFile, type FileRecord } from '../load/state/state-store.js';
import type { JobContext } from './job-context.js';

/**
 * What each open date waits for, from the state store: Lead's answer on files uploaded (read from the
 * channel, or recorded by an operator when there is none), or an operator's rerun after a rejection.
 * Without a channel nothing else would tell the operator that a date stands still until they run
 * `lead-etl ack`; with one, the daemon says what it is waiting to read.
 */
export interface DateWait {
  readonly fileDate: FileDate;
  readonly workflow: Workflow;
  readonly waitingFor: 'lead-answer' | 'operator-rerun';
  readonly files: readonly string[];
  /** One line for the log: what the date waits for and what to do. */
  readonly text: string;
}

const TITLE: Readonly<Record<Workflow, string>> = { customer: 'Customer', compliance: 'Compliance', financial: 'Financial', sales: 'Sales' };

export async function dateWaits(ctx: JobContext, dates: readonly FileDate[], options: { readonly channel: boolean }): Promise<DateWait[]> {
  const types = ctx.config.program.files.filter((t) => (t.spec.direction ?? 'outbound') === 'outbound');
  const waits: DateWait[] = [];
  for (const fileDate of dates) {
    const files = await filesForDate(ctx.state.db, fileDate);
    for (const workflow of WORKFLOWS) {
      const ofWorkflow = types.filter((t) => t.spec.workflow === workflow);
      const live = ofWorkflow.map((t) => liveFile(files, t.spec.id)).filter((f): f is FileRecord => f !== undefined);
      const uploaded = live.filter((f) => f.status === 'uploaded').map((f) => f.name);
      if (uploaded.length > 0) {
        const how = options.channel
          ? 'it is read from the channel on every tick; an operator may also record it with'
          : 'no channel is read (acknowledgements.slack is not set): record it with';
        waits.push({
          fileDate, workflow, waitingFor: 'lead-answer', files: uploaded,
          text: `waiting for Lead's answer on the ${TITLE[workflow]} files of ${fileDate} (${uploaded.join(', ')}): ${how} \`lead-etl ack --date ${fileDate} --workflow ${workflow} --validated\` or \`lead-etl ack --date ${fileDate} --rejected --file TYPE --reason TEXT\``,
        });
      }
      const rejected = ofWorkflow.filter((t) => !liveFile(files, t.spec.id) && files.some((f) => f.fileType === t.spec.id && f.status === 'rejected'));
      if (rejected.length > 0) {
        const names = rejected.map((t) => files.filter((f) => f.fileType === t.spec.id && f.status === 'rejected').at(-1)!.name);
        waits.push({
          fileDate, workflow, waitingFor: 'operator-rerun', files: names,
          text: `waiting for an operator: Lead rejected ${names.join(', ')} of ${fileDate}; fix the cause, then \`lead-etl rerun --date ${fileDate}\` sends the next version`,
        });
      }
    }
  }
  return waits;
}
