import type { FileTypeId } from '../file-types/registry.js';

/**
 * The shapes of a validation rule, shared by the engine (the four stages in this folder) and the file
 * types that declare their rules beside their columns (transform/file-types/<type>.ts). A rule is data:
 * a stable code, what Lead wants in one sentence, the note it comes from and how sure that note is,
 * plus a pure check. The engine decides when each check runs and what it is given; a rule never reads
 * a file, a database or another row by itself, so the same rule can later run on rows as the pipeline
 * produces them.
 */
export type ValidationStage = 1 | 2 | 3 | 4;

/** The prefix says the stage: integrity 1, format 2, record 3, cross 4. */
export type RuleCode = `integrity.${string}` | `format.${string}` | `record.${string}` | `cross.${string}`;

/**
 * How Lead's notes know the rule: `doc` stated, `inferred` our reading of what is stated, `unknown` one
 * of several readings where the notes say [UNKNOWN]. An `unknown` rule warns: it never rejects a file
 * until the program's profile says Lead confirmed it (`rules` in the profile).
 */
export type RuleBasis = 'doc' | 'inferred' | 'unknown';

export type Severity = 'error' | 'warning';

export interface RuleInfo {
  readonly code: RuleCode;
  /** One sentence, ending with a full stop: what Lead wants. */
  readonly description: string;
  /** The note (and section) in ../shared/lead-spec/ that says so. */
  readonly source: string;
  readonly basis: RuleBasis;
  /**
   * The default severity: `warning` for `unknown` rules, `error` for the others unless given (a
   * practice Lead documents without listing a check for it warns).
   */
  readonly severity?: Severity;
}

export const stageOf = (code: RuleCode): ValidationStage =>
  code.startsWith('integrity.') ? 1 : code.startsWith('format.') ? 2 : code.startsWith('record.') ? 3 : 4;

export const defaultSeverity = (rule: RuleInfo): Severity => rule.severity ?? (rule.basis === 'unknown' ? 'warning' : 'error');

/** A row read by Lead's column names; '' for an empty value or a column the file does not have. */
export interface RowView {
  get(leadName: string): string;
}

/** What is wrong in one row: the column to fix (Lead's name) and what to do. */
export interface Breach {
  readonly column: string;
  readonly message: string;
}

/** What the program is, as far as a rule needs to know (from its profile, or Lead's side in the sandbox). */
export interface ProgramFacts {
  /** The profile's kind, when a profile is given. */
  readonly kind?: string;
  /**
   * Where the program reports authorized users: the Accounts file's authorized_users column, or the
   * Authorized Users file (accounts.md: one or the other). Without a profile: the file when the set
   * holds an Authorized Users file.
   */
  readonly authorizedUsers: 'accounts_column' | 'authorized_users_file' | 'unknown';
}

/** What a rule inside one record may ask beyond the row: facts the set already holds. */
export interface RecordContext {
  /** The type of a balance the set (or history) reported, for rules that differ for credit. */
  balanceType(balanceId: string): 'deposit' | 'credit' | undefined;
  readonly program: ProgramFacts;
}

/**
 * Stage 3: a combination of columns of one row. `reads` are Lead's names of the columns it looks at;
 * the rule is skipped where one of them failed its format or is not in the program's file, so one
 * wrong value is reported once.
 */
export interface RecordRule extends RuleInfo {
  readonly reads: readonly string[];
  check(row: RowView, context: RecordContext): readonly Breach[];
}

/**
 * What the set learns of one record for other rules to look up: a kind (a file type, or a file type
 * and an index name such as `balances.credit_account`) and an id. The latest version wins, unless the
 * producer merges.
 */
export type FactKind = FileTypeId | `${FileTypeId}.${string}`;

export interface Fact {
  /** By Lead's column names (or the producer's own names). */
  readonly values: Readonly<Record<string, string>>;
  /** Whether the record was in a terminal state (spec.terminal) in that version. */
  readonly terminal: boolean;
  /** The date of the file that taught it (its batch id for a batch-named file); '' from the state store. */
  readonly fileDate: string;
  /** How a message names where it was learnt ("the file dated 2026-03-06"). */
  readonly where: string;
  /** False when only the state store's summary is known (terminal, no column values). */
  readonly complete: boolean;
}

export interface FactProducer {
  readonly kind: FactKind;
  /** Lead's names of the columns it reads; a row where one failed its format gives no fact. */
  readonly reads: readonly string[];
  /** The record's id in `kind`, or undefined for a row that teaches nothing. */
  key(row: RowView): string | undefined;
  values(row: RowView): Record<string, string>;
  /** How a new fact combines with the one known (default: it replaces it). */
  merge?(previous: Readonly<Record<string, string>>, next: Readonly<Record<string, string>>, sameFile: boolean): Record<string, string>;
}

