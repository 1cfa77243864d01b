import { InvalidArgumentError, Option } from 'commander';
import { parseFileDate, type FileDate } from '../../core/file-date.js';

/**
 * The option values every command shares, and the one parser of each kind of value, so that `--days`,
 * `--sftp-port` and `--seed` accept and refuse the same way everywhere, with commander's one-line error.
 */
export interface GlobalOptions {
  readonly config?: string;
  readonly logLevel?: string;
  readonly json: boolean;
  readonly color: boolean;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A file date `YYYY-MM-DD`. */
export function fileDateArg(value: string): FileDate {
  try {
    return parseFileDate(value, 'the date');
  } catch {
    throw new InvalidArgumentError(`"${value}" is not a calendar date in the form YYYY-MM-DD.`);
  }
}

/** A whole number (digits only: no sign, no decimals, no exponent) from `min` to `max`. */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}.`);
    }
    return n;
  };
}

/** `--x A --x B` and `--x A,B` both give [A, B]. */
export function listArg(value: string, previous: readonly string[] = []): string[] {
  return [...previous, ...value.split(',').map((part) => part.trim()).filter(Boolean)];
}

/** A repeatable option kept as given, one value per use. */
export function repeatArg(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

export const dateOption = (flags: string, description: string) => new Option(flags, description).argParser(fileDateArg);
