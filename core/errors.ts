/**
 * One plain error type for the whole pipeline: a stable `code` an operator (or a script) can act on,
 * a message that names the place and the fix, and the underlying `cause` when there is one.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_UNREADABLE'
  | 'SECRET_MISSING'
  | 'USAGE'
  | 'DATE_INVALID'
  | 'DB_CONNECT'
  /** The ledger database cannot be reached, or its connection was lost mid-command. */
  | 'LEDGER_UNREACHABLE'
  /** The state database cannot be reached, or its connection was lost mid-command (not a schema problem). */
  | 'STATE_UNREACHABLE'
  /** A file date that can never be sent now: before Day 0, or its activity day has not closed and settled. A usage error. */
  | 'DATE_REFUSED'
  | 'QUERY_MISSING'
  | 'QUERY_PARAMETER'
  | 'QUERY_FAILED'
  | 'ROW_INVALID'
  | 'FILE_TYPE_UNKNOWN'
  | 'ARCHIVE_CONFLICT'
  | 'ARCHIVE_CORRUPT'
  /** archive.dir cannot be written (permissions, read-only, full disk). */
  | 'ARCHIVE_UNWRITABLE'
  /** Another lead-etl process holds the lock of this date (or the daemon's lease): its turn, not a fault. */
  | 'LOCK_HELD'
  /** A compare-and-set on a file's status lost: another process moved the file first. */
  | 'STATE_CAS_LOST'
  /** A uniqueness or check constraint of the state store refused a write (a version already recorded). */
  | 'STATE_CONSTRAINT'
  /** The state store's schema is missing or behind this version of lead-etl: run `lead-etl migrate`. */
  | 'STATE_SCHEMA'
  /** A migration failed; the state store is left as the failing migration found it. */
  | 'MIGRATION_FAILED'
  /** An operator command refused because of what the state store holds (validated already, version used). */
  | 'OPERATION_REFUSED'
  | 'STATE_TRANSITION'
  | 'SFTP_CONNECT'
  | 'SFTP_HOST_KEY_MISMATCH'
  | 'SFTP_TIMEOUT'
  | 'SFTP_REMOTE_EXISTS'
  /** After a crash, the server cannot tell whether Lead received a version: a person checks, then abandons or marks it uploaded. */
  | 'UPLOAD_UNCERTAIN'
  /** The local SSH private key cannot be read or parsed (no network was involved). */
  | 'SSH_KEY_INVALID'
  | 'SFTP_VERIFY_FAILED'
  | 'SFTP_OPERATION'
  | 'SFTP_PERMISSION_DENIED'
  | 'NOT_ACKNOWLEDGED'
  | 'LEAD_CHANNEL'
  | 'INTERNAL';

export class LeadEtlError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LeadEtlError';
    this.code = code;
  }
}

export function isLeadEtlError(error: unknown, code?: ErrorCode): error is LeadEtlError {
  return error instanceof LeadEtlError && (code === undefined || error.code === code);
}

/** A one-line description of any thrown value, safe for stderr and logs (no stack, no row data). */
export function describeError(error: unknown): string {
  if (error instanceof LeadEtlError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
