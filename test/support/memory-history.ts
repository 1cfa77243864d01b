import type { CustomerFacts, PriorBalance, PriorVersion, RecordKind, ValidationHistory } from '../../transform/validation/validation-history.js';

/** A ValidationHistory from plain data, standing in for the state store in tests. */
export interface HistoryData {
  readonly covers?: readonly RecordKind[];
  readonly ids?: Partial<Record<RecordKind, readonly string[]>>;
  readonly versions?: Readonly<Record<string, Readonly<Record<string, PriorVersion>>>>;
  readonly customers?: Readonly<Record<string, CustomerFacts>>;
  readonly balances?: Readonly<Record<string, Readonly<Record<string, PriorBalance>>>>;
}

export function memoryHistory(data: HistoryData): ValidationHistory {
  return {
    covers: new Set(data.covers ?? []),
    knownIds: async (kind, ids) => new Set(ids.filter((id) => data.ids?.[kind]?.includes(id))),
    lastVersions: async (fileType, keys) => new Map(keys.flatMap((key) => {
      const version = data.versions?.[fileType]?.[key];
      return version ? [[key, version] as const] : [];
    })),
    customers: async (ids) => new Map(ids.flatMap((id) => (data.customers?.[id] ? [[id, data.customers[id]] as const] : []))),
    balancesOf: async (fileDate) => (data.balances?.[fileDate] ? new Map(Object.entries(data.balances[fileDate])) : undefined),
  };
}
