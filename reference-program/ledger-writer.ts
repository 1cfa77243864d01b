import type { Transaction } from 'kysely';
import { TABLES_IN_INSERT_ORDER, type LedgerTables } from './ledger-rows.js';

/**
 * Collects the generator's rows and writes them as multi-row inserts, table by table in foreign-key
 * order. One insert per few thousand rows is what makes a month at scale 10 quick on PGlite. The ledger
 * is append-only: whatever changes is a new row of a history table, so the writer never updates.
 */
export interface LedgerWriter {
  add<T extends keyof LedgerTables>(table: T, row: LedgerTables[T]): void;
  flush(): Promise<void>;
}

// PostgreSQL takes at most 65 535 parameters per statement; stay well below it.
const MAX_PARAMETERS = 30_000;
const MAX_ROWS = 2_000;

export function createLedgerWriter(trx: Transaction<any>): LedgerWriter {
  const buffers = new Map<keyof LedgerTables, object[]>(TABLES_IN_INSERT_ORDER.map((table) => [table, []]));

  return {
    add(table, row) {
      buffers.get(table)!.push(row);
    },
    async flush() {
      for (const table of TABLES_IN_INSERT_ORDER) {
        const rows = buffers.get(table)!;
        if (rows.length === 0) continue;
        const columns = Object.keys(rows[0]!).length;
        const chunk = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMETERS / columns)));
        for (let i = 0; i < rows.length; i += chunk) {
          await trx.insertInto(`ledger.${table}`).values(rows.slice(i, i + chunk)).execute();
        }
        buffers.set(table, []);
      }
    },
  };
}
