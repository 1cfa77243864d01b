import { sql, type RawBuilder } from 'kysely';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/database.js';
import { isLeadEtlError } from '../../core/errors.js';
import { fileDateForInstant } from '../../core/file-date.js';
import {
  generateReferenceLedger, installReferenceLedgerSchema, type GenerateOptions,
} from '../../extract/reference-ledger/generate.js';
import { databaseKinds, freshDatabase, type DatabaseKind, type FreshDatabase } from '../support/databases.js';

const TABLES = [
  'customers', 'accounts', 'account_status_history', 'account_holders', 'balances', 'balance_status_history',
  'cards', 'event_types', 'ledger_entries', 'pending_entries',
] as const;

const OPTIONS: GenerateOptions = { days: 7, scale: 1, seed: 7 };

/** md5 of a whole table, rows as text in UTC, so two ledgers compare by value, on any engine. */
async function tableDigest(database: Database, table: string): Promise<string> {
  return database.db.transaction().execute(async (trx) => {
    await sql`set local time zone 'UTC'`.execute(trx);
    const { rows } = await sql<{ digest: string }>`
      select md5(coalesce(string_agg(t::text, E'\n' order by t::text collate "C"), '')) as digest
      from ${sql.table(`ledger.${table}`)} t`.execute(trx);
    return rows[0]!.digest;
  });
}

async function ledgerDigests(database: Database): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (const table of TABLES) digests[table] = await tableDigest(database, table);
  return digests;
}

function withDatabases(kind: DatabaseKind) {
  const opened: FreshDatabase[] = [];
  afterAll(async () => {
    for (const fresh of opened) await fresh.dispose();
  });
  return async function generated(options: GenerateOptions = OPTIONS) {
    const fresh = await freshDatabase(kind);
    opened.push(fresh);
    await installReferenceLedgerSchema(fresh.database);
    const summary = await generateReferenceLedger(fresh.database, options);
    return { database: fresh.database, summary };
  };
}

async function count(database: Database, query: RawBuilder<{ n: number }>): Promise<number> {
  const { rows } = await query.execute(database.db);
  return rows[0]!.n;
}

