import { daysBetween, type FileDate } from '../../core/file-date.js';
import { LeadEtlError } from '../../core/errors.js';
import { withDateLock } from '../../load/state/date-lock.js';
import { backfill } from '../backfill.js';
import type { CliCommand } from './command.js';
import { EXIT } from './exit-codes.js';
import { configFrom, withContext } from './job-setup.js';
import { dateOption } from './options.js';
import { createProgress } from './progress.js';
import { waitingOn, type WaitingOn } from './run-report.js';

export const backfillCommand: CliCommand = {
  name: 'backfill',
  summary: 'send every date from A to B in order, stopping (resumably) where a date waits',
  json: true,
  define(command) {
    command
      .description(`Runs every file date from A to B in order under the same waits as a daily run, with a progress bar on a
terminal and a line per date otherwise. It stops at the first date that waits (for Lead's answer on an
earlier date or workflow, or for an operator) or fails, and says which date and what it waits for; call
it again once that is done: dates already sent are recognised and nothing is sent twice.`)
      .addOption(dateOption('--from <A>', 'the first file date').makeOptionMandatory())
      .addOption(dateOption('--to <B>', 'the last file date').makeOptionMandatory());
  },
  async run({ io, globals, out }, options: { from: FileDate; to: FileDate }) {
    const { from, to } = options;
    if (to < from) throw new LeadEtlError('USAGE', `--to ${to} is before --from ${from}`);
    const config = configFrom(globals, io);
    const progress = createProgress(io, out, { total: daysBetween(from, to) + 1, label: 'backfill' });
    const dates: { fileDate: FileDate; outcome: string; message: string }[] = [];
    let waiting: WaitingOn | undefined;
    let outcome;
    try {
      outcome = await withContext(config, io, (ctx) => withDateLock(ctx.state, 'backfill', async () => {
        const result = await backfill(ctx, from, to, (p) => {
          dates.push({ fileDate: p.current, outcome: p.result.outcome, message: p.result.message });
          progress.step(dates.length, `backfill ${p.current}: ${p.result.outcome}; ${p.done} done, ${p.left} left`, { keep: true });
        });
        if (result.stoppedAt?.outcome === 'waiting') waiting = await waitingOn(ctx, result.stoppedAt.fileDate);
        return result;
      }));
    } finally {
      progress.stop();
    }
    const stopped = outcome.stoppedAt;
    const exitCode = !stopped ? EXIT.ok : stopped.outcome === 'waiting' ? EXIT.waiting : EXIT.failed;
    out.result({
      from, to, done: outcome.done, exitCode, dates,
      stoppedAt: stopped ? { fileDate: stopped.fileDate, outcome: stopped.outcome, message: stopped.message } : null,
      waitingOn: waiting ?? null,
    });
    if (!stopped) {
      out.say(`backfill finished: ${outcome.done} date(s) from ${from} to ${to}`);
      return exitCode;
    }
    out.warn(`lead-etl backfill: stopped at ${stopped.fileDate}: ${stopped.message}; call it again to carry on`);
    if (waiting) out.warn(`waiting on ${waiting.fileDate}: ${waiting.waitingFor}`);
    return exitCode;
  },
};
