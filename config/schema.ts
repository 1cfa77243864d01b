import { z } from 'zod';
import { parseFileDate } from '../core/file-date.js';
import { WORKFLOWS } from '../core/workflows.js';

/**
 * The one typed configuration of lead-etl, with every default in this file. A config file (JSON) is
 * checked against it when the program starts: unknown keys and bad values fail with the key's path.
 * Secrets are never values here: only the names of files that hold them (or environment variables,
 * read in load-config.ts).
 */
const fileDate = z.string().refine((text) => {
  try {
    parseFileDate(text);
    return true;
  } catch {
    return false;
  }
}, 'must be a calendar date YYYY-MM-DD');

const timeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as America/Chicago');

// Which ids exist is the file types' business (transform/): config checks the shape and hands it on.
const fileTypeId = z.string().regex(/^[a-z][a-z_]*$/, 'must be a file type id such as balances');

const noPasswordInUrl = (url: string) => {
  try {
    return new URL(url).password === '';
  } catch {
    return false;
  }
};

const database = z
  .object({
    driver: z.enum(['postgres', 'pglite']).default('pglite'),
    /** postgres: a connection URL without a password (use passwordFile or the environment). */
    url: z.string().refine(noPasswordInUrl, 'must be a postgres:// URL without a password; put the password in passwordFile or LEAD_ETL_*_PASSWORD').optional(),
    passwordFile: z.string().optional(),
    /** pglite: the folder holding the embedded database (`memory://` for a throwaway one). */
    dataDir: z.string().default('var/db'),
    poolSize: z.int().min(1).max(50).default(4),
  })
  .strict();

export const configSchema = z
  .object({
    program: z
      .object({
        /** Required with a PostgreSQL ledger; an embedded one defaults to the demo's `demo-deposit`. */
        name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes').optional(),
        /** A built-in profile (deposit, credit, all) or the path of a profile JSON file: which files the program sends and how they fit its agreed schema. */
        profile: z.string().min(1).optional(),
        currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD').default('USD'),
        /** Lead's Day 0: the first file date; every later date waits for the one before it. */
        firstFileDate: fileDate.optional(),
        /** Only these of the profile's file types (the Sales Request is Lead's: it is read, never built). */
        fileTypes: z.array(fileTypeId).min(1).optional(),
        /** The zone whose calendar days are Lead's days. Lead says Central Time. */
        timeZone: timeZone.default('America/Chicago'),
      })
      .strict()
      .prefault({}),
    ledger: database.prefault({}),
    /** Where lead-etl keeps what it sent. Defaults to the ledger's database (its own schema, lead_etl). */
    state: database.optional(),
    queries: z
      .object({
        /** Folder with one SQL file per file type. Required with a PostgreSQL ledger; an embedded one defaults to the reference program's queries. */
        dir: z.string().optional(),
        fetchSize: z.int().min(1).max(100_000).default(1000),
      })
      .strict()
      .prefault({}),
    archive: z.object({ dir: z.string().default('var/archive') }).strict().prefault({}),
    documents: z
      .object({
        /** The local folder holding the documents Applications and Accounts rows reference (by file name). */
        dir: z.string().optional(),
        /** Lead's documents folder, under sftp.remoteRoot. */
        remoteFolder: z.string().min(1).default('documents'),
      })
      .strict()
      .prefault({}),
    sftp: z
      .object({
        host: z.string().min(1),
        port: z.int().min(1).max(65535).default(22),
        username: z.string().min(1),
        /** File holding the private key; or set LEAD_ETL_SFTP_PRIVATE_KEY. */
        privateKeyFile: z.string().optional(),
        passphraseFile: z.string().optional(),
        /** The server's host key as Lead publishes it: `SHA256:...` (a leading bit count is accepted). */
        hostKeyFingerprint: z.string().regex(/^(\d+\s+)?SHA256:[A-Za-z0-9+/]{43}=?$/, 'must be an OpenSSH fingerprint like SHA256:PWqq5lPPd0zW...'),
        remoteRoot: z.string().startsWith('/').default('/'),
        connectTimeoutMs: z.int().min(100).default(20_000),
        operationTimeoutMs: z.int().min(100).default(120_000),
        closeTimeoutMs: z.int().min(100).default(5_000),
      })
      .strict()
      .optional(),
    format: z
      .object({
        /** Offset timestamps are written with; the instant is the same in any zone. */
        timestampZone: timeZone.default('America/Chicago'),
        /** What to do with ledger amounts that have more decimals than the currency. */
        excessPrecision: z.enum(['error', 'round-half-even']).default('error'),
      })
      .strict()
      .prefault({}),
    upload: z
      .object({
        /** Lead's rule: day T+1 goes only after day T validated. Turn off only for a test server. */
        requirePreviousDayValidated: z.boolean().default(true),
        /**
         * Minutes after the activity day (T-1) ends before the file dated T may be built: late postings
         * of T-1 settle first. A date whose activity day has not ended plus this is refused.
         */
        settleMinutes: z.int().min(0).max(24 * 60).default(30),
      })
      .strict()
      .prefault({}),
    workflows: z
      .object({
        /** Lead's workflows of a date, in the order they are sent (Lead's object dependency order). */
        order: z.array(z.enum(WORKFLOWS)).min(1).default([...WORKFLOWS]),
        /** Send a workflow only once Lead validated the workflows before it for the same date. */
        waitForPrevious: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    schedule: z
      .object({
        /**
         * Minutes between daemon ticks. Ticks are placed in UTC, where no clock change can skip or
         * double one; each tick works out what is due from the state store, not from the timer.
         */
        tickMinutes: z.int().min(1).max(60).default(5),
        /** Time of day (program zone) from which the file dated T is built: late postings of T-1 settle first. */
        buildAfter: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM').default('00:30'),
      })
      .strict()
      .prefault({}),
    deadlines: z
      .object({
        /** Alert when a date's files are not uploaded this many minutes before Lead's 06:00 CT deadline on T+1. */
        uploadMarginMinutes: z.int().min(0).default(120),
        /** Alert when uploaded files have no answer from Lead after this many minutes. */
        acknowledgementMinutes: z.int().min(1).default(240),
        /** Alert when a rejection has waited this many minutes for an operator's rerun. */
        rejectionMinutes: z.int().min(1).default(30),
      })
      .strict()
      .prefault({}),
    notify: z
      .object({
        /** File holding a Slack incoming-webhook URL (or set LEAD_ETL_SLACK_WEBHOOK_URL); without one, alerts go to the log only. */
        slackWebhookUrlFile: z.string().optional(),
      })
      .strict()
      .prefault({}),
    acknowledgements: z
      .object({
        /** Read Lead's answers from the program's Slack alerts channel (bot token in tokenFile or LEAD_ETL_SLACK_BOT_TOKEN). */
        slack: z
          .object({
            channel: z.string().min(1),
            /** The Web API's base (its methods live under /api/): Slack, or the local sandbox's channel URL. */
            baseUrl: z.string().url().default('https://slack.com'),
            tokenFile: z.string().optional(),
            /** Message patterns (regex with named groups date, token, reason), when Lead's wording differs from the defaults. */
            patterns: z.array(z.object({ outcome: z.enum(['validated', 'rejected']), regex: z.string().min(1) }).strict()).optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .prefault({}),
    daemon: z
      .object({
        /** Health (/healthz) and readiness (/readyz) for a supervisor; 0 picks a free port. */
        httpPort: z.int().min(0).max(65535).default(8080),
        httpHost: z.string().default('127.0.0.1'),
      })
      .strict()
      .prefault({}),
    log: z.object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') }).strict().prefault({}),
  })
  .strict();

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
