import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyRows } from '../../core/database.js';
import { databaseKinds, freshDatabase, type FreshDatabase } from '../support/databases.js';

/** 100,000 lines of about 60 bytes: more than one of PGlite's COPY blobs (4 MB), in 64 KB chunks. */
async function* lines(count: number, bad?: number): AsyncGenerator<Buffer> {
  let text = '';
  for (let i = 1; i <= count; i += 1) {
    text += `${i}\tid_${String(i).padStart(10, '0')}\t${i === bad ? 'not a number' : String(i * 7)}\tsome text ünï ✓\n`;
    if (text.length > 65_536) {
      yield Buffer.from(text, 'utf8');
      text = '';
    }
  }
  if (text !== '') yield Buffer.from(text, 'utf8');
}

describe.each(databaseKinds)('copyRows on %s', (kind) => {
  let fresh: FreshDatabase;
  beforeAll(async () => {
    fresh = await freshDatabase(kind);
    await sql`create table copied (n integer primary key, id text not null, amount bigint not null, note text)`.execute(fresh.database.db);
  });
  afterAll(() => fresh?.dispose());

  const count = async () => Number((await sql<{ n: string }>`select count(*) as n from copied`.execute(fresh.database.db)).rows[0]!.n);

  it('loads every row inside the transaction, and nothing when it rolls back', async () => {
    await expect(fresh.database.db.transaction().execute(async (trx) => {
      await copyRows(trx, 'copied', ['n', 'id', 'amount', 'note'], lines(100_000));
      expect(Number((await sql<{ n: string }>`select count(*) as n from copied`.execute(trx)).rows[0]!.n)).toBe(100_000);
      throw new Error('roll back');
    })).rejects.toThrow('roll back');
    expect(await count()).toBe(0);

    await fresh.database.db.transaction().execute((trx) => copyRows(trx, 'copied', ['n', 'id', 'amount', 'note'], lines(100_000)));
    expect(await count()).toBe(100_000);
    const { rows } = await sql<{ id: string; amount: string; note: string }>`select id, amount::text as amount, note from copied where n in (1, 100000) order by n`.execute(fresh.database.db);
    expect(rows).toEqual([{ id: 'id_0000000001', amount: '7', note: 'some text ünï ✓' }, { id: 'id_0000100000', amount: '700000', note: 'some text ünï ✓' }]);
    await sql`truncate copied`.execute(fresh.database.db);
  });

  it('fails with the server\'s error on a bad row, loads nothing, and the database stays usable', async () => {
    await expect(fresh.database.db.transaction().execute((trx) => copyRows(trx, 'copied', ['n', 'id', 'amount', 'note'], lines(90_000, 85_000))))
      .rejects.toThrow(/invalid input syntax for type bigint/);
    expect(await count()).toBe(0);
  });
});
