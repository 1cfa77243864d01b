import type { FileDate } from '../../core/file-date.js';
import { withDateLock } from '../../load/state/date-lock.js';
import { planRerun, rerunDate } from '../rerun-date.js';
import type { CliCommand } from './command.js';
import { fileJson } from './file-json.js';
import { configFrom, withContext } from './job-setup.js';
import { dateOption, listArg } from './options.js';
import { reportRun, runJson, waitingOn } from './run-report.js';
import { EXIT } from './exit-codes.js';

export const rerunCommand: CliCommand = {
  name: 'rerun',
  summary: 'rebuild rejected (or named) files of a date from the ledger and send them as the next version',
  json: true,
  define(command) {
    command
      .description(`After Lead rejects a file (recorded by the daemon from Slack, or with \`lead-etl ack --date T --rejected
--file TYPE\`), rebuilds the rejected file types of T from the ledger as it is now and sends them with the
next version; the other files of the workflow stay as they were, and Lead processes them together.
--files names the types to replace even when Lead did not reject them. Refused for a workflow Lead
already validated.`)
      .addOption(dateOption('--date <T>', 'the file date').makeOptionMandatory())
      .option('--files <types>', 'file types to rebuild, comma-separated (default: the rejected ones)', listArg)
      .option('--dry-run', 'print what would be sent, change nothing');
  },
  async run({ io, globals, out }, options: { date: FileDate; files?: string[]; dryRun?: boolean }) {
    const config = configFrom(globals, io);
    if (options.dryRun) {
      const plans = await withContext(config, io, (ctx) => planRerun(ctx, options.date, options.files));
      for (const p of plans) out.say(`would send ${p.nextName}${p.current ? ` (replacing ${p.current.name}, ${p.current.status})` : ''}`);
      out.result({ fileDate: options.date, dryRun: true, plans: plans.map((p) => ({ fileType: p.fileType, nextName: p.nextName, replacing: p.current ? fileJson(p.current) : null })) });
      return EXIT.ok;
    }
    const { plans, result, waiting } = await withContext(config, io, (ctx) => withDateLock(ctx.state, `date:${options.date}`, async () => {
      const { plans, result } = await rerunDate(ctx, options.date, options.files);
      return { plans, result, waiting: result.outcome === 'waiting' ? await waitingOn(ctx, options.date) : undefined };
    }));
    for (const p of plans) out.say(`rerun     ${p.fileType}: ${p.current ? `${p.current.name} superseded, ` : ''}next ${p.nextName}`);
    out.result({ ...runJson(result, waiting), dryRun: false, plans: plans.map((p) => ({ fileType: p.fileType, nextName: p.nextName, replacing: p.current ? fileJson(p.current) : null })) });
    return reportRun(out, 'rerun', result, waiting);
  },
};
