import { existsSync } from 'node:fs';
import { LeadEtlError } from '../../core/errors.js';
import type { FileDate } from '../../core/file-date.js';
import { loadProfile, type LoadedProfile } from '../../config/load-profile.js';
import { stateValidationHistory } from '../../load/state/state-validation-history.js';
import { programFilesOf, type ProgramFileType } from '../../transform/program-file-types.js';
import { validateFiles } from '../../transform/validation/validate-files.js';
import { formatValidationJson, formatValidationTable } from '../validation-report.js';
import type { CliCommand } from './command.js';
import { EXIT } from './exit-codes.js';
import { configFrom, withContext } from './job-setup.js';
import { dateOption } from './options.js';

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'say what Lead would reject in files or folders, before uploading them',
  json: true,
  define(command) {
    command
      .description(`Checks Lead files as Lead does (docs/validation-rules.md): file integrity, field formats, rules inside a
record, and rules across records and files. Folders are read recursively, and every file given is one
set spanning its dates. A file that fails a stage is not checked by the later ones, as at Lead. Errors are
what Lead rejects; warnings are readings of Lead's docs Lead has not confirmed, and never fail.

Without a config it checks the files alone, with every Lead file type by its default token (or the
--profile given). With one (--config, or LEAD_ETL_CONFIG when that file exists), the files are also
checked against the state store's history (ids already sent, the last version of each record, the
balances of the day before) and the program's profile, so the state store must be migrated; a file
the state store recorded as sent (same name and content) is history, not checked again. A set whose
earliest date is Day 0 (--day0, or the config's program.firstFileDate) holds every file sent. The
report's last lines say which checks the set could not make.

Exit codes: 0 nothing Lead would reject (warnings aside), 1 errors, 2 usage error (no path, a path that
does not exist).`)
      .argument('<paths...>', 'Lead files, or folders holding them')
      .option('--profile <p>', 'a built-in profile name or a profile JSON file: the program\'s file types, tokens and columns')
      .option('--program-currency <c>', 'currency of amounts in files without a currency column (default USD)')
      .addOption(dateOption('--day0 <D>', 'the program\'s Day 0 (default: the config\'s program.firstFileDate): a set whose earliest date is Day 0 holds every file sent, so a reference to a record it does not hold is an error'))
      .option('--from-day0', 'the paths hold every file since Day 0, whatever their earliest date');
  },
  async run({ io, globals, out }, options: { profile?: string; programCurrency?: string; day0?: FileDate; fromDay0?: boolean }, paths) {
    let program: { files: readonly ProgramFileType[]; profile: LoadedProfile['profile'] } | undefined;
    if (options.profile) {
      try {
        const loaded = loadProfile(options.profile, process.cwd());
        program = { files: programFilesOf(loaded), profile: loaded.profile };
      } catch (error) {
        throw new LeadEtlError('USAGE', `--profile: ${(error as Error).message}`);
      }
    }
    const checks = {
      ...(options.programCurrency ? { programCurrency: options.programCurrency } : {}),
      ...(options.day0 ? { day0: options.day0 } : {}),
      fromDay0: Boolean(options.fromDay0),
    };
    // --config always; LEAD_ETL_CONFIG only when it names a file, so validate also runs where nothing is set up.
    const configured = globals.config ?? (io.env.LEAD_ETL_CONFIG && existsSync(io.env.LEAD_ETL_CONFIG) ? io.env.LEAD_ETL_CONFIG : undefined);
    const report = configured
      ? await withContext(configFrom({ ...globals, config: configured }, io), io, async (ctx) => validateFiles(paths, {
        program: program ?? { files: ctx.config.program.files, profile: ctx.config.program.profile },
        programCurrency: ctx.config.program.currency,
        ...(ctx.config.program.firstFileDate ? { day0: ctx.config.program.firstFileDate } : {}),
        ...checks,
        history: await stateValidationHistory(ctx.state.db, ctx.config.program.firstFileDate as FileDate | undefined, ctx.config.program.files.map((t) => t.spec.id)),
      }))
      : await validateFiles(paths, { ...(program ? { program } : {}), ...checks });
    io.stdout(out.json ? formatValidationJson(report) : formatValidationTable(report));
    return report.summary.errors === 0 ? EXIT.ok : EXIT.failed;
  },
};
