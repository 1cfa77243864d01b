import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { createSetMemoryTables, dropSetMemoryTables, KnownIds, tableSetMemory } from '../../load/state/set-memory-tables.js';
import { memorySetMemory, type SetMemory } from '../../transform/validation/set-memory.js';
import type { FileTypeId } from '../../transform/file-types/registry.js';
import { databaseKinds, freshDatabase, type FreshDatabase } from '../support/databases.js';

const sorted = (answer: ReadonlyMap<FileTypeId, ReadonlySet<string>>) => [...answer].map(([type, ids]) => [type, [...ids].sort()] as const).sort();
const ask = (wanted: Record<string, string[]>) => new Map(Object.entries(wanted).map(([type, ids]) => [type as FileTypeId, new Set(ids)]));

describe('the ids the pre-flight remembers the set to know', () => {
  it('answers what it was given, by type', () => {
    const known = new KnownIds(10);
    known.add('accounts', 'acc_1');
    known.add('accounts', 'acc_1');
    expect(known.has('accounts', 'acc_1')).toBe(true);
    expect(known.has('cards', 'acc_1')).toBe(false);
    expect(known.has('accounts', 'acc_2')).toBe(false);
    expect(known.size).toBe(1);
  });

  it('never holds more than its cap, starting over when full', () => {
    const known = new KnownIds(3);
    for (let i = 0; i < 10; i++) {
      known.add(i % 2 === 0 ? 'balances' : 'cards', `id_${i}`);
      expect(known.size).toBeLessThanOrEqual(3);
    }
    // The last ids added are the ones kept: 9 started over after 6, 7, 8.
    expect(known.has('cards', 'id_9')).toBe(true);
    expect(known.has('balances', 'id_8')).toBe(false);
    const none = new KnownIds(0);
    none.add('cards', 'id_1');
    expect(none.has('cards', 'id_1')).toBe(false);
    expect(none.size).toBe(0);
  });
});

/**
 * The set's ids answered from the process once the table has said yes: the same answers as the table
 * alone, an id that becomes known later included, within the cap.
 */
