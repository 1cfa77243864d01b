import { z } from 'zod';

/**
 * A program profile: which Lead files a program sends and how each is fitted to the schema the partner
 * agreed with Lead during onboarding, without code. Built-in profiles live in config/profiles/; a
 * partner points `program.profile` at its own JSON file.
 *
 *   fileTypes      the file types the program owes, by id
 *   valueMaps      tables from the partner's vocabulary to Lead's: a query returns `source`
 *                  (e.g. the ledger's event_type) and the map fills the `targets` columns
 *   files.<id>     per file type: folder, token, version format, columns to add / rename / drop /
 *                  reorder, and which value maps apply
 *   authorizedUsers where the program reports authorized users: the Accounts file's authorized_users
 *                  column or the Authorized Users file (Lead: one or the other)
 *   rules          per validation rule Lead has confirmed or ruled out: error, warning or off (only rules
 *                  that warn by default, the [UNKNOWN] readings, can be changed)
 */
const columnName = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a lower-case column name');

const columnType = z.enum(['string', 'money', 'currency', 'date', 'timestamp', 'array', 'integer', 'boolean', 'documents']);

export const valueMapSchema = z
  .object({
    /** The query column holding the partner's value; it is consumed, not written. */
    source: columnName,
    /** The Lead columns the map fills. */
    targets: z.array(columnName).min(1),
    /** partner value -> { target column: Lead value or null }. */
    entries: z.record(z.string(), z.record(z.string(), z.string().nullable())).optional(),
    /** Or a JSON file with the same entries, relative to the profile file. */
    entriesFile: z.string().optional(),
  })
  .strict()
  .refine((m) => Boolean(m.entries) !== Boolean(m.entriesFile), 'give exactly one of entries or entriesFile');

export const fileOverrideSchema = z
  .object({
    folder: z.string().min(1).optional(),
    token: z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, _ or -').optional(),
    /** How the version is written: V{n} (default) -> V1; v{n} -> v1; {n:3} -> 001. */
    versionFormat: z.string().regex(/^[A-Za-z_-]*\{n(:\d)?\}$/, 'must contain {n} or {n:width}, e.g. V{n} or {n:3}').optional(),
    columns: z
      .object({
        rename: z.record(z.string(), columnName).default({}),
        drop: z.array(z.string()).default([]),
        add: z
          .array(
            z.object({
              name: columnName,
              type: columnType.default('string'),
              required: z.boolean().default(false),
              /** Place it after this column; at the end when absent. */
              after: z.string().optional(),
              /** For money columns: the column holding the currency (default: the program's currency). */
              currencyColumn: z.string().optional(),
            }).strict(),
          )
          .default([]),
        /** The full column order, when Lead's agreed schema orders them differently. */
        order: z.array(z.string()).optional(),
        /** Extra values an enum column accepts (Lead's enum tables were only partly captured). */
        enumValues: z.record(z.string(), z.array(z.string())).default({}),
      })
      .strict()
      .prefault({}),
    valueMaps: z.array(z.string()).default([]),
  })
  .strict();

export const PROGRAM_KINDS = ['deposit', 'credit', 'lending', 'business', 'mixed'] as const;
export type ProgramKind = (typeof PROGRAM_KINDS)[number];

export const AUTHORIZED_USERS_IN = ['accounts_column', 'authorized_users_file'] as const;

export const profileSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    kind: z.enum(PROGRAM_KINDS),
    fileTypes: z.array(z.string()).min(1),
    valueMaps: z.record(z.string(), valueMapSchema).default({}),
    files: z.record(z.string(), fileOverrideSchema).default({}),
    /** Default: the Authorized Users file when fileTypes has it, the Accounts column otherwise. */
    authorizedUsers: z.enum(AUTHORIZED_USERS_IN).optional(),
    /** Rule code -> severity, for rules Lead confirmed (which codes may be set is transform's business). */
    rules: z.record(z.string().regex(/^(integrity|format|record|cross)\.[a-z0-9_.]+$/, 'must be a rule code such as format.boolean.literal'), z.enum(['error', 'warning', 'off'])).default({}),
  })
  .strict()
  .superRefine((profile, ctx) => {
    const sendsFile = profile.fileTypes.includes('authorized_users');
    if (profile.authorizedUsers === 'authorized_users_file' && !sendsFile) {
      ctx.addIssue({ code: 'custom', path: ['authorizedUsers'], message: 'authorized_users_file needs authorized_users in fileTypes' });
    }
    if (profile.authorizedUsers === 'accounts_column' && sendsFile) {
      ctx.addIssue({ code: 'custom', path: ['authorizedUsers'], message: 'accounts_column: a program reports authorized users one way; take authorized_users out of fileTypes, or say authorized_users_file' });
    }
  });

export type Profile = z.output<typeof profileSchema>;
export type FileOverride = z.output<typeof fileOverrideSchema>;
/** A value map's table: partner value -> target column -> Lead's value (null: leave the column empty). */
export type ValueMapEntries = Readonly<Record<string, Readonly<Record<string, string | null>>>>;
