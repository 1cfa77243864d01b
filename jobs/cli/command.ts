import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import type { GlobalOptions } from './options.js';
import type { Output } from './output.js';

/**
 * One `lead-etl` command, in its own file under jobs/cli/: it declares its options on commander (which
 * writes the help from them), then parses nothing itself: it calls its job and prints the answer.
 */
export interface CommandEnv {
  readonly io: CliIo;
  readonly globals: GlobalOptions;
  readonly out: Output;
}

export interface CliCommand {
  readonly name: string;
  /** The one line `lead-etl --help` shows. */
  readonly summary: string;
  /** Whether `--json` gives this command's answer as JSON (docs/cli-json.md); the others refuse it. */
  readonly json: boolean;
  /** Declares the description, arguments and options on commander's Command for this name. */
  define(command: Command): void;
  /** Runs the command with commander's parsed options and operands; resolves with the exit code. */
  run(env: CommandEnv, options: any, operands: readonly string[]): Promise<number>;
}