describe.each(databaseKinds)('unknownIds of the pre-flight memory in temporary tables on %s', (kind) => {
  let fresh: FreshDatabase;
  beforeAll(async () => {
    fresh = await freshDatabase(kind);
  });
  afterAll(async () => {
    await fresh?.dispose();
  });
  // Temporary tables are one session's: each test holds one connection, as the pipeline does, on tables of its own.
  const onOneSession = (test: (db: Kysely<any>) => Promise<void>) => async () => {
    await fresh.database.db.connection().execute(async (db) => {
      await createSetMemoryTables(db);
      try {
        await test(db);
      } finally {
        await dropSetMemoryTables(db);
      }
    });
  };

  it.each([0, 2, 250_000])('answers as the in-memory memory does while ids become known, with a cap of %i', (cap) => onOneSession(async (db) => {
    const memories: SetMemory[] = [tableSetMemory(db, { knownIdCap: cap }), memorySetMemory()];
    const answers = memories.map(() => [] as unknown[]);
    for (const [m, memory] of memories.entries()) {
      await memory.rememberIds('balances', ['bal_1', 'bal_2'], '2026-03-06');
      answers[m]!.push(sorted(await memory.unknownIds(ask({ balances: ['bal_1', 'bal_2', 'bal_3'], cards: ['bal_1', 'card_1'] }))));
      // Asked again: the yeses now come from the process, the noes from the table.
      answers[m]!.push(sorted(await memory.unknownIds(ask({ balances: ['bal_2', 'bal_1', 'bal_3'], cards: ['card_1'] }))));
      await memory.rememberIds('balances', ['bal_3'], '2026-03-06');
      await memory.rememberIds('cards', ['card_1'], '2026-03-06');
      answers[m]!.push(sorted(await memory.unknownIds(ask({ balances: ['bal_3', 'bal_1', 'bal_4'], cards: ['card_1', 'bal_1'] }))));
      const produced = memory.produced;
      if (produced) {
        await produced.remember('/files/cards.csv', [['card_2', 1], ['card_3', 2]]);
        await produced.publish('/files/cards.csv', 'cards', '2026-03-06');
      } else {
        await memory.rememberIds('cards', ['card_2', 'card_3'], '2026-03-06');
      }
      answers[m]!.push(sorted(await memory.unknownIds(ask({ cards: ['card_3', 'card_2', 'card_1', 'card_9'] }))));
      answers[m]!.push(sorted(await memory.unknownIds(ask({ cards: ['card_3', 'card_2', 'card_1'], balances: ['bal_1', 'bal_2', 'bal_3'] }))));
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]).toEqual([
      [['balances', ['bal_3']], ['cards', ['bal_1', 'card_1']]],
      [['balances', ['bal_3']], ['cards', ['card_1']]],
      [['balances', ['bal_4']], ['cards', ['bal_1']]],
      [['cards', ['card_9']]],
      [],
    ]);
  })());

  // Rows taken from the table behind the memory's back show which yeses it kept: never a no, at most the cap.
  it('keeps only yeses, at most its cap of them', onOneSession(async (db) => {
    const memory = tableSetMemory(db, { knownIdCap: 3 });
    const ids = ['bal_1', 'bal_2', 'bal_3', 'bal_4', 'bal_5'];
    await memory.rememberIds('balances', ids, '2026-03-06');
    expect(sorted(await memory.unknownIds(ask({ balances: [...ids, 'bal_9'] })))).toEqual([['balances', ['bal_9']]]);
    await sql`delete from lead_etl_set_id`.execute(db);
    await memory.rememberIds('balances', ['bal_9'], '2026-03-06');
    const after = await memory.unknownIds(ask({ balances: [...ids, 'bal_9'] }));
    const stillKnown = ids.filter((id) => !after.get('balances')?.has(id));
    expect(stillKnown.length).toBeGreaterThan(0);
    expect(stillKnown.length).toBeLessThanOrEqual(3);
    expect(after.get('balances')?.has('bal_9')).toBe(false);
  }));

  it('asks the table again for every id with a cap of 0', onOneSession(async (db) => {
    const memory = tableSetMemory(db, { knownIdCap: 0 });
    await memory.rememberIds('balances', ['bal_1'], '2026-03-06');
    expect(await memory.unknownIds(ask({ balances: ['bal_1'] }))).toEqual(new Map());
    await sql`delete from lead_etl_set_id`.execute(db);
    expect(sorted(await memory.unknownIds(ask({ balances: ['bal_1'] })))).toEqual([['balances', ['bal_1']]]);
  }));

  it('answers the versions and facts of a type nothing wrote yet without asking its tables, the others from them', onOneSession(async (db) => {
    const memory = tableSetMemory(db);
    const inMemory = memorySetMemory();
    const version = { at: 1000, atText: 'a', terminal: false, hash: 'h1', where: 'the file dated 2026-03-06' };
    const fact = { values: { type: 'deposit' }, terminal: false, fileDate: '2026-03-06', where: 'w', complete: true };
    // Rows put in behind the memory's back: it does not read a table for what it never wrote.
    await sql`insert into lead_etl_set_version (type, key, seq, version) values ('accounts', 'acc_1', 0, ${JSON.stringify(version)})`.execute(db);
    await sql`insert into lead_etl_set_fact (kind, id, seq, fact) values ('balances', 'bal_1', 0, ${JSON.stringify(fact)})`.execute(db);
    for (const each of [memory, inMemory]) {
      expect(await each.versions('accounts', ['acc_1'])).toEqual(new Map());
      expect(await each.facts('balances', ['bal_1'])).toEqual(new Map());
      await each.rememberVersions('accounts', []);
      await each.rememberFacts('balances', []);
      expect(await each.versions('accounts', ['acc_1'])).toEqual(new Map());
      await each.rememberVersions('accounts', [['acc_2', version]]);
      await each.rememberFacts('balances', [['bal_2', fact]]);
      expect(await each.versions('accounts', ['acc_2', 'acc_9'])).toEqual(new Map([['acc_2', version]]));
      expect(await each.facts('balances', ['bal_2', 'bal_9'])).toEqual(new Map([['bal_2', fact]]));
      expect(await each.versions('cards', ['acc_2'])).toEqual(new Map());
      expect(await each.facts('customers' as never, ['bal_2'])).toEqual(new Map());
    }
  }));
});
