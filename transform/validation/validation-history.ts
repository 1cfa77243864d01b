import type { FileTypeId } from '../file-types/registry.js';
import type { Fact, FactKind, PriorBalanceFact } from './rule-types.js';

/**
 * What was sent to Lead before the files being validated, for the rules that look back: the ids
 * already used, a re-sent record's last version, the balances of the day before, the files recorded for
 * a date. The run pipeline answers from its state store (load/state/state-validation-history.ts);
 * `lead-etl validate` on files alone uses `emptyHistory`, and then only the files given are the past.
 *
 * Lookups take many ids at once (one query per file or per date, not per row), and answer only for
 * what they know.
 */
export interface PriorVersion {
  /** The last effective_at sent for the record (ISO 8601 with offset), when its file type has one. */
  readonly effectiveAt?: string;
  /** Whether that last version was in a terminal state (spec.terminal). */
  readonly terminal: boolean;
  /** The values first sent of the columns Lead lets be set once (spec.immutableColumns), by Lead's column name. */
  readonly immutable?: Readonly<Record<string, string>>;
  /** The record's content as canonicalHash (transform/submission-rules.ts) computes it, when kept. */
  readonly contentHash?: string;
}

export type PriorBalance = PriorBalanceFact;

/** A file the state store has recorded: sent (or built) before, so its content is history. */
export interface SentFile {
  readonly name: string;
  readonly fileType: string;
  readonly sha256: string;
  /** The extra Customer batch it belongs to; undefined for a date's own files. */
  readonly batchId?: string;
  /** False once replaced (rejected, superseded, abandoned): it no longer counts as the file of its date. */
  readonly live: boolean;
  /** Lead said its workflow passed: nothing more is taken for that workflow and date (or batch). */
  readonly validated?: boolean;
}

export interface ValidationHistory {
  /**
   * The file types whose records history knows completely: a reference to one of them it does not
   * know is then an error. For other types, an id history does not know may still have been sent.
   */
  readonly covers: ReadonlySet<FileTypeId>;
  /** Of `ids`, those sent before as records of `fileType` (its `produces` columns). */
  knownIds(fileType: FileTypeId, ids: readonly string[]): Promise<ReadonlySet<string>>;
  /** The last version sent before of each record of `keys` (record ids as in the file, pairs joined by " + "). */
  lastVersions(fileType: FileTypeId, keys: readonly string[]): Promise<ReadonlyMap<string, PriorVersion>>;
  /** What history keeps of records beyond their versions (customer types and roles...), when it keeps it. */
  facts(kind: FactKind, ids: readonly string[]): Promise<ReadonlyMap<string, Fact>>;
  /**
   * The balances of the Balances file sent for `fileDate`, by balance id in the file's order (a later
   * line for the same id wins), when history has it; streamed, since a big program reports 100k a day.
   */
  balancesOf(fileDate: string): Promise<AsyncIterable<readonly [string, PriorBalance]> | undefined>;
  /** The files recorded for a file date (its daily files and its Customer batches), replaced ones included. */
  sentFiles(fileDate: string): Promise<readonly SentFile[]>;
}

/** Files-only mode: nothing is known but the files given. */
export const emptyHistory: ValidationHistory = {
  covers: new Set(),
  knownIds: async () => new Set(),
  lastVersions: async () => new Map(),
  facts: async () => new Map(),
  balancesOf: async () => undefined,
  sentFiles: async () => [],
};
