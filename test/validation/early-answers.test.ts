import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../core/package-root.js';
import { createSetMemoryTables, dropSetMemoryTables, tableSetMemory } from '../../load/state/set-memory-tables.js';
import { memorySetMemory, type Deferred, type SetMemory } from '../../transform/validation/set-memory.js';
import { validateFiles } from '../../transform/validation/validate-files.js';
import { databaseKinds, freshDatabase } from '../support/databases.js';

/**
 * A reference or cross-record check whose answer cannot change before its date ends (its target type's
 * files of the date have ended, files coming in Lead's object order) is answered as its batch is handed
 * to the set's memory; only what has something to say, or names a file still to come, waits for the
 * date's end (issue 10). The findings are the same, on every memory.
 */
const GOOD = packagePath('test', 'fixtures', 'validation', 'good');
const DATE = '2026-03-06';

/** The good files of DATE with: a transaction naming no balance (line 6), a collateral naming a balance of the later Balances file (line 3) and one naming none (line 4), an account whose holder type its customer contradicts (line 3). */
function set(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lead-etl-early-'));
  for (const type of readdirSync(GOOD)) {
    for (const name of readdirSync(join(GOOD, type)).filter((n) => n.startsWith(DATE))) {
      mkdirSync(join(dir, type), { recursive: true });
      cpSync(join(GOOD, type, name), join(dir, type, name));
    }
  }
  const edit = (path: string, change: (text: string) => string) => {
    const file = join(dir, path);
    const before = readFileSync(file, 'utf8');
    const after = change(before);
    if (after === before) throw new Error(`${path}: the edit changed nothing`);
    writeFileSync(file, after);
  };
  edit(`transactions/${DATE}_transactions_V1.csv`, (t) => `${t}${t.split('\n')[1]!.replace('txn_1|bal_1|', 'txn_5|bal_9|')}\n`);
  edit(`collaterals/${DATE}_collaterals_V1.csv`, (t) => `${t}col_2|acc_1|bal_1|deposit_balance|100.00\ncol_3|acc_1|bal_8|deposit_balance|100.00\n`);
  edit(`accounts/${DATE}_accounts_V1.csv`, (t) => t.replace('acc_2||commercial|', 'acc_2||consumer|'));
  return dir;
}

const EXPECTED = [
  `accounts/${DATE}_accounts_V1.csv:3:account_holder_type:cross.holder_type_mismatch`,
  `collaterals/${DATE}_collaterals_V1.csv:4:balance_id:cross.unknown_balance`,
  `transactions/${DATE}_transactions_V1.csv:6:balance_id:cross.unknown_balance`,
];

/** The real memory, with what it is given to keep till the date's end written down. */
function watched(memory: SetMemory): { memory: SetMemory; deferred: Deferred[] } {
  const deferred: Deferred[] = [];
  return { memory: { ...memory, defer: (date, rows) => { deferred.push(...rows); return memory.defer(date, rows); } }, deferred };
}

async function check(memory: SetMemory) {
  const dir = set();
  const watch = watched(memory);
  const report = await validateFiles([dir], { fromDay0: true, memory: watch.memory });
  const findings = report.findings.map((f) => `${f.file.slice(dir.length + 1)}:${f.line}:${f.column}:${f.rule}`);
  const unknown = report.findings.filter((f) => f.rule === 'cross.unknown_balance').map((f) => f.message);
  const waited = watch.deferred.map((d) => (d.kind === 'reference' ? `${d.file}:${d.line}:${d.to}:${d.id}` : `${d.file}:${d.line}:check ${d.rule}`));
  return { findings, unknown, waited, limits: report.limits };
}

function expectEarly(result: Awaited<ReturnType<typeof check>>): void {
  expect(result.findings).toEqual(EXPECTED);
  expect(result.unknown).toEqual([
    `bal_8 names no Balances record sent before or in the set up to ${DATE}; send it first, or correct the id`,
    `bal_9 names no Balances record sent before or in the set up to ${DATE}; send it first, or correct the id`,
  ]);
  expect(result.limits).toEqual([]);
  // Files of the date, in order: customer 0, customer_relationship 1, applications 2, accounts 3, cards 4,
  // authorized_users 5, collaterals 6, balances 7, transactions 8... Only what names a file still to come
  // (a collateral's balance) or has something to say waited: the transaction naming no balance, the
  // account with a finding (rule 1); an account's credit-balance rule (7) reads balances' facts, still to come.
  const references = result.waited.filter((w) => !w.includes('check'));
  expect(references).toEqual(['6:3:balances:bal_1', '6:4:balances:bal_8', '8:6:balances:bal_9']);
  expect(result.waited.filter((w) => w.startsWith('3:'))).toEqual(['3:2:check 7', '3:3:check 1', '3:3:check 7', '3:4:check 7']);
}

describe('pre-flight checks answered before their date ends', () => {
  it('in memory', async () => {
    expectEarly(await check(memorySetMemory()));
  });

  it.each(databaseKinds)('in temporary tables on %s', async (kind) => {
    const fresh = await freshDatabase(kind);
    try {
      const result = await fresh.database.db.connection().execute(async (connection) => {
        await createSetMemoryTables(connection);
        try {
          return await check(tableSetMemory(connection));
        } finally {
          await dropSetMemoryTables(connection);
        }
      });
      expectEarly(result);
    } finally {
      await fresh.dispose();
    }
  });
});
