import type { FileTypeId } from '../file-types/registry.js';
import type { Fact, FactKind } from './rule-types.js';

/**
 * What the validator remembers across the files of a set: the ids each file type made known, the last
 * version of each re-sendable record, and the facts rules look up (a customer's type, an account's
 * holders and status...). Everything the cross-file rules need from earlier rows goes through this
 * narrow interface, a batch at a time: the in-memory one here serves `lead-etl validate` and Lead's
 * sandbox; the run pipeline, which checks its rows as it writes them, keeps it in PostgreSQL temporary
 * tables (load/state/set-memory-tables.ts), so what it remembers does not grow the process.
 */
export interface Version {
  /** effective_at in epoch milliseconds, when the type has one and it names an instant. */
  readonly at?: number;
  readonly atText?: string;
  readonly terminal: boolean;
  /** First values of the immutable columns, by the file's column name. */
  readonly immutable?: Readonly<Record<string, string>>;
  /** The canonical content hash (submission-rules.ts), to tell a re-send that changed nothing. */
  readonly hash?: string;
  readonly where: string;
}

/**
 * A row check waiting for its date to end, when every file of the date is known: a reference to look
 * up, or a cross-record rule to run on the projection of the row it reads. `file` is the file's place
 * among the date's files; `rule` the rule's place in its file type's `crossRecords`.
 */
export type Deferred =
  | {
    readonly kind: 'reference'; readonly file: number; readonly line: number; readonly column: string; readonly to: FileTypeId; readonly id: string;
    /** Whether the set made the id known, when the memory resolved it while draining (a join in SQL). */
    readonly inSet?: boolean;
    /**
     * How many references this one stands for: a memory in a database hands over the references the set
     * resolved as one count per file and file type named (`inSet` true, no id), not row by row.
     */
    readonly count?: number;
  }
  | { readonly kind: 'check'; readonly file: number; readonly line: number; readonly rule: number; readonly values: Readonly<Record<string, string>>; readonly sentBefore?: boolean };

