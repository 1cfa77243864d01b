import { styleText } from 'node:util';
import type { Style } from '../status/status-grid.js';
import type { CliIo } from '../cli-io.js';
import type { GlobalOptions } from './options.js';

/**
 * How a command prints. For people: lines on stdout, in colour only on a terminal that wants it
 * (NO_COLOR, FORCE_COLOR, TERM=dumb and `--no-color` are honoured). With `--json`: one JSON document on
 * stdout (docs/cli-json.md) and nothing else there; what people would have read goes to stderr.
 */

export interface Output {
  readonly json: boolean;
  /** A line for people: stdout, or stderr under --json so stdout stays one JSON document. */
  say(text: string): void;
  /** A warning or problem line: always stderr. */
  warn(text: string): void;
  /** The command's JSON answer; printed only under --json. */
  result(value: unknown): void;
  /** `text` in `style` when colour is on, else as is. */
  paint(style: Style, text: string): string;
  readonly color: boolean;
}

export function createOutput(io: CliIo, globals: Pick<GlobalOptions, 'json' | 'color'>): Output {
  const color = globals.color && !globals.json && Boolean(io.terminal?.color);
  return {
    json: globals.json,
    color,
    say: (text) => (globals.json ? io.stderr : io.stdout)(`${text}\n`),
    warn: (text) => io.stderr(`${text}\n`),
    result: (value) => {
      if (globals.json) io.stdout(`${JSON.stringify(value, null, 2)}\n`);
    },
    // validateStream: false because the decision is made here, for the stream the text is written to.
    paint: (style, text) => (color ? styleText(style, text, { validateStream: false }) : text),
  };
}
