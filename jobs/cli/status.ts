import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LeadEtlError } from '../../core/errors.js';
import type { FileDate } from '../../core/file-date.js';
import { formatDateDetail } from '../status/date-detail.js';
import { pictureBetween, readStatusPicture } from '../status/read-status.js';
import { formatStatusGrid, lastDates } from '../status/status-grid.js';
import { renderStatusPage } from '../status/status-page.js';
import type { CliCommand } from './command.js';
import { EXIT } from './exit-codes.js';
import { assertStateStoreExists, configFile, configFrom, withContext } from './job-setup.js';
import { dateOption, wholeNumber } from './options.js';

const SHOWN_DATES = 14;

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'a picture of the program: every date by workflow, what each waits for, the go-live streak',
  json: true,
  define(command) {
    command
      .description(`Shows the program's dates (from Day 0 to the newest date due) by workflow, each cell in one state:
not due, due, built, uploading, uploaded (waiting for Lead's answer), validated, rejected (waiting for a
rerun), needs operator (Lead's answer to record by hand, or problems to fix), and late when the files
were not in Lead's hands by 06:00 CT on T+1. Each date says what it waits for and the command that
moves it on; then the streak of consecutive validated dates (Lead asks for 7 before go-live). Colour on
a terminal only (NO_COLOR and --no-color turn it off).`)
      .addOption(dateOption('--date <T>', 'one date in detail: every file version, its checksum, upload time and Lead\'s answer'))
      .addOption(dateOption('--from <A>', 'the first date shown (default: the last 14 dates)'))
      .addOption(dateOption('--to <B>', 'the last date shown'))
      .option('--days <n>', 'how many of the latest dates to show', wholeNumber(1), SHOWN_DATES)
      .option('--html <file>', 'write the whole calendar as one self-contained HTML page instead');
  },
  async run({ io, globals, out }, options: { date?: FileDate; from?: FileDate; to?: FileDate; days: number; html?: string }) {
    const config = configFrom(globals, io);
    assertStateStoreExists(config, configFile(globals, io) !== undefined);
    const picture = await withContext(config, io, (ctx) => readStatusPicture(ctx));
    if (options.html) {
      const path = resolve(options.html);
      await writeFile(path, renderStatusPage(picture));
      out.result({ html: path, dates: picture.dates.length, streak: picture.streak });
      out.say(`wrote ${options.html}: ${picture.dates.length} date(s) of ${picture.program}, open it in a browser`);
      return EXIT.ok;
    }
    const { dates: _all, ...header } = picture;
    if (options.date) {
      const row = picture.dates.find((d) => d.fileDate === options.date);
      if (!row) {
        const span = picture.dates.length ? `${picture.dates[0]!.fileDate} .. ${picture.dates.at(-1)!.fileDate}` : 'none yet';
        throw new LeadEtlError('USAGE', `--date ${options.date} is not a date of the program (its dates: ${span})`);
      }
      out.result({ ...header, date: row });
      if (!out.json) io.stdout(formatDateDetail(picture, row, out.paint));
      return EXIT.ok;
    }
    const ranged = options.from || options.to;
    const shown = ranged
      ? { picture: pictureBetween(picture, { ...(options.from ? { from: options.from } : {}), ...(options.to ? { to: options.to } : {}) }), hidden: 0 }
      : lastDates(picture, options.days);
    out.result(ranged ? shown.picture : picture);
    if (!out.json) io.stdout(formatStatusGrid(shown.picture, { paint: out.paint, ...(shown.hidden ? { shownFrom: shown.hidden } : {}) }));
    return EXIT.ok;
  },
};
