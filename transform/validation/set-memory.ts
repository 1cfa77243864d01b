import type { FileTypeId } from '../file-types/registry.js';
import type { Fact, FactKind } from './rule-types.js';

/**
 * What the validator remembers across the files of a set: the ids each file type made known, the last
 * version of each re-sendable record, and the facts rules look up (a customer's type, an account's
 * holders and status...). Everything the cross-file rules need from earlier rows goes through this
 * narrow interface, a batch at a time, so the in-memory one here can be replaced by one backed by
 * PostgreSQL temp tables when rows are checked as the pipeline produces them (one pass, bounded
 * memory): nothing else keeps rows.
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
  | { readonly kind: 'reference'; readonly file: number; readonly line: number; readonly column: string; readonly to: FileTypeId; readonly id: string }
  | { readonly kind: 'check'; readonly file: number; readonly line: number; readonly rule: number; readonly values: Readonly<Record<string, string>>; readonly sentBefore?: boolean };

export interface SetMemory {
  /** Keeps row checks until their date ends (a database-backed memory spools them to a table). */
  defer(date: string, rows: readonly Deferred[]): void;
  /** The date's deferred checks, a batch at a time, then forgets them. */
  drain(date: string, batchSize: number): AsyncIterable<readonly Deferred[]>;
  /** Ids of `fileType` made known by a file of date (or batch) `key`; the first file of an id keeps it. */
  rememberIds(fileType: FileTypeId, ids: Iterable<string>, key: string): void;
  /** Of `ids`, those the set made known, with the date (or batch) of the file that did first. */
  knownIds(fileType: FileTypeId, ids: readonly string[]): Promise<ReadonlyMap<string, string>>;
  rememberVersion(fileType: FileTypeId, recordKey: string, version: Version): void;
  versions(fileType: FileTypeId, recordKeys: readonly string[]): Promise<ReadonlyMap<string, Version>>;
  rememberFact(kind: FactKind, id: string, fact: Fact): void;
  facts(kind: FactKind, ids: readonly string[]): Promise<ReadonlyMap<string, Fact>>;
  /**
   * One fact, at once, for a rule inside a record that depends on it (a transaction's balance type):
   * only kinds with one record per balance or account are asked, so a cache in front of a database holds it.
   */
  peekFact(kind: FactKind, id: string): Fact | undefined;
}

export function memorySetMemory(): SetMemory {
  const ids = new Map<FileTypeId, Map<string, string>>();
  const versions = new Map<FileTypeId, Map<string, Version>>();
  const facts = new Map<FactKind, Map<string, Fact>>();
  const deferred = new Map<string, Deferred[]>();
  const table = <K, V>(tables: Map<K, Map<string, V>>, key: K) => {
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
    defer(date, rows) {
      const queue = deferred.get(date) ?? [];
      deferred.set(date, queue);
      for (const row of rows) queue.push(row);
    },
    async *drain(date, batchSize) {
      const queue = deferred.get(date) ?? [];
      deferred.delete(date);
      for (let at = 0; at < queue.length; at += batchSize) yield queue.slice(at, at + batchSize);
    },
    rememberIds(fileType, made, key) {
      const known = table(ids, fileType);
      for (const id of made) if (!known.has(id)) known.set(id, key);
    },
    knownIds: async (fileType, wanted) => pick(ids.get(fileType), wanted),
    rememberVersion(fileType, recordKey, version) {
      table(versions, fileType).set(recordKey, version);
    },
    versions: async (fileType, keys) => pick(versions.get(fileType), keys),
    rememberFact(kind, id, fact) {
      table(facts, kind).set(id, fact);
    },
    facts: async (kind, wanted) => pick(facts.get(kind), wanted),
    peekFact: (kind, id) => facts.get(kind)?.get(id),
  };
}
