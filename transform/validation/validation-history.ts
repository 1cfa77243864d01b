/**
 * What was sent to Lead before the files being validated, for the rules that look back: a re-sent
 * record's last effective_at and whether it was terminal, the transaction ids already used, the
 * balances of the day before. The run pipeline can answer from its state store; `lead-etl validate`
 * on files alone uses `emptyHistory`, and then only the files given are the past.
 *
 * Lookups take many ids at once (one query per file, not per row), and answer only for what they know.
 */
export type RecordKind =
  /** client_customer_id of Customer files. */
  | 'customer'
  | 'application'
  | 'account'
  | 'card'
  /** client_balance_id, or Lead's id of a balance created by API. */
  | 'balance'
  /** client_transaction_id sent in Transactions files. */
  | 'transaction'
  /** sale_id of Lead's Sales Requests. */
  | 'sale'
  /** sale_id already answered in a Sales Response. */
  | 'sale_answer';

export interface PriorVersion {
  /** The last effective_at sent for the record (ISO 8601 with offset), when its file type has one. */
  readonly effectiveAt?: string;
  /** Whether that last version was in a terminal state (spec.terminal). */
  readonly terminal: boolean;
  /** The values first sent of the columns Lead lets be set once (spec.immutableColumns), by Lead's column name. */
  readonly immutable?: Readonly<Record<string, string>>;
}

export interface PriorBalance {
  readonly type: 'deposit' | 'credit';
  readonly status: string;
  /** Amounts as written in that Balances file, by Lead's column name (balance, rewards_balance, outstanding_principal...). */
  readonly amounts: Readonly<Record<string, string>>;
}

export interface CustomerFacts {
  readonly customerType: string;
  readonly intendedRoles: readonly string[];
}

export interface ValidationHistory {
  /**
   * The kinds of record history knows completely: a reference to one of them it does not know is
   * then an error. For other kinds, an id history does not know may still have been sent.
   */
  readonly covers: ReadonlySet<RecordKind>;
  /** Of `ids`, those sent before as records of `kind`. */
  knownIds(kind: RecordKind, ids: readonly string[]): Promise<ReadonlySet<string>>;
  /** The last version sent before of each record of `keys` (record ids as in the file, pairs joined by " + "). */
  lastVersions(fileTypeId: string, keys: readonly string[]): Promise<ReadonlyMap<string, PriorVersion>>;
  /** Customer types and intended roles, for the holder rules of accounts and applications. */
  customers(ids: readonly string[]): Promise<ReadonlyMap<string, CustomerFacts>>;
  /** The Balances file sent for `fileDate`, by balance id, when history has it. */
  balancesOf(fileDate: string): Promise<ReadonlyMap<string, PriorBalance> | undefined>;
}

/** Files-only mode: nothing is known but the files given. */
export const emptyHistory: ValidationHistory = {
  covers: new Set(),
  knownIds: async () => new Set(),
  lastVersions: async () => new Map(),
  customers: async () => new Map(),
  balancesOf: async () => undefined,
};
