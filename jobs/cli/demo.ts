import { Option } from 'commander';
import { REFERENCE_PROGRAMS, type ReferenceProgram } from '../../reference-program/generate.js';
import { runDemo } from '../demo.js';
import type { CliCommand } from './command.js';
import { EXIT } from './exit-codes.js';
import { dateOption, repeatArg, wholeNumber } from './options.js';
import type { FileDate } from '../../core/file-date.js';
import { createProgress } from './progress.js';

export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'the whole path on the embedded default: generated ledger, in-process Lead sandbox',
  json: true,
  define(command) {
    command
      .description(`Seeds the reference ledger in an embedded PGlite database, starts the Lead sandbox in this process (real
SSH on 127.0.0.1 with a host key that the client pins, Lead's folders, its channel over HTTP), and sends
Day 0 to Day N-1 in order: each date goes once Lead's channel said the one before validated. A bar on a
terminal, the story line by line otherwise.

It leaves in DIR: lead-etl.json (the config of the demo's world, for status, doctor, run...), sftp/
(what Lead received, by folder), channel.jsonl (what Lead said), archive/ (every file built, with its
checksum), db/ (the ledger and the state store), keys/ (the sandbox's host key, the partner key, the
channel token) and sandbox-state.json. Lead's side stops with the demo: the command it prints last
starts it again on the same folder, ports and keys.`)
      .option('--days <n>', 'file dates to send', wholeNumber(1, 366), 5)
      .option('--dir <dir>', 'working folder; an earlier demo there is replaced', 'var/demo')
      .addOption(new Option('--program <p>', 'the reference program and its built-in profile').choices(REFERENCE_PROGRAMS).default('deposit'))
      .option('--scale <s>', 'program size; 1 is about 100 customers', wholeNumber(1, 1000), 1)
      .option('--seed <x>', 'random seed', wholeNumber(0), 42)
      .addOption(dateOption('--start <date>', 'first activity day (default: the one that makes the last date the newest that can be sent now); 2026-03-05 crosses the March DST change'))
      .option('--reject <day:type>', 'rehearse a rejection: Lead rejects the first version of file type TYPE on Day DAY (0 is Day 0); the demo then plays the operator (ack --rejected, rerun) and sends the next version. Repeatable', repeatArg, []);
  },
  async run({ io, globals, out }, options: { days: number; dir: string; program: ReferenceProgram; scale: number; seed: number; start?: FileDate; reject: string[] }) {
    const progress = createProgress(io, out, { total: options.days, label: 'demo' });
    let result;
    try {
      result = await runDemo({
        program: options.program, days: options.days, dir: options.dir, scale: options.scale, seed: options.seed, rejects: options.reject,
        ...(options.start ? { firstActivityDate: options.start } : {}),
        ...(globals.logLevel ? { logLevel: globals.logLevel } : {}),
        report: {
          line: (text) => progress.log(text),
          dayDone: (done, fileDate) => progress.step(done, `demo: ${fileDate} validated (${done}/${options.days})`),
        },
      }, io);
    } finally {
      progress.stop();
    }
    out.result({ ok: result.ok, dir: result.dir, fileDates: result.fileDates, configFile: result.configFile, sandboxCommand: result.sandboxCommand });
    return result.ok ? EXIT.ok : EXIT.failed;
  },
};
