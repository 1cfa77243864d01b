import type { FileDate } from '../../core/file-date.js';
import { withDateLock } from '../../load/state/date-lock.js';
import { runFileDate } from '../run-file-date.js';
import { assertDateSendable } from '../sendable-date.js';
import type { CliCommand } from './command.js';
import { configFrom, withContext } from './job-setup.js';
import { dateOption } from './options.js';
import { reportRun, runJson, waitingOn } from './run-report.js';

export const runCommand: CliCommand = {
  name: 'run',
  summary: 'extract, build, archive and upload the files of one file date',
  json: true,
  define(command) {
    command
      .description(`Builds every file type of the program for the file date T (activity of T-1, America/Chicago) from one
ledger snapshot, archives each file with its checksum, and uploads them workflow by workflow once Lead
has validated what they wait for (T-1, and the date's earlier workflows). T is built only in its turn
(Day 0, or once Lead validated T-1); before then its files are checked in a dry run that records nothing.
A date before program.firstFileDate, or whose activity day has not ended plus upload.settleMinutes, is
refused (exit 2). Running it again sends nothing twice and finishes an upload an earlier run left half
done. Exit 3 says what the date waits for.`)
      .addOption(dateOption('--date <T>', 'the file date (the date in the file names)').makeOptionMandatory())
      .option('--no-upload', 'build and archive only');
  },
  async run({ io, globals, out }, options: { date: FileDate; upload: boolean }) {
    const config = configFrom(globals, io);
    assertDateSendable(config, io.clock.now(), options.date);
    const { result, waiting } = await withContext(config, io, (ctx) => withDateLock(ctx.state, `date:${options.date}`, async () => {
      const result = await runFileDate(ctx, options.date, { upload: options.upload });
      return { result, waiting: result.outcome === 'waiting' ? await waitingOn(ctx, options.date) : undefined };
    }));
    out.result(runJson(result, waiting));
    return reportRun(out, 'run', result, waiting);
  },
};