export interface SetMemory {
  /** Keeps row checks until their date ends (a database-backed memory spools them to a table). */
  defer(date: string, rows: readonly Deferred[]): Promise<void>;
  /** The date's deferred checks, a batch at a time, in the order they were deferred, then forgets them. */
  drain(date: string, batchSize: number): AsyncIterable<readonly Deferred[]>;
  /** Ids of `fileType` made known by a file of date (or batch) `key`; the first file of an id keeps it. */
  rememberIds(fileType: FileTypeId, ids: readonly string[], key: string): Promise<void>;
  /** Of `ids`, those the set made known, with the date (or batch) of the file that did first. */
  knownIds(fileType: FileTypeId, ids: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** Of the ids of each file type, those the set did not make known (a reference's check wants only these: nearly none). */
  unknownIds(ids: ReadonlyMap<FileTypeId, ReadonlySet<string>>): Promise<ReadonlyMap<FileTypeId, ReadonlySet<string>>>;
  rememberVersions(fileType: FileTypeId, versions: readonly (readonly [recordKey: string, version: Version])[]): Promise<void>;
  versions(fileType: FileTypeId, recordKeys: readonly string[]): Promise<ReadonlyMap<string, Version>>;
  rememberFacts(kind: FactKind, facts: readonly (readonly [id: string, fact: Fact])[]): Promise<void>;
  facts(kind: FactKind, ids: readonly string[]): Promise<ReadonlyMap<string, Fact>>;
  /**
   * One fact, at once, for a rule inside a record that depends on it (a transaction's balance type):
   * only `balances` is asked, and only its `type`, so a memory in a database answers from a bounded
   * cache of that alone.
   */
  peekFact(kind: FactKind, id: string): Fact | undefined;
  /**
   * Where a memory in a database keeps each line's short hash and record key, so the checks for a line
   * or a record repeated in a file run as one query when the file ends, instead of two maps of every
   * line. Without it (the in-memory memory) stage 1 keeps those maps itself.
   */
  readonly lines?: LineMemory;
  /** Where a memory in a database keeps the ids each file makes known, instead of a map per file. */
  readonly produced?: ProducedMemory;
}

/** One file's lines, by the file's path. */
export interface LineMemory {
  remember(file: string, lines: readonly (readonly [line: number, hash: string, key: string])[]): Promise<void>;
  /**
   * The lines that repeat an earlier line whole (`sameRow`), and of the others those whose record key an
   * earlier one has (`sameId`), in line order.
   */
  repeats(file: string): Promise<readonly LineRepeat[]>;
  /** The record key on each of `lines` (the pipeline names the record of a finding by it). */
  keysAt(file: string, lines: readonly number[]): Promise<ReadonlyMap<number, string>>;
}

export type LineRepeat = { readonly line: number; readonly key: string } & ({ readonly sameRow: number } | { readonly sameId: number });

/** The ids one file (by path) makes known, spooled as they come, each with the first line it is on. */
export interface ProducedMemory {
  remember(file: string, ids: readonly (readonly [id: string, line: number])[]): Promise<void>;
  /**
   * The file's ids, a batch at a time in line order, each with the date (or batch) of the file that made
   * it known to the set before (a join with the set's ids), or undefined.
   */
  ofFile(file: string, fileType: FileTypeId, batchSize: number): AsyncIterable<readonly (readonly [id: string, line: number, knownAt: string | undefined])[]>;
  /** The file's ids join the set's, made known by date (or batch) `key`. */
  publish(file: string, fileType: FileTypeId, key: string): Promise<void>;
}

export function memorySetMemory(): SetMemory {
  const ids = new Map<FileTypeId, Map<string, string>>();
  const versions = new Map<FileTypeId, Map<string, Version>>();
  const facts = new Map<FactKind, Map<string, Fact>>();
  const deferred = new Map<string, Deferred[]>();
  const table = <K, V>(tables: Map<K, Map<string, V>>, key: K): Map<string, V> => {
    let found = tables.get(key);
    if (!found) tables.set(key, (found = new Map()));
    return found;
  };
  const pick = <V>(source: Map<string, V> | undefined, keys: readonly string[]) => {
    const out = new Map<string, V>();
    if (!source) return out;
    for (const key of keys) {
      const value = source.get(key);
      if (value !== undefined) out.set(key, value);
    }
    return out;
  };
  return {
    async defer(date, rows) {
      const queue = deferred.get(date) ?? [];
      deferred.set(date, queue);
      for (const row of rows) queue.push(row);
    },
    async *drain(date, batchSize) {
      const queue = deferred.get(date) ?? [];
      deferred.delete(date);
      for (let at = 0; at < queue.length; at += batchSize) yield queue.slice(at, at + batchSize);
    },
    async rememberIds(fileType, made, key) {
      const known = table(ids, fileType);
      for (const id of made) if (!known.has(id)) known.set(id, key);
    },
    knownIds: async (fileType, wanted) => pick(ids.get(fileType), wanted),
    async unknownIds(wanted) {
      const out = new Map<FileTypeId, Set<string>>();
      for (const [fileType, some] of wanted) {
        const known = ids.get(fileType);
        const unknown = new Set([...some].filter((id) => !known?.has(id)));
        if (unknown.size > 0) out.set(fileType, unknown);
      }
      return out;
    },
    async rememberVersions(fileType, made) {
      const known = table(versions, fileType);
      for (const [key, version] of made) known.set(key, version);
    },
    versions: async (fileType, keys) => pick(versions.get(fileType), keys),
    async rememberFacts(kind, made) {
      const known = table(facts, kind);
      for (const [id, fact] of made) known.set(id, fact);
    },
    facts: async (kind, wanted) => pick(facts.get(kind), wanted),
    peekFact: (kind, id) => facts.get(kind)?.get(id),
  };
}
