import type { FileDate } from '../../core/file-date.js';
import { abandonVersions } from '../abandon.js';
import type { CliCommand } from './command.js';
import { EXIT } from './exit-codes.js';
import { fileJson } from './file-json.js';
import { configFrom, withContext } from './job-setup.js';
import { dateOption, listArg } from './options.js';

export const abandonCommand: CliCommand = {
  name: 'abandon',
  summary: 'discard versions of a date that never reached Lead (built, not uploaded), recording who and why',
  json: true,
  define(command) {
    command
      .description(`Discards the versions of T built but not uploaded (or whose upload never reached the final name), so
the next run rebuilds them from the ledger under the next version. A version stopped during its rename
(Lead may have it) is abandoned only when named with --files, after checking with Lead. A version Lead
has is never abandoned (\`lead-etl rerun --files\` replaces it). Who (--by, default the OS user) and
why are recorded with each version.`)
      .addOption(dateOption('--date <T>', 'the file date').makeOptionMandatory())
      .option('--files <types>', 'the file types to discard, comma-separated (default: every version of T waiting to be sent)', listArg)
      .requiredOption('--reason <text>', 'why (kept with each version)')
      .option('--by <name>', 'who decided (default: the OS user)');
  },
  async run({ io, globals, out }, options: { date: FileDate; files?: string[]; reason: string; by?: string }) {
    const config = configFrom(globals, io);
    const result = await withContext(config, io, (ctx) => abandonVersions(ctx, {
      fileDate: options.date, reason: options.reason,
      ...(options.files ? { fileTypes: options.files } : {}),
      ...(options.by ? { by: options.by } : {}),
    }));
    out.result({ fileDate: result.fileDate, by: result.by, reason: result.reason, abandoned: result.abandoned.map(fileJson) });
    for (const f of result.abandoned) out.say(`abandoned ${f.name}  by ${result.by}: ${result.reason}`);
    if (result.abandoned.length === 0) out.say(`nothing to abandon for ${result.fileDate}: no version is waiting to be sent`);
    return EXIT.ok;
  },
};