export interface FactLookup {
  get(kind: FactKind, id: string): Fact | undefined;
}

export interface CrossContext {
  /**
   * Whether this row's record was sent before its file (in the set or history); undefined when the set
   * cannot tell (it does not start at Day 0 and no history says).
   */
  readonly sentBefore: boolean | undefined;
  /** The file's date (T), or its batch id for a batch-named file. */
  readonly fileDate: string;
  readonly program: ProgramFacts;
  /** Whether a file of that type is in the set for the same date (or batch), or was sent for it before. */
  present(fileType: FileTypeId): boolean;
  /** Whether the set (from Day 0) or history knows every record of that type: a fact it lacks was never sent. */
  complete(fileType: FileTypeId): boolean;
}

/**
 * Stage 4: one row against what the set knows of other records, once every file of its date is read
 * (files of one date may name each other in any order). `needs` names the facts it looks up; a check
 * whose facts are not known returns `unchecked` instead of guessing, and the report says so.
 */
export interface CrossRecordRule extends RuleInfo {
  readonly reads: readonly string[];
  /** The check needs to know whether the record was sent before (then it waits for history's answer). */
  readonly usesSentBefore?: boolean;
  needs(row: RowView): readonly { readonly kind: FactKind; readonly id: string }[];
  check(row: RowView, facts: FactLookup, context: CrossContext): readonly Breach[] | 'unchecked';
}

/** One file of a date as a date rule sees it. */
export interface DateFile {
  readonly file: string;
  readonly fileType: FileTypeId;
  /** Stages 1-3 passed (a rule judging the file's content runs only then). */
  readonly passed: boolean;
  /** Every line could be read into fields (sums over the file are whole). */
  readonly readable: boolean;
  /** Ids the file made known, with the line of each (read from the set's memory when it keeps them). */
  produced(): Promise<ReadonlyMap<string, number>>;
  /** The file's name for a column, by Lead's name. */
  columnName(leadName: string): string;
  /** The aggregate a producer of the file type gathered (see FileTypeValidation.aggregates). */
  aggregate<T>(name: string): T | undefined;
}

export interface DateFinding {
  readonly file: string;
  /** 0 for the file as a whole. */
  readonly line: number;
  /** The file's name of the column to fix; '' for the file as a whole. */
  readonly column: string;
  readonly rule: RuleCode;
  readonly message: string;
}

export interface DateContext {
  /** The file date (or batch id) whose files are done. */
  readonly date: string;
  readonly files: readonly DateFile[];
  /** The state the rule kept when the previous date ended (undefined the first time). */
  readonly kept: unknown;
  /** What was sent before the set, for the balances of the day before (streamed: a big program has 100k). */
  balancesOf(fileDate: string): Promise<AsyncIterable<readonly [string, PriorBalanceFact]> | undefined>;
  /** The set holds every file since Day 0. */
  readonly fromDay0: boolean;
}

export interface PriorBalanceFact {
  readonly type: 'deposit' | 'credit';
  readonly status: string;
  readonly amounts: Readonly<Record<string, string>>;
}

export interface DateOutcome {
  readonly findings: readonly DateFinding[];
  /** What could not be checked, one sentence per file. */
  readonly notes?: readonly { readonly file: string; readonly note: string }[];
  /** Kept for the next date. */
  readonly keep?: unknown;
}

/** Stage 4: the files of one date (or batch) together, such as a roll-forward or a cardinality. */
export interface DateRule {
  /** The rules it reports under (a roll-forward rule reports under one code per formula). */
  readonly rules: readonly RuleInfo[];
  check(context: DateContext): Promise<DateOutcome>;
}

/** A per-file tally a date rule reads (a Balances file's amounts by balance, a day's sums by balance). */
export interface Aggregate<T = unknown> {
  readonly name: string;
  readonly reads: readonly string[];
  start(): T;
  /** `failed(lead)`: that column's value failed its format and must not be used. */
  add(tally: T, row: RowView, line: number, failed: (leadName: string) => boolean): void;
}

/** Everything a file type declares for the validator, beside its columns. */
export interface FileTypeValidation {
  /** Stage 3. */
  readonly records?: readonly RecordRule[];
  /** Stage 4: what its records teach the set. */
  readonly facts?: readonly FactProducer[];
  /** Stage 4: each row against the facts of the records it names. */
  readonly crossRecords?: readonly CrossRecordRule[];
  /** Stage 4: per-file tallies for date rules. */
  readonly aggregates?: readonly Aggregate<any>[];
  /** Stage 4: the files of a date together. */
  readonly dateRules?: readonly DateRule[];
}
