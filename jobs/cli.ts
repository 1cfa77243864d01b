import { systemClock } from '../core/clock.js';
import type { CliIo } from './cli-io.js';

/**
 * The `lead-etl` command line: the program and its commands live in jobs/cli/ (one file each); this is
 * what the bin and the tests call, and the process's own I/O for it.
 */
export type { CliIo } from './cli-io.js';
export { EXIT } from './cli/exit-codes.js';
export { COMMANDS, runCli, VERSION } from './cli/program.js';

/**
 * The process's streams. A reader that goes away (`lead-etl status | head -1`) closes stdout: later
 * writes are dropped quietly instead of crashing on EPIPE, and the command still finishes its work (a
 * run half way through an upload must not die because nobody reads its output).
 */
export function defaultIo(): CliIo {
  let stdoutOpen = true;
  let stderrOpen = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    stdoutOpen = false;
  });
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    stderrOpen = false;
  });
  const env = process.env;
  return {
    stdout: (text) => {
      if (stdoutOpen) process.stdout.write(text);
    },
    stderr: (text) => {
      if (stderrOpen) process.stderr.write(text);
    },
    env,
    clock: systemClock,
    terminal: {
      stdout: Boolean(process.stdout.isTTY),
      color: Boolean(process.stdout.isTTY) && process.stdout.hasColors(env),
      ...(process.stderr.isTTY ? { progress: process.stderr } : {}),
    },
  };
}
