import { LeadEtlError } from '../core/errors.js';

/**
 * Turning what ssh2-sftp-client throws into LeadEtlErrors. The library re-wraps every failure in a
 * fresh Error whose `code` is either the SFTP status number the server sent (2 = no such file,
 * 3 = permission denied, ...) or a string of its own ('ENOENT', 'ERR_NOT_CONNECTED', ...), so the code
 * is the only reliable signal; the message is kept for the operator, the original as `cause`.
 */

// SFTP v3 status codes (draft-ietf-secsh-filexfer-02, section 7) as ssh2 reports them.
const SFTP_NO_SUCH_FILE = 2;
const SFTP_PERMISSION_DENIED = 3;
const SFTP_FAILURE = 4;
const SFTP_NO_CONNECTION = 6;
const SFTP_CONNECTION_LOST = 7;

const CONNECTION_GONE = new Set<unknown>([
  SFTP_NO_CONNECTION,
  SFTP_CONNECTION_LOST,
  'ERR_NOT_CONNECTED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
]);

const WRITES = new Set(['upload', 'mkdir', 'rename']);

export function libraryErrorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

function libraryMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** True when the library says the remote path does not exist (its own 'ENOENT' or the SFTP status). */
export function isRemoteAbsent(error: unknown): boolean {
  const code = libraryErrorCode(error);
  return code === SFTP_NO_SUCH_FILE || code === 'ENOENT';
}

/**
 * A LeadEtlError for a failed remote operation. `operation` and `remotePath` name what was being done
 * and where; `endpoint` is `host:port`. An error that already is a LeadEtlError passes through.
 */
export function sftpOperationError(error: unknown, operation: string, remotePath: string, endpoint: string): LeadEtlError {
  if (error instanceof LeadEtlError) return error;
  const code = libraryErrorCode(error);
  const detail = libraryMessage(error);
  const where = `SFTP ${operation} of ${remotePath} on ${endpoint}`;
  if (code === SFTP_PERMISSION_DENIED || code === 'EACCES') {
    return new LeadEtlError(
      'SFTP_PERMISSION_DENIED',
      `${where} was refused: permission denied (${detail}). This will not succeed on retry; ` +
        'check the remote folder in the configuration and ask Lead which folders this account may write.',
      { cause: error },
    );
  }
  if (CONNECTION_GONE.has(code) || /unexpected (end|close) event/i.test(detail)) {
    return new LeadEtlError(
      'SFTP_CONNECT',
      `${where} failed because the connection was lost (${detail}); open a new session and retry.`,
      { cause: error },
    );
  }
  if (isRemoteAbsent(error)) {
    return new LeadEtlError('SFTP_OPERATION', `${where} failed: no such file or folder (${detail})`, { cause: error });
  }
  // OpenSSH answers a full disk, an exceeded quota and most other write errors with the generic
  // SSH_FX_FAILURE and no reason, so the likely causes are named for the operator.
  if (WRITES.has(operation) && (code === SFTP_FAILURE || /\bFailure\b/.test(detail))) {
    return new LeadEtlError(
      'SFTP_OPERATION',
      `${where} failed: the server refused the write without a reason (SSH_FX_FAILURE: ${detail}); disk full or quota? ` +
        'Ask Lead to check the space of this account; nothing was placed under the final name, and the next run retries.',
      { cause: error },
    );
  }
  return new LeadEtlError('SFTP_OPERATION', `${where} failed: ${detail}`, { cause: error });
}
