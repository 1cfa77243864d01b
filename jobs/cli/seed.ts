import type { FileDate } from '../../core/file-date.js';
import { REFERENCE_PROGRAMS, type ReferenceProgram } from '../../reference-program/generate.js';
import { seedLedger } from '../seed-ledger.js';
import type { CliCommand } from './command.js';
import { Option } from 'commander';
import { EXIT } from './exit-codes.js';
import { configFrom } from './job-setup.js';
import { dateOption, wholeNumber } from './options.js';
import { createProgress } from './progress.js';

export const seedCommand: CliCommand = {
  name: 'seed',
  summary: 'fill the configured ledger with the generated reference program (deposit, credit or all)',
  json: true,
  define(command) {
    command
      .description(`Installs the reference ledger schema (schema "ledger") in the configured ledger database and generates
a deterministic program into it: deposit (accounts with debit cards), credit (applications, credit
accounts, collaterals and sales of receivables) or all (both). The same options always give the same
data. A bar shows the days written on a terminal; a line per day otherwise.`)
      .requiredOption('--days <n>', 'activity days to generate', wholeNumber(1, 3660))
      .addOption(new Option('--program <p>', 'the reference program').choices(REFERENCE_PROGRAMS).default('deposit'))
      .option('--scale <s>', 'program size; 1 is about 100 customers', wholeNumber(1, 1000), 1)
      .option('--seed <x>', 'random seed', wholeNumber(0), 42)
      .addOption(dateOption('--start <date>', 'first activity day (default 2026-03-05; file dates start the day after)'))
      .option('--reset', 'drop an existing reference ledger first');
  },
  async run({ io, globals, out }, options: { days: number; program: ReferenceProgram; scale: number; seed: number; start?: FileDate; reset?: boolean }) {
    const config = configFrom(globals, io);
    const progress = createProgress(io, out, { total: options.days, label: 'seed' });
    let summary;
    try {
      summary = await seedLedger(config, {
        days: options.days, scale: options.scale, seed: options.seed, program: options.program, reset: Boolean(options.reset),
        ...(options.start ? { firstActivityDate: options.start } : {}),
        onDay: (done, activityDate) => progress.step(done, `seed: activity day ${activityDate} written (${done}/${options.days})`),
      });
    } finally {
      progress.stop();
    }
    out.result({ ledger: config.ledger.driver, ...summary });
    out.say(`seeded ${summary.customers} customers, ${summary.accounts} accounts, ${summary.balances} balances, ${summary.cards} cards, ${summary.entries} entries, ${summary.pending} pending entries for ${summary.firstActivityDate}..${summary.lastActivityDate}`);
    return EXIT.ok;
  },
};
