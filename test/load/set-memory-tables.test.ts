import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { createSetMemoryTables, dropSetMemoryTables, SeenFilter, tableSetMemory } from '../../load/state/set-memory-tables.js';
import { memorySetMemory, type Deferred, type SetMemory } from '../../transform/validation/set-memory.js';
import { databaseKinds, freshDatabase, type FreshDatabase } from '../support/databases.js';

/**
 * The run pipeline's pre-flight memory in temporary tables (issue 10): what the in-memory one answers,
 * from PostgreSQL and PGlite alike, with deferred references resolved against the set's ids as they drain.
 */
describe.each(databaseKinds)('the pre-flight memory in temporary tables on %s', (kind) => {
  let fresh: FreshDatabase;
  let release: () => void = () => undefined;
  let held: Promise<void> = Promise.resolve();
  let memory: SetMemory;
  let db: Kysely<any>;
  beforeAll(async () => {
    fresh = await freshDatabase(kind);
    // Temporary tables are one session's: hold one connection for the test, as the pipeline does.
    const released = new Promise<void>((done) => { release = done; });
    await new Promise<void>((ready, failed) => {
      held = fresh.database.db.connection().execute(async (connection) => {
        db = connection;
        await createSetMemoryTables(connection);
        memory = tableSetMemory(connection, { peek: 2 });
        ready();
        await released;
        await dropSetMemoryTables(connection);
      }).catch(failed);
    });
  });
  afterAll(async () => {
    release();
    await held;
    await fresh?.dispose();
  });

  it('keeps the first file of each id, and answers only for ids it was given', async () => {
    await memory.rememberIds('accounts', ['acc_1', 'acc_2'], '2026-03-06');
    await memory.rememberIds('accounts', ['acc_2', 'acc_3'], '2026-03-07');
    await memory.rememberIds('cards', ['acc_1'], '2026-03-07');
    expect(await memory.knownIds('accounts', ['acc_1', 'acc_2', 'acc_3', 'acc_9'])).toEqual(new Map([['acc_1', '2026-03-06'], ['acc_2', '2026-03-06'], ['acc_3', '2026-03-07']]));
    expect(await memory.knownIds('cards', ['acc_2'])).toEqual(new Map());
  });

  it('names, of the ids it is given, those the set did not make known, as the in-memory memory does', async () => {
    const inMemory = memorySetMemory();
    for (const each of [memory, inMemory]) {
      await each.rememberIds('applications', ['app_1', 'app_2'], '2026-03-06');
      await each.rememberIds('sales_request', ['app_3'], '2026-03-06');
      const unknown = await each.unknownIds(new Map([['applications', new Set(['app_2', 'app_9', 'app_1', 'app_3'])], ['sales_request', new Set(['app_1', 'app_3'])]]));
      expect([...unknown].map(([type, ids]) => [type, [...ids].sort()]).sort()).toEqual([['applications', ['app_3', 'app_9']], ['sales_request', ['app_1']]]);
      expect(await each.unknownIds(new Map([['applications', new Set(['app_1'])]]))).toEqual(new Map());
      expect(await each.unknownIds(new Map())).toEqual(new Map());
    }
  });

  it('keeps the last version of a record, an instant that names none included', async () => {
    await memory.rememberVersions('accounts', [['acc_1', { at: 1000, atText: 'a', terminal: false, immutable: { type: 'x' }, hash: 'h1', where: 'the file dated 2026-03-06' }]]);
    await memory.rememberVersions('accounts', [['acc_1', { at: Number.NaN, atText: 'no offset', terminal: true, where: 'the file dated 2026-03-07' }], ['acc_2', { terminal: false, where: 'w' }]]);
    const versions = await memory.versions('accounts', ['acc_1', 'acc_2', 'acc_3']);
    expect([...versions.keys()].sort()).toEqual(['acc_1', 'acc_2']);
    expect(versions.get('acc_1')).toMatchObject({ atText: 'no offset', terminal: true, where: 'the file dated 2026-03-07' });
    expect(versions.get('acc_1')!.at).toBeNaN();
    expect(versions.get('acc_2')!.at).toBeUndefined();
  });

  it('keeps facts, and the balance types a row check asks for at once, up to its bound', async () => {
    const fact = (type: string) => ({ values: { type, status: 'active' }, terminal: false, fileDate: '2026-03-06', where: 'w', complete: true });
    await memory.rememberFacts('balances', [['bal_1', fact('credit')], ['bal_2', fact('deposit')], ['bal_3', fact('credit')]]);
    await memory.rememberFacts('balances', [['bal_1', fact('deposit')]]);
    expect((await memory.facts('balances', ['bal_1', 'bal_3', 'bal_9'])).get('bal_1')).toEqual(fact('deposit'));
    expect([...(await memory.facts('balances', ['bal_1', 'bal_3', 'bal_9'])).keys()].sort()).toEqual(['bal_1', 'bal_3']);
    expect(memory.peekFact('balances', 'bal_1')?.values.type).toBe('deposit');
    expect(memory.peekFact('balances', 'bal_2')?.values.type).toBe('deposit');
    // Past the bound of two, a balance is of unknown type to the row checks (the set still knows it).
    expect(memory.peekFact('balances', 'bal_3')).toBeUndefined();
    expect(memory.peekFact('accounts', 'bal_1')).toBeUndefined();
  });

  it('drains a date\'s deferred checks in order and in batches, the references the set resolves counted in SQL, then forgets them', async () => {
    await memory.rememberIds('balances', ['bal_1'], '2026-03-06');
    const deferred: Deferred[] = [];
    for (let line = 2; line < 2 + 2_500; line += 1) {
      deferred.push({ kind: 'reference', file: 1, line, column: 'balance_id', to: 'balances', id: line % 2 === 0 ? 'bal_1' : `bal_${line}` });
      if (line % 1000 === 0) deferred.push({ kind: 'check', file: 0, line, rule: 2, values: { type: 'credit', id: `x${line}` }, sentBefore: false });
    }
    await memory.defer('2026-03-06', deferred.slice(0, 1000));
    await memory.defer('2026-03-06', deferred.slice(1000));
    await memory.defer('2026-03-07', [{ kind: 'check', file: 0, line: 9, rule: 0, values: {} }]);
    const batches: (readonly Deferred[])[] = [];
    for await (const batch of memory.drain('2026-03-06', 1000)) batches.push(batch);
    // The references the set resolves come out as one count per file and type; the rest one by one, in order.
    expect(batches[0]).toEqual([{ kind: 'reference', file: 1, line: 0, column: '', to: 'balances', id: '', inSet: true, count: 1250 }]);
    expect(batches.slice(1).map((b) => b.length)).toEqual([1000, 252]);
    const drained = batches.slice(1).flat();
    const unresolved = deferred.filter((d) => d.kind === 'check' || d.id !== 'bal_1');
    expect(drained.map((d) => d.line)).toEqual(unresolved.map((d) => d.line));
    expect(drained.filter((d) => d.kind === 'reference' && d.inSet).length).toBe(0);
    expect(drained.find((d) => d.kind === 'reference' && d.line === 3)).toEqual({ kind: 'reference', file: 1, line: 3, column: 'balance_id', to: 'balances', id: 'bal_3', inSet: false });
    expect(drained.find((d) => d.kind === 'check')).toEqual({ kind: 'check', file: 0, line: 1000, rule: 2, values: { type: 'credit', id: 'x1000' }, sentBefore: false });
    const again: Deferred[] = [];
    for await (const batch of memory.drain('2026-03-06', 1000)) again.push(...batch);
    expect(again).toEqual([]);
    const other: Deferred[] = [];
    for await (const batch of memory.drain('2026-03-07', 1000)) other.push(...batch);
    expect(other).toEqual([{ kind: 'check', file: 0, line: 9, rule: 0, values: {} }]);
  });

  it('finds the lines and records a file repeats, and the record key on its lines', async () => {
    const lines = memory.lines!;
    const file = '/b/2026-03-06_transactions_V1.csv';
    await lines.remember(file, [[2, 'h1', 'txn_1'], [3, 'h2', 'txn_2'], [4, 'h1', 'txn_1'], [5, 'h3', 'txn_2'], [6, 'h4', ''], [7, 'h5', '']]);
    await lines.remember(file, [[8, 'h3', 'txn_2'], [9, 'h6', 'txn_1']]);
    await lines.remember('/b/2026-03-06_balances_V1.csv', [[2, 'h1', 'txn_1']]);
    expect(await lines.repeats(file)).toEqual([
      { line: 4, key: 'txn_1', sameRow: 2 }, { line: 5, key: 'txn_2', sameId: 3 }, { line: 8, key: 'txn_2', sameRow: 5 }, { line: 9, key: 'txn_1', sameId: 2 },
    ]);
    expect(await lines.repeats('/b/2026-03-06_balances_V1.csv')).toEqual([]);
    expect(await lines.keysAt(file, [3, 6, 99])).toEqual(new Map([[3, 'txn_2'], [6, '']]));
  });

  it('finds the repeats of a file as a map of every line would, from only the lines its filters flag', async () => {
    // Few hashes and keys, so that most lines repeat one or the other, in batches as the pipeline sends them.
    let seed = 7;
    const next = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    const lines: [number, string, string][] = [];
    for (let line = 2; line < 2 + 3_000; line += 1) lines.push([line, `h${next(2_000)}`, next(5) === 0 ? '' : `k${next(2_500)}`]);
    const expected: object[] = [];
    const rows = new Map<string, number>();
    const ids = new Map<string, number>();
    for (const [line, hash, key] of lines) {
      const sameRow = rows.get(hash);
      if (sameRow !== undefined) {
        expected.push({ line, key, sameRow });
        continue;
      }
      rows.set(hash, line);
      if (key === '') continue;
      const sameId = ids.get(key);
      if (sameId !== undefined) expected.push({ line, key, sameId });
      else ids.set(key, line);
    }
    const file = '/b/2026-03-10_transactions_V1.csv';
    for (let at = 0; at < lines.length; at += 700) await memory.lines!.remember(file, lines.slice(at, at + 700));
    expect(await memory.lines!.repeats(file)).toEqual(expected);
    expect(await memory.lines!.repeats(file)).toEqual(expected);
    // Lines given after the repeats were read are each taken to repeat maybe, and checked all the same.
    await memory.lines!.remember(file, [[3_100, 'h_new', 'k_new'], [3_101, lines[0]![1], 'k_other']]);
    expect(await memory.lines!.repeats(file)).toEqual([...expected, { line: 3_101, key: 'k_other', sameRow: 2 }]);
    const unique = '/b/2026-03-10_cards_V1.csv';
    await memory.lines!.remember(unique, lines.map(([line], i) => [line, `u${i}`, `c${i}`] as const));
    expect(await memory.lines!.repeats(unique)).toEqual([]);
  });

  it('keeps a file\'s ids at their first line, joined with what the set knew before, until they join the set', async () => {
    const produced = memory.produced!;
    const file = '/b/2026-03-07_transactions_V1.csv';
    await memory.rememberIds('transactions', ['txn_old'], '2026-03-06');
    const ids: [string, number][] = [];
    for (let line = 2; line < 2 + 12_000; line += 1) ids.push([`txn_${line}`, line]);
    await produced.remember(file, [...ids.slice(0, 6_000), ['txn_old', 12_500], ['txn_3', 12_600]]);
    await produced.remember(file, ids.slice(6_000));
    const batches: (readonly (readonly [string, number, string | undefined])[])[] = [];
    for await (const batch of produced.ofFile(file, 'transactions', 5_000)) batches.push(batch);
    expect(batches.map((b) => b.length)).toEqual([4_998, 5_000, 2_002 + 1]);
    const all = batches.flat();
    expect(all.find(([id]) => id === 'txn_3')).toEqual(['txn_3', 3, undefined]);
    expect(all.find(([id]) => id === 'txn_old')).toEqual(['txn_old', 12_500, '2026-03-06']);
    await produced.publish(file, 'transactions', '2026-03-07');
    expect(await memory.knownIds('transactions', ['txn_old', 'txn_2', 'txn_12001', 'txn_12002'])).toEqual(new Map([['txn_old', '2026-03-06'], ['txn_2', '2026-03-07'], ['txn_12001', '2026-03-07']]));
  });

  it('bulk-loads its rows as COPY text: tabs, line breaks, backslashes and \\N in values come back as they went in', async () => {
    const odd = ['a\tb', 'c\nd\r', 'e\\f', '\\N', 'ü€'];
    const file = '/b/2026-03-09_accounts_V1.csv';
    await memory.lines!.remember(file, odd.map((key, i) => [i + 2, `h${i}\t\\`, key] as const));
    expect(await memory.lines!.keysAt(file, odd.map((_, i) => i + 2))).toEqual(new Map(odd.map((key, i) => [i + 2, key])));
    await memory.produced!.remember(file, odd.map((id, i) => [id, i + 2] as const));
    const ids = [];
    for await (const batch of memory.produced!.ofFile(file, 'accounts', 100)) ids.push(...batch.map(([id]) => id));
    expect(ids).toEqual(odd);
    const rows: Deferred[] = [
      { kind: 'reference', file: 0, line: 2, column: 'a\tcol', to: 'customer', id: odd[1]! },
      { kind: 'check', file: 0, line: 3, rule: 1, values: { v: odd.join('|') }, sentBefore: false },
      { kind: 'check', file: 0, line: 4, rule: 0, values: {} },
    ];
    await memory.defer('2026-03-09', rows);
    const drained = [];
    for await (const batch of memory.drain('2026-03-09', 10)) drained.push(...batch);
    expect(drained).toEqual([{ ...rows[0], inSet: false }, rows[1], rows[2]]);
  });

  it('hands a file\'s ids with more than one on a line in the order of its text, and takes ids again after they were read', async () => {
    const produced = memory.produced!;
    const file = '/b/2026-03-09_cards_V1.csv';
    // Not in the order they came: by id within a line, as the database's own collation orders text.
    await produced.remember(file, [['a', 2], ['Z', 2], ['é', 2], ['b', 3]]);
    const read = async () => {
      const all = [];
      for await (const batch of produced.ofFile(file, 'cards', 100)) all.push(...batch.map(([id, line]) => `${line}:${id}`));
      return all;
    };
    const expected = (await sql<{ id: string }>`select id from (values ('a'), ('Z'), ('é')) as v(id) order by id`.execute(db)).rows.map((r) => `2:${r.id}`);
    expect(await read()).toEqual([...expected, '3:b']);
    // A later line repeating an id is set aside only once the file's ids are read again.
    await produced.remember(file, [['b', 4], ['c', 5], ['a', 6]]);
    expect(await read()).toEqual([...expected, '3:b', '5:c']);
    await produced.publish(file, 'cards', '2026-03-09');
    expect(await memory.knownIds('cards', ['a', 'b', 'c', 'Z'])).toEqual(new Map([['a', '2026-03-09'], ['b', '2026-03-09'], ['c', '2026-03-09'], ['Z', '2026-03-09']]));
  });

  it('writes and reads its tables inside a READ ONLY transaction, refreshing their statistics there (the ledger snapshot on one embedded database)', async () => {
    await db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(async (trx) => {
      const inSnapshot = tableSetMemory(trx);
      const ids = Array.from({ length: 6_000 }, (_, i) => `card_${i}`);
      await inSnapshot.rememberIds('cards', ids, '2026-03-06');
      expect(await inSnapshot.knownIds('cards', ['card_1', 'card_x'])).toEqual(new Map([['card_1', '2026-03-06']]));
      // COPY too (the tables only appended to): a READ ONLY transaction may write temporary tables. This
      // second memory numbers its files from 0 again, as the first did: it starts from empty tables.
      await sql`delete from lead_etl_set_line`.execute(trx);
      await sql`delete from lead_etl_set_produced`.execute(trx);
      const file = '/b/2026-03-06_cards_V1.csv';
      await inSnapshot.produced!.remember(file, [['card_new', 2], ['card_1', 3], ['card_new', 4]]);
      const batches = [];
      for await (const batch of inSnapshot.produced!.ofFile(file, 'cards', 10)) batches.push(...batch);
      expect(batches).toEqual([['card_new', 2, undefined], ['card_1', 3, '2026-03-06']]);
      await inSnapshot.produced!.publish(file, 'cards', '2026-03-07');
      expect(await inSnapshot.knownIds('cards', ['card_new', 'card_1'])).toEqual(new Map([['card_new', '2026-03-07'], ['card_1', '2026-03-06']]));
      await inSnapshot.lines!.remember(file, [[2, 'h', 'card_new'], [3, 'h', 'card_1']]);
      expect(await inSnapshot.lines!.repeats(file)).toEqual([{ line: 3, key: 'card_1', sameRow: 2 }]);
      await inSnapshot.defer('2026-03-06', [{ kind: 'reference', file: 0, line: 2, column: 'card_id', to: 'cards', id: 'card_new' }]);
      const drained = [];
      for await (const batch of inSnapshot.drain('2026-03-06', 10)) drained.push(...batch);
      expect(drained).toEqual([{ kind: 'reference', file: 0, line: 0, column: '', to: 'cards', id: '', inSet: true, count: 1 }]);
      const analyzed = await sql<{ n: string }>`select count(*)::text as n from pg_stats where tablename = 'lead_etl_set_id'`.execute(trx);
      expect(Number(analyzed.rows[0]!.n)).toBeGreaterThan(0);
    });
  });

  it('does not wait for each write, and a write that failed fails the next read instead of being lost', async () => {
    await memory.rememberIds('accounts', [null as unknown as string], '2026-03-08');
    await expect(memory.knownIds('accounts', ['acc_1'])).rejects.toThrow(/null value/);
    expect(await memory.knownIds('accounts', ['acc_1'])).toEqual(new Map([['acc_1', '2026-03-06']]));
    // A COPY that failed, the same way.
    await memory.lines!.remember('/b/2026-03-08_accounts_V1.csv', [['two' as unknown as number, 'h', 'k']]);
    await expect(memory.lines!.repeats('/b/2026-03-08_accounts_V1.csv')).rejects.toThrow();
    expect(await memory.lines!.repeats('/b/2026-03-08_accounts_V1.csv')).toEqual([]);
  });

  it('lives in the session only: another connection of the pool sees none of it', async () => {
    const visible = async (on: Kysely<any>) => (await sql<{ t: string | null }>`select to_regclass('lead_etl_set_id')::text as t`.execute(on)).rows[0]!.t;
    expect(await visible(db)).not.toBeNull();
    if (kind === 'postgres') expect(await visible(fresh.database.db)).toBeNull();
  });
});

describe('the filter that flags the lines a file may repeat', () => {
  it('never says no to a text it was given, and rarely yes to one it was not', () => {
    const filter = new SeenFilter();
    const given = Array.from({ length: 200_000 }, (_, i) => `txn_${i.toString(36)}_${(i * 7919) % 1000}`);
    expect(given.filter((text) => filter.seen(text)).length).toBeLessThan(200);
    expect(given.every((text) => filter.seen(text))).toBe(true);
    expect(Array.from({ length: 10_000 }, (_, i) => `other_${i}`).filter((text) => filter.seen(text)).length).toBeLessThan(50);
  });
});
