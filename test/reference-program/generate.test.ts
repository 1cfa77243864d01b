import { sql, type RawBuilder } from 'kysely';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/database.js';
import { isLeadEtlError } from '../../core/errors.js';
import { activityWindow, fileDateForInstant } from '../../core/file-date.js';
import { checkEventTypeMap, loadEventTypeMap } from '../../reference-program/event-type-map.js';
import { EVENT_TYPES } from '../../reference-program/event-types.js';
import {
  generateReferenceLedger, installReferenceLedgerSchema, REFERENCE_PROGRAMS, type GenerateOptions, type ReferenceProgram,
} from '../../reference-program/generate.js';
import { TABLES_IN_INSERT_ORDER } from '../../reference-program/ledger-rows.js';
import { databaseKinds, freshDatabase, ledgerDatabase, type DatabaseKind, type FreshDatabase } from '../support/databases.js';

const TABLES = [...TABLES_IN_INSERT_ORDER, 'event_types'] as const;

const OPTIONS: GenerateOptions = { days: 7, scale: 1, seed: 7 };
const PROGRAMS: readonly ReferenceProgram[] = REFERENCE_PROGRAMS;

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
  const keep = (fresh: FreshDatabase) => {
    opened.push(fresh);
    return fresh.database;
  };
  return {
    /** An empty database. */
    empty: async () => keep(await freshDatabase(kind)),
    /** Generated once per run with these options, in the template builder's process, and cloned. */
    cloned: async (options: GenerateOptions = OPTIONS) => keep(await ledgerDatabase(kind, options)),
    /** The same, with the summary generateReferenceLedger returned when it generated the template. */
    async clonedWithSummary(options: GenerateOptions = OPTIONS) {
      const fresh = await ledgerDatabase(kind, options);
      keep(fresh);
      return { database: fresh.database, summary: fresh.generated! };
    },
  };
}

async function count(database: Database, query: RawBuilder<{ n: number }>): Promise<number> {
  const { rows } = await query.execute(database.db);
  return rows[0]!.n;
}

/** Generates into `database` from scratch (the ledger schema replaced) and digests what it wrote. */
async function digestsOf(database: Database, options: GenerateOptions) {
  await installReferenceLedgerSchema(database, { replace: true });
  const summary = await generateReferenceLedger(database, options);
  return { summary, digests: await ledgerDigests(database) };
}

/** Running sums per balance in entry order; `where` names the rows that break the rule. */
const RUNNING = sql`
  select
    e.balance_id, b.type,
    sum(e.amount * t.balance_effect) over w as balance,
    sum(coalesce(e.rewards_amount, 0)) over w as rewards,
    sum(e.amount * t.accrued_interest_effect) over w as accrued,
    sum(coalesce(e.principal_amount, 0)) over w as principal,
    sum(coalesce(e.interest_amount, 0)) over w as interest,
    sum(coalesce(e.fee_amount, 0)) over w as fees
  from ledger.ledger_entries e
  join ledger.event_types t on t.event_type = e.event_type
  join ledger.balances b on b.balance_id = e.balance_id
  window w as (partition by e.balance_id order by e.effective_at, e.entry_id collate "C")`;

