import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';

/**
 * What a command may touch of the outside world: its two output streams, the environment and the clock.
 * The CLI (jobs/cli/) hands it to the jobs that print as they go (demo, sandbox); tests give their own,
 * so nothing here reaches for `process` directly.
 */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly clock: Clock;
  /** Logger override (tests); otherwise pino JSON lines on stderr at the configured level. */
  readonly logger?: Logger;
  /** When a standing command (`sandbox`, `daemon`) stops; by default on SIGINT or SIGTERM. */
  readonly untilStopped?: () => Promise<string>;
  /**
   * What the output streams are connected to. Absent (tests, pipes): plain text, no colour, progress as
   * lines. `color` already honours NO_COLOR, FORCE_COLOR and TERM=dumb (Node's `hasColors`).
   */
  readonly terminal?: {
    readonly stdout: boolean;
    readonly color: boolean;
    /** stderr's stream when it is a terminal: where a progress bar draws. */
    readonly progress?: NodeJS.WritableStream;
  };
}