describe.each(databaseKinds)('generateReferenceLedger on %s', (kind) => {
  const generated = withDatabases(kind);
  let ledger: Awaited<ReturnType<typeof generated>>;
  beforeAll(async () => {
    ledger = await generated();
  });

  it('writes identical rows for the same seed and options, and other rows for another seed', async () => {
    const again = await generated();
    const other = await generated({ ...OPTIONS, seed: 8 });
    const digests = await ledgerDigests(ledger.database);
    expect(await ledgerDigests(again.database)).toEqual(digests);
    expect((await ledgerDigests(other.database)).ledger_entries).not.toBe(digests.ledger_entries);
    expect(again.summary).toEqual(ledger.summary);
  });

  it('reports what it wrote', async () => {
    const { database, summary } = ledger;
    const tableCount = (table: string) =>
      count(database, sql<{ n: number }>`select count(*)::int as n from ${sql.table(`ledger.${table}`)}`);
    expect(summary).toMatchObject({ firstActivityDate: '2026-03-05', lastActivityDate: '2026-03-11' });
    expect(summary.customers).toBeGreaterThanOrEqual(100);
    expect(summary.customers).toBeLessThan(110);
    expect({
      customers: await tableCount('customers'),
      accounts: await tableCount('accounts'),
      balances: await tableCount('balances'),
      cards: await tableCount('cards'),
      entries: await tableCount('ledger_entries'),
      pending: await tableCount('pending_entries'),
    }).toEqual({
      customers: summary.customers,
      accounts: summary.accounts,
      balances: summary.balances,
      cards: summary.cards,
      entries: summary.entries,
      pending: summary.pending,
    });
  });

  it('never lets a balance, its rewards or its accrued interest go below zero, at any instant', async () => {
    const negative = await count(ledger.database, sql<{ n: number }>`
      select count(*)::int as n from (
        select
          sum(case when t.lead_type = 'interest_accrued' then 0 else e.amount end) over w as balance,
          sum(coalesce(e.rewards_amount, 0)) over w as rewards,
          sum(case t.lead_type when 'interest_accrued' then e.amount when 'interest_paid' then -e.amount else 0 end) over w as accrued
        from ledger.ledger_entries e
        join ledger.event_types t on t.event_type = e.event_type
        window w as (partition by e.balance_id order by e.effective_at, e.entry_id collate "C")
      ) running
      where balance < 0 or rewards < 0 or accrued < 0`);
    expect(negative).toBe(0);
  });

  it('signs every amount as its event type says and keeps entries on active balances only', async () => {
    const wrongSign = await count(ledger.database, sql<{ n: number }>`
      select count(*)::int as n from ledger.ledger_entries e join ledger.event_types t on t.event_type = e.event_type
      where (t.direction = 'credit') <> (e.amount > 0)`);
    const onInactive = await count(ledger.database, sql<{ n: number }>`
      select count(*)::int as n from ledger.ledger_entries e
      cross join lateral (
        select h.status from ledger.balance_status_history h
        where h.balance_id = e.balance_id and h.changed_at <= e.effective_at
        order by h.changed_at desc limit 1
      ) s
      where s.status is distinct from 'active'`);
    expect(wrongSign).toBe(0);
    expect(onInactive).toBe(0);
  });

  it('empties a balance on one day and closes it on a later day with no activity in between', async () => {
    const { rows } = await sql<{ balance_id: string; closed_at: Date; total: string; last_entry_at: Date | null }>`
      select h.balance_id, h.changed_at as closed_at,
        (select coalesce(sum(e.amount), 0)::text from ledger.ledger_entries e
          join ledger.event_types t on t.event_type = e.event_type
          where e.balance_id = h.balance_id and t.lead_type <> 'interest_accrued') as total,
        (select max(e.effective_at) from ledger.ledger_entries e where e.balance_id = h.balance_id) as last_entry_at
      from ledger.balance_status_history h
      where h.status = 'closed'`.execute(ledger.database.db);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(Number(row.total)).toBe(0);
      if (row.last_entry_at) {
        const closedDay = fileDateForInstant(DateTime.fromJSDate(row.closed_at));
        expect(fileDateForInstant(DateTime.fromJSDate(row.last_entry_at)) < closedDay).toBe(true);
      }
    }
  });

  it('posts each settled credit later, under its pending id, with the same amount and settlement date', async () => {
    const { database } = ledger;
    const posted = await count(database, sql<{ n: number }>`
      select count(*)::int as n from ledger.pending_entries where posted_at is not null`);
    const mismatched = await count(database, sql<{ n: number }>`
      select count(*)::int as n
      from ledger.pending_entries p
      join ledger.ledger_entries e on e.entry_id = p.posted_entry_id
      where p.posted_entry_id <> p.pending_id or e.amount <> p.amount or e.effective_at <> p.posted_at
        or e.settlement_date <> p.settlement_date or (p.balance_id is not null and p.balance_id <> e.balance_id)
        or p.posted_at <= p.settled_at`);
    const unmatched = await count(database, sql<{ n: number }>`
      select count(*)::int as n from ledger.pending_entries where balance_id is null`);
    expect(posted).toBeGreaterThan(0);
    expect(mismatched).toBe(0);
    expect(unmatched).toBeGreaterThan(0);
  });

  it('refuses to generate over a ledger that holds data, and starts clean after a replace', async () => {
    const fresh = await generated({ ...OPTIONS, days: 1 });
    await expect(generateReferenceLedger(fresh.database, { ...OPTIONS, days: 1 })).rejects.toSatisfy((error) => isLeadEtlError(error, 'USAGE'));
    await installReferenceLedgerSchema(fresh.database);
    await installReferenceLedgerSchema(fresh.database, { replace: true });
    const again = await generateReferenceLedger(fresh.database, { ...OPTIONS, days: 1 });
    expect(again).toEqual(fresh.summary);
  });

  it('rejects options it cannot honour before touching the database', async () => {
    for (const bad of [{ days: 0 }, { days: 1.5 }, { scale: 0 }, { seed: 0.5 }, { firstActivityDate: '2026-02-30' }]) {
      await expect(generateReferenceLedger(ledger.database, { ...OPTIONS, ...bad })).rejects.toSatisfy((error) =>
        isLeadEtlError(error, 'USAGE') || isLeadEtlError(error, 'DATE_INVALID'));
    }
  });
});

describe.runIf(databaseKinds.includes('postgres'))('generateReferenceLedger across engines', () => {
  const onPglite = withDatabases('pglite');
  const onPostgres = withDatabases('postgres');

  it('writes the same rows on PGlite and on PostgreSQL', async () => {
    const [a, b] = [await onPglite(), await onPostgres()];
    expect(await ledgerDigests(b.database)).toEqual(await ledgerDigests(a.database));
  });
});