describe.each(databaseKinds)('generateReferenceLedger on %s', (kind) => {
  const { empty, cloned, clonedWithSummary } = withDatabases(kind);
  let ledger: Awaited<ReturnType<typeof clonedWithSummary>>;
  beforeAll(async () => {
    ledger = await clonedWithSummary({ ...OPTIONS, program: 'all' });
  });

  it.each(PROGRAMS)('writes identical rows for the same seed and options, and other rows for another seed (%s)', async (program) => {
    // Four days reach every kind of day of both programs (launch, credit opening, reviews decided).
    const options: GenerateOptions = { ...OPTIONS, days: 4, program };
    // The first generation ran in another process (the template builder's), into another database.
    const first = await ledgerDigests(await cloned(options));
    const database = await empty();
    const again = await digestsOf(database, options);
    const other = await digestsOf(database, { ...options, seed: 8 });
    expect(again.digests).toEqual(first);
    expect(other.digests.ledger_entries).not.toBe(first.ledger_entries);
    expect(again.summary.program).toBe(program);
    expect(other.summary).not.toEqual(again.summary);
  });

  it('generates each program of an \'all\' ledger as it generates it alone, ids apart', async () => {
    const movements = async (database: Database, product: string) => {
      const { rows } = await sql<{ t: string }>`
        select string_agg(concat_ws('|', e.event_type, e.amount, e.principal_amount, e.effective_at, e.settlement_date, e.description), E'\n'
          order by e.effective_at, e.event_type, e.amount, e.description) as t
        from ledger.ledger_entries e join ledger.event_types t on t.event_type = e.event_type
        where t.product = ${product} and not (e.event_type like 'SECURITY_DEPOSIT%')`.execute(database.db);
      return rows[0]!.t;
    };
    const alone = { deposit: await cloned(OPTIONS), credit: await cloned({ ...OPTIONS, program: 'credit' }) };
    const rows = (database: Database, table: string) => count(database, sql<{ n: number }>`select count(*)::int as n from ${sql.table(`ledger.${table}`)}`);
    expect(await movements(ledger.database, 'deposit')).toBe(await movements(alone.deposit, 'deposit'));
    expect(await movements(ledger.database, 'credit')).toBe(await movements(alone.credit, 'credit'));
    expect(ledger.summary.customers).toBe(await rows(alone.deposit, 'customers') + await rows(alone.credit, 'customers'));
    expect(ledger.summary.entries).toBe(await rows(alone.deposit, 'ledger_entries') + await rows(alone.credit, 'ledger_entries'));
  });

  it('reports what it wrote', async () => {
    const { database, summary } = ledger;
    const tableCount = (table: string) =>
      count(database, sql<{ n: number }>`select count(*)::int as n from ${sql.table(`ledger.${table}`)}`);
    expect(summary).toMatchObject({ program: 'all', firstActivityDate: '2026-03-05', lastActivityDate: '2026-03-11' });
    expect(summary.customers).toBeGreaterThanOrEqual(200);
    expect(summary.customers).toBeLessThan(260);
    expect({
      customers: await tableCount('customers'),
      applications: await tableCount('applications'),
      accounts: await tableCount('accounts'),
      balances: await tableCount('balances'),
      cards: await tableCount('cards'),
      entries: await tableCount('ledger_entries'),
      pending: await tableCount('pending_entries'),
    }).toEqual({
      customers: summary.customers,
      applications: summary.applications,
      accounts: summary.accounts,
      balances: summary.balances,
      cards: summary.cards,
      entries: summary.entries,
      pending: summary.pending,
    });
  });

  it('keeps the event vocabulary in step: the generator, ledger.event_types and event-type-map.json', async () => {
    const { rows } = await sql<{ event_type: string; product: string; direction: string }>`
      select event_type, product, direction from ledger.event_types order by event_type`.execute(ledger.database.db);
    expect(Object.fromEntries(rows.map((row) => [row.event_type, { product: row.product, direction: row.direction }]))).toEqual(EVENT_TYPES);
    const map = await loadEventTypeMap();
    expect(Object.keys(map).sort()).toEqual(Object.keys(EVENT_TYPES).sort());
    expect(checkEventTypeMap(map)).toEqual([]);
    expect(checkEventTypeMap({ X: { type: 'fee', transfer_type: 'ach', fee_type: null, action: 'applied' } })).toEqual(['X: fee_type goes with type fee, and only with it']);
    // The ledger speaks only its own vocabulary.
    const { rows: columns } = await sql<{ column_name: string }>`
      select column_name from information_schema.columns where table_schema = 'ledger' and table_name = 'event_types'`.execute(ledger.database.db);
    expect(columns.map((c) => c.column_name).filter((name) => name.startsWith('lead_'))).toEqual([]);
  });

  it('never lets a balance, its rewards, its accrued interest or any part of what a card owes go below zero, at any instant', async () => {
    const negative = await count(ledger.database, sql<{ n: number }>`
      select count(*)::int as n from (${RUNNING}) running
      where balance < 0 or rewards < 0 or accrued < 0 or principal < 0 or interest < 0 or fees < 0`);
    const unbalanced = await count(ledger.database, sql<{ n: number }>`
      select count(*)::int as n from (${RUNNING}) running where type = 'credit' and balance <> principal + interest + fees`);
    const credit = await count(ledger.database, sql<{ n: number }>`select count(*)::int as n from (${RUNNING}) running where type = 'credit'`);
    expect(negative).toBe(0);
    expect(unbalanced).toBe(0);
    expect(credit).toBeGreaterThan(100);
  });

  it('signs every amount as its event type says, splits only credit entries, and keeps entries on active balances only', async () => {
    const wrongSign = await count(ledger.database, sql<{ n: number }>`
      select count(*)::int as n from ledger.ledger_entries e join ledger.event_types t on t.event_type = e.event_type
      where ((t.product = 'deposit') = (t.direction = 'credit')) <> (e.amount > 0)`);
    const wrongProduct = await count(ledger.database, sql<{ n: number }>`
      select count(*)::int as n from ledger.ledger_entries e
      join ledger.event_types t on t.event_type = e.event_type
      join ledger.balances b on b.balance_id = e.balance_id
      where t.product <> (case when b.type = 'credit' then 'credit' else 'deposit' end)
        or (b.type = 'credit') <> (e.principal_amount is not null)`);
    const onInactive = await count(ledger.database, sql<{ n: number }>`
      select count(*)::int as n from ledger.ledger_entries e
      cross join lateral (
        select h.status from ledger.balance_status_history h
        where h.balance_id = e.balance_id and h.changed_at <= e.effective_at
        order by h.changed_at desc limit 1
      ) s
      where s.status is distinct from 'active'`);
    expect([wrongSign, wrongProduct, onInactive]).toEqual([0, 0, 0]);
  });

  it('empties a balance on one day and closes it on a later day with no activity in between', async () => {
    const { rows } = await sql<{ balance_id: string; closed_at: Date; total: string; last_entry_at: Date | null }>`
      select h.balance_id, h.changed_at as closed_at,
        (select coalesce(sum(e.amount * t.balance_effect), 0)::text from ledger.ledger_entries e
          join ledger.event_types t on t.event_type = e.event_type
          where e.balance_id = h.balance_id) as total,
        (select max(e.effective_at) from ledger.ledger_entries e where e.balance_id = h.balance_id) as last_entry_at
      from ledger.balance_status_history h
      where h.status = 'closed'`.execute(ledger.database.db);
    expect(rows.length).toBeGreaterThan(3);
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

  it('records a few card purchases a day or more late, and corrects a few settlement dates on a later day', async () => {
    const { rows: late } = await sql<{ entry_id: string; event_type: string; effective_at: Date; recorded_at: Date }>`
      select entry_id, event_type, effective_at, recorded_at from ledger.ledger_entries where recorded_at <> effective_at`.execute(ledger.database.db);
    expect(late.length).toBeGreaterThan(0);
    for (const entry of late) {
      expect(entry.event_type).toBe('CARD_PURCHASE');
      const window = activityWindow(fileDateForInstant(DateTime.fromJSDate(entry.effective_at)));
      expect(DateTime.fromJSDate(entry.recorded_at) >= window.end, entry.entry_id).toBe(true);
    }
    const { rows: corrections } = await sql<{ entry_id: string; event_type: string; corrected_at: Date; effective_at: Date; old_date: string; new_date: string }>`
      select c.entry_id, e.event_type, c.corrected_at, e.effective_at, e.settlement_date as old_date, c.settlement_date as new_date
      from ledger.settlement_corrections c join ledger.ledger_entries e on e.entry_id = c.entry_id`.execute(ledger.database.db);
    expect(corrections.length).toBeGreaterThan(0);
    for (const correction of corrections) {
      expect(['ACH_WITHDRAWAL', 'WIRE_IN']).toContain(correction.event_type);
      expect(correction.new_date > correction.old_date).toBe(true);
      expect(fileDateForInstant(DateTime.fromJSDate(correction.corrected_at)) > fileDateForInstant(DateTime.fromJSDate(correction.effective_at))).toBe(true);
    }
  });

  it('opens the card program the day after the first activity day, so its Day 0 files hold only headers', async () => {
    const { rows } = await sql<{ first: Date }>`
      select least(min(a.created_at), min(e.effective_at)) as first
      from ledger.applications a, ledger.ledger_entries e join ledger.balances b on b.balance_id = e.balance_id
      where b.type = 'credit'`.execute(ledger.database.db);
    expect(fileDateForInstant(DateTime.fromJSDate(rows[0]!.first)) > '2026-03-06').toBe(true);
  });

  it('refuses to generate over a ledger that holds data, and starts clean after a replace', async () => {
    const database = await cloned({ ...OPTIONS, days: 1 });
    const before = await ledgerDigests(database);
    await expect(generateReferenceLedger(database, { ...OPTIONS, days: 1 })).rejects.toSatisfy((error) => isLeadEtlError(error, 'USAGE'));
    expect(await ledgerDigests(database)).toEqual(before);
    await installReferenceLedgerSchema(database);
    await installReferenceLedgerSchema(database, { replace: true });
    const again = await generateReferenceLedger(database, { ...OPTIONS, days: 1 });
    expect(again).toMatchObject({ customers: await count(database, sql<{ n: number }>`select count(*)::int as n from ledger.customers`) });
    expect(await ledgerDigests(database)).toEqual(before);
  });

  it('rejects options it cannot honour before touching the database', async () => {
    const bad: Partial<GenerateOptions>[] = [
      { days: 0 }, { days: 1.5 }, { scale: 0 }, { seed: 0.5 }, { firstActivityDate: '2026-02-30' }, { program: 'loans' as ReferenceProgram },
    ];
    for (const options of bad) {
      await expect(generateReferenceLedger(ledger.database, { ...OPTIONS, ...options })).rejects.toSatisfy((error) =>
        isLeadEtlError(error, 'USAGE') || isLeadEtlError(error, 'DATE_INVALID'));
    }
  });
});

describe.runIf(databaseKinds.includes('postgres'))('generateReferenceLedger across engines', () => {
  const onPglite = withDatabases('pglite');
  const onPostgres = withDatabases('postgres');

  it('writes the same rows on PGlite and on PostgreSQL', async () => {
    const options: GenerateOptions = { ...OPTIONS, program: 'all' };
    const [a, b] = [await onPglite.cloned(options), await onPostgres.cloned(options)];
    expect(await ledgerDigests(b)).toEqual(await ledgerDigests(a));
  });
});
