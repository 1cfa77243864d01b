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

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'say what Lead would reject in files or folders, before uploading them',
  json: true,
  define(command) {
    command
      .description(`Checks Lead files as Lead does (docs/validation-rules.md): file integrity, field formats, rules inside a
record, and rules across records and files. Folders are read recursively, and every file given is one
set spanning its dates. A file that fails a stage is not checked by the later ones, as at Lead.

Without a config it checks the files alone, with every Lead file type by its default token (or the
--profile given). With one (--config, or LEAD_ETL_CONFIG when that file exists), the files are also
checked against the state store's history (ids already sent, the last version of each record, the
balances of the day before) and the program's profile, so the state store must be migrated.

Exit codes: 0 nothing Lead would reject, 1 findings, 2 usage error (no path, a path that does not exist).`)
      .argument('<paths...>', 'Lead files, or folders holding them')
      .option('--profile <p>', 'a built-in profile name or a profile JSON file: the program\'s file types, tokens and columns')
      .option('--program-currency <c>', 'currency of amounts in files without a currency column (default USD)')
      .option('--from-day0', 'the paths hold every file since the program\'s Day 0, so a reference to a record they do not hold is an error');
  },
  async run({ io, globals, out }, options: { profile?: string; programCurrency?: string; fromDay0?: boolean }, paths) {
    let program: { files: readonly ProgramFileType[]; profile: LoadedProfile['profile'] } | undefined;
    if (options.profile) {
      try {
        const loaded = loadProfile(options.profile, process.cwd());
        program = { files: programFilesOf(loaded), profile: loaded.profile };
      } catch (error) {
        throw new LeadEtlError('USAGE', `--profile: ${(error as Error).message}`);
      }
    }
    const checks = { ...(options.programCurrency ? { programCurrency: options.programCurrency } : {}), fromDay0: Boolean(options.fromDay0) };
    // --config always; LEAD_ETL_CONFIG only when it names a file, so validate also runs where nothing is set up.
    const configured = globals.config ?? (io.env.LEAD_ETL_CONFIG && existsSync(io.env.LEAD_ETL_CONFIG) ? io.env.LEAD_ETL_CONFIG : undefined);
    const report = configured
      ? await withContext(configFrom({ ...globals, config: configured }, io), io, async (ctx) => validateFiles(paths, {
        program: program ?? { files: ctx.config.program.files, profile: ctx.config.program.profile },
        programCurrency: ctx.config.program.currency,
        ...checks,
        history: await stateValidationHistory(ctx.state.db, ctx.config.program.firstFileDate as FileDate | undefined, ctx.config.program.files.map((t) => t.spec.id)),
      }))
      : await validateFiles(paths, { ...(program ? { program } : {}), ...checks });
    io.stdout(out.json ? formatValidationJson(report) : formatValidationTable(report));
    return report.summary.errors === 0 ? EXIT.ok : EXIT.failed;
  },
};
