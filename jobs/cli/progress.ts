import cliProgress from 'cli-progress';
import type { CliIo } from '../cli-io.js';
import type { Output } from './output.js';

/**
 * Progress of a long command (backfill, demo, seed): on a terminal a bar (cli-progress, on stderr) with
 * the narrative printed above it; anywhere else one plain line per step, which a log collector or a CI
 * log keeps as it is.
 */
export interface Progress {
  /**
   * `done` steps of the total are finished; `line` says what just happened. A plain line always; on a
   * terminal it moves the bar, and stays above it as well when `keep` is set.
   */
  step(done: number, line: string, options?: { readonly keep?: boolean }): void;
  /** A line that stays: above the bar on a terminal, a plain line otherwise. */
  log(line: string): void;
  /** Ends the bar (nothing for plain lines). */
  stop(): void;
}

export function createProgress(io: CliIo, out: Output, options: { readonly total: number; readonly label: string }): Progress {
  const stream = io.terminal?.progress;
  if (!stream || out.json) {
    return { step: (_done, line) => out.say(line), log: (line) => out.say(line), stop: () => undefined };
  }
  const bars = new cliProgress.MultiBar({
    stream: stream as NodeJS.WritableStream & { isTTY: true },
    format: `${options.label} [{bar}] {value}/{total} {detail}`,
    hideCursor: true,
    clearOnComplete: true,
    barsize: 24,
  }, cliProgress.Presets.shades_classic);
  const bar = bars.create(options.total, 0, { detail: '' });
  // Narrative for stdout: above the bar when stdout is the same terminal, else to stdout itself.
  const log = (line: string) => (io.terminal?.stdout ? bars.log(`${line}\n`) : out.say(line));
  return {
    step(done, line, stepOptions) {
      if (stepOptions?.keep) log(line);
      bar.update(done, { detail: line.length > 60 ? `${line.slice(0, 59)}…` : line });
      // Draw now: a job busy in the embedded database may keep the bar's own timer from firing.
      bars.update();
    },
    log,
    stop() {
      bars.stop();
    },
  };
}
