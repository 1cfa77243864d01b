import { z } from 'zod';
import { parseFileDate } from '../core/file-date.js';
import { FILE_TYPES, outboundFileTypes } from '../transform/file-types/registry.js';

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

const fileTypeId = z.enum(FILE_TYPES.map((spec) => spec.id) as [string, ...string[]]);
// A program sends only the files it writes: the Sales Request is Lead's, read from its folder, never built.
const outboundFileTypeId = z.enum(outboundFileTypes().map((spec) => spec.id) as [string, ...string[]]);

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
        name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes').default('demo-deposit'),
        kind: z.enum(['deposit']).default('deposit'),
        currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD').default('USD'),
        /** Lead's Day 0: the first file date; every later date waits for the one before it. */
        firstFileDate: fileDate.optional(),
        fileTypes: z.array(outboundFileTypeId).min(1).default(['accounts', 'balances', 'transactions', 'non_posted_transactions']),
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
        /** Folder with one SQL file per file type; defaults to the reference ledger's queries. */
        dir: z.string().optional(),
        fetchSize: z.int().min(1).max(100_000).default(1000),
      })
      .strict()
      .prefault({}),
    archive: z.object({ dir: z.string().default('var/archive') }).strict().prefault({}),
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
        /** Remote folder per file type, when Lead's differ from the defaults. */
        folders: z.partialRecord(fileTypeId, z.string().min(1)).default({}),
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
      })
      .strict()
      .prefault({}),
    log: z.object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') }).strict().prefault({}),
  })
  .strict();

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
