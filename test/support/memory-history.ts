import type { FileTypeId } from '../../transform/file-types/registry.js';
import type { Fact, FactKind } from '../../transform/validation/rule-types.js';
import type { PriorBalance, PriorVersion, SentFile, ValidationHistory } from '../../transform/validation/validation-history.js';

/** A ValidationHistory from plain data, standing in for the state store in tests. */
export interface HistoryData {
  readonly covers?: readonly FileTypeId[];
  readonly ids?: Partial<Record<FileTypeId, readonly string[]>>;
  readonly versions?: Readonly<Record<string, Readonly<Record<string, PriorVersion>>>>;
  /** Facts history keeps, by kind and id (values only). */
  readonly facts?: Partial<Record<FactKind, Readonly<Record<string, Readonly<Record<string, string>>>>>>;
  readonly balances?: Readonly<Record<string, Readonly<Record<string, PriorBalance>>>>;
  /** Files recorded, by file date. */
  readonly sent?: Readonly<Record<string, readonly SentFile[]>>;
}

export function memoryHistory(data: HistoryData): ValidationHistory {
  return {
    covers: new Set(data.covers ?? []),
    knownIds: async (kind, ids) => new Set(ids.filter((id) => data.ids?.[kind]?.includes(id))),
    lastVersions: async (fileType, keys) => new Map(keys.flatMap((key) => {
      const version = data.versions?.[fileType]?.[key];
      return version ? [[key, version] as const] : [];
    })),
    facts: async (kind, ids) => new Map(ids.flatMap((id): [string, Fact][] => {
      const values = data.facts?.[kind]?.[id];
      return values ? [[id, { values, terminal: false, fileDate: '', where: 'a file sent before this set', complete: true }]] : [];
    })),
    balancesOf: async (fileDate) => {
      const balances = data.balances?.[fileDate];
      return balances ? (async function* () { yield* Object.entries(balances); })() : undefined;
    },
    sentFiles: async (fileDate) => data.sent?.[fileDate] ?? [],
  };
}
