import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { describeError, isLeadEtlError } from '../../core/errors.js';
import { packagePath } from '../../core/package-root.js';
import type { CliIo } from '../cli-io.js';
import { ackCommand } from './ack.js';
import { backfillCommand } from './backfill.js';
import { batchCommand } from './batch.js';
import type { CliCommand } from './command.js';
import { daemonCommand } from './daemon.js';
import { demoCommand } from './demo.js';
import { doctorCommand } from './doctor.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { markUploadedCommand } from './mark-uploaded.js';
import { abandonCommand } from './abandon.js';
import { migrateCommand } from './migrate.js';
import { LOG_LEVELS, type GlobalOptions } from './options.js';
import { createOutput } from './output.js';
import { rerunCommand } from './rerun.js';
import { runCommand } from './run.js';
import { sandboxCommand } from './sandbox.js';
import { seedCommand } from './seed.js';
import { statusCommand } from './status.js';
import { validateCommand } from './validate.js';

/**
 * The `lead-etl` program on commander: the global options, accepted anywhere on the line, every command
 * from its own module, help written from the options, and every way out mapped to an exit code
 * (exit-codes.ts): a usage or config mistake is 2, with one line on stderr.
 */
export const COMMANDS: readonly CliCommand[] = [
  runCommand, rerunCommand, backfillCommand, statusCommand, ackCommand, doctorCommand, daemonCommand, batchCommand,
  markUploadedCommand, abandonCommand, migrateCommand, seedCommand, validateCommand, demoCommand, sandboxCommand,
];

export const VERSION: string = (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;

const EXIT_CODES_HELP = `
Exit codes: 0 done, 1 failed (one line on stderr says why), 2 usage or config mistake,
3 waiting (for Lead's answer on an earlier date or workflow, or for an operator),
4 sent but late entries (activity of dates already sent) need an operator.
--json answers: docs/cli-json.md.`;

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('lead-etl')
    .description("Send Lead Bank the daily files of a program, from the partner's ledger to SFTP.")
    .version(VERSION, '-V, --version', 'print the version of lead-etl')
    .option('-c, --config <file>', 'JSON config file (default: $LEAD_ETL_CONFIG, else the embedded defaults)')
    .addOption(new Option('--log-level <level>', 'log level (logs are JSON lines on stderr)').choices(LOG_LEVELS))
    .option('--json', 'answer with one JSON document on stdout (docs/cli-json.md)')
    .option('--no-color', 'no colour, even on a terminal')
    .addHelpText('after', EXIT_CODES_HELP)
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false });

  const configure = (command: Command, name: string) => command
    .exitOverride()
    .allowExcessArguments(false)
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      // One line: commander's message and its suggestion, the command it concerns, and where help is.
      outputError: (text, write) => write(`lead-etl${name ? ` ${name}` : ''}: ${text.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').trim().replace(/\.$/, '')}; see lead-etl ${name ? `${name} ` : ''}--help\n`),
    });
  configure(program, '');

  for (const definition of COMMANDS) {
    const command = program.command(definition.name).summary(definition.summary);
    configure(command, definition.name);
    definition.define(command);
    // Descriptions are written as paragraphs; commander wraps them to the terminal's width.
    command.description(command.description().replace(/([^\n])\n(?!\n)/g, '$1 '));
    command.addHelpText('after', EXIT_CODES_HELP);
    command.action(async (...args: unknown[]) => {
      const self = args.at(-1) as Command;
      const operands = args.slice(0, -2).flat() as string[];
      const globals = program.opts() as GlobalOptions;
      exitCode = await runOne(definition, io, globals, self.opts(), operands);
    });
  }

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // Help and the version asked for are answers (exit 0); help shown for a missing command is a usage mistake.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  return exitCode;
}

async function runOne(definition: CliCommand, io: CliIo, globals: GlobalOptions, options: unknown, operands: readonly string[]): Promise<number> {
  const out = createOutput(io, globals);
  if (globals.json && !definition.json) {
    io.stderr(`lead-etl ${definition.name}: --json is not available here: it stands until stopped and reports as it goes; see lead-etl ${definition.name} --help\n`);
    return EXIT.usage;
  }
  try {
    return await definition.run({ io, globals, out }, options, operands);
  } catch (error) {
    const message = describeError(error).replace(/\s*\n\s*/g, ' ');
    const code = exitCodeFor(error);
    out.result({ error: { code: isLeadEtlError(error) ? error.code : 'INTERNAL', message }, exitCode: code });
    io.stderr(`lead-etl ${definition.name}: ${message}\n`);
    return code;
  }
}
