import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * JSON lines on stderr (stdout stays for what a command prints for people).
 * Log calls pass counts, dates, file names and ids of runs, never row values; the redaction list is a
 * second guard for the secrets that could reach a log through a config object or an error.
 */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { app: 'lead-etl' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          '*.password',
          '*.passphrase',
          '*.privateKey',
          '*.connectionString',
          '*.url',
          'config.sftp.privateKey',
          'config.ledger.url',
          'config.state.url',
        ],
        censor: '[redacted]',
      },
    },
    options.destination ?? pino.destination(2),
  );
}

/** A logger that drops everything, for library callers and tests that do not care. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
