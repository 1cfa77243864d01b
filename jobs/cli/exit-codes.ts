import { isLeadEtlError, type ErrorCode } from '../../core/errors.js';

/**
 * The `lead-etl` exit codes, one meaning each (README): 0 done; 1 failed (one line on stderr says why);
 * 2 a usage or configuration mistake (nothing was done: fix the command line or the config);
 * 3 waiting (files are archived, Lead has not validated what they wait for yet, or an operator must act);
 * 4 sent, but entries of dates already sent reached the ledger late and need an operator.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, waiting: 3, late: 4 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Mistakes in what the operator gave (the command line, the config file, a secret's file): exit 2. */
const OPERATOR_INPUT: readonly ErrorCode[] = ['USAGE', 'DATE_INVALID', 'DATE_REFUSED', 'CONFIG_INVALID', 'CONFIG_UNREADABLE', 'SECRET_MISSING'];

export function exitCodeFor(error: unknown): ExitCode {
  return OPERATOR_INPUT.some((code) => isLeadEtlError(error, code)) ? EXIT.usage : EXIT.failed;
}
