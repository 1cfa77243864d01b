import { describeError, isLeadEtlError, type ErrorCode } from '../../core/errors.js';

/**
 * One line of `lead-etl doctor`: what was checked, whether it passed, what was found, and, when it
 * failed, what to do. `skip` means the check could not run because an earlier one failed (its line says
 * which) or because the set-up does not use that part (no Slack channel configured).
 */
export interface CheckResult {
  /** Stable, for scripts: `sftp.host-key`, `ledger.query.balances`... */
  readonly id: string;
  readonly title: string;
  readonly status: 'pass' | 'fail' | 'skip';
  readonly detail: string;
  readonly fix?: string;
  /** The LeadEtlError code behind a failure, when there is one. */
  readonly code?: ErrorCode;
}

export const pass = (id: string, title: string, detail: string): CheckResult => ({ id, title, status: 'pass', detail });
export const skip = (id: string, title: string, detail: string): CheckResult => ({ id, title, status: 'skip', detail });

export function fail(id: string, title: string, detail: string | unknown, fix?: string): CheckResult {
  const text = typeof detail === 'string' ? detail : describeError(detail).replace(/\s*\n\s*/g, ' ');
  const code = typeof detail === 'string' ? undefined : isLeadEtlError(detail) ? detail.code : undefined;
  return { id, title, status: 'fail', detail: text, ...(fix ? { fix } : {}), ...(code ? { code } : {}) };
}
