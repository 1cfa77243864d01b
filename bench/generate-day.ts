import { CompiledQuery } from 'kysely';
import type { Database } from '../core/database.js';
import { activityWindow, type FileDate } from '../core/file-date.js';
import { installReferenceLedgerSchema } from '../reference-program/install-schema.js';

/**
 * One big activity day of the deposit profile, made set-based in SQL (generate_series) straight into the
 * reference ledger's schema, so the reference queries read it as they read a simulated ledger. A program's
 * launch day: every customer, account, balance and card opens in the day's first hour, then the day's
 * transactions post over the rest of it, so the date is Lead's Day 0 (no earlier file to roll forward from)
 * and every record of the date is new. `lead-etl seed` simulates people one by one and cannot reach 1M
 * entries in minutes; this can, on PostgreSQL and on PGlite alike.
 *
 * Sizes follow the issue's benchmark day: per N transactions, N/10 balances, N/20 customers, accounts and
 * cards (one of each per person), N/1000 settled but not yet posted entries, no settlement corrections.
 */
export interface DaySize {
  readonly transactions: number;
  readonly balances: number;
  readonly customers: number;
  readonly pending: number;
}

export function daySize(transactions: number): DaySize {
  if (!Number.isSafeInteger(transactions) || transactions < 20) throw new Error(`a bench day needs 20 or more transactions, got ${transactions}`);
  const customers = Math.floor(transactions / 20);
  return { transactions, balances: customers * 2, customers, pending: Math.max(1, Math.floor(transactions / 1000)) };
}

/** Rows the date's files carry: the seven deposit files, header lines not counted. */
export function rowsInDate(size: DaySize): number {
  return size.transactions + size.balances + size.customers * 3 + size.pending;
}

/**
 * Card, ATM and ACH traffic with the amount's sign from the balance's side (a purchase lowers it).
 * Card events name the card of the balance's account, so Lead's card rules (card_id, bin) hold.
 */
const EVENT_MIX = `(values
  (0, 'CARD_PURCHASE', -1, true), (1, 'CARD_PURCHASE', -1, true), (2, 'CARD_PURCHASE', -1, true), (3, 'CARD_REFUND', 1, true),
  (4, 'ATM_WITHDRAWAL', -1, true), (5, 'ACH_DEPOSIT', 1, false), (6, 'ACH_WITHDRAWAL', -1, false),
  (7, 'P2P_SEND', -1, false), (8, 'P2P_RECEIVE', 1, false), (9, 'WIRE_IN', 1, false)
) as k(slot, event_type, sign, card)`;

export async function generateBenchDay(database: Database, fileDate: FileDate, size: DaySize): Promise<void> {
  const window = activityWindow(fileDate);
  const start = `'${window.start.toUTC().toISO()}'::timestamptz`;
  const day = `'${window.activityDate}'::date`;
  const { customers: c, balances: b, transactions: n, pending: p } = size;
  const id = (prefix: string, value: string, width: number) => `'${prefix}_' || lpad((${value})::text, ${width}, '0')`;
  // Person i onboards at `opened(i)` within the first hour; accounts, balances and cards open a minute later.
  const opened = (i: string) => `${start} + make_interval(secs => (${i}) * 3000.0 / ${c} + 60)`;

  await installReferenceLedgerSchema(database);
  const statements = [
    `insert into ledger.customers (customer_id, kind, intended_roles, first_name, last_name, date_of_birth, occupation, created_at)
     select ${id('cus', 'i', 8)}, 'individual', '{account_holder}', (array['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara'])[1 + i % 5],
            'Bench' || i, date '1960-01-01' + (i % 15000), 'engineer', ${start} + make_interval(secs => i * 3000.0 / ${c})
     from generate_series(1, ${c}) i`,
    `insert into ledger.accounts (account_id, product_name, currency, holder_type, opened_at)
     select ${id('acc', 'i', 8)}, 'Everyday Checking', 'USD', 'consumer', ${opened('i')} from generate_series(1, ${c}) i`,
    `insert into ledger.account_status_history (account_id, changed_at, status, status_reason)
     select account_id, opened_at, 'active', 'active' from ledger.accounts`,
    `insert into ledger.account_party_history (account_id, customer_id, role, changed_at, status)
     select account_id, 'cus_' || substr(account_id, 5), 'holder', opened_at, 'active' from ledger.accounts`,
    `insert into ledger.balances (balance_id, account_id, name, type, currency, created_at)
     select ${id('bal', 'j', 8)}, ${id('acc', '(j + 1) / 2', 8)}, case when j % 2 = 1 then 'Checking' else 'Savings' end, 'deposit', 'USD', ${opened('(j + 1) / 2')}
     from generate_series(1, ${b}) j`,
    `insert into ledger.balance_status_history (balance_id, changed_at, status, status_reason)
     select balance_id, created_at, 'active', 'active' from ledger.balances`,
    `insert into ledger.cards (card_id, account_id, customer_id, product_name, card_type, bin, last4, is_virtual, issued_at, activated_at, expires_on)
     select ${id('crd', 'i', 8)}, ${id('acc', 'i', 8)}, ${id('cus', 'i', 8)}, 'Everyday Debit', 'consumer', '412345', lpad((i % 10000)::text, 4, '0'),
            i % 3 = 0, ${opened('i')}, ${opened('i')}, date '2030-03-31'
     from generate_series(1, ${c}) i`,
    `insert into ledger.card_status_history (card_id, changed_at, status)
     select card_id, issued_at, 'active' from ledger.cards`,
    // Entry g posts on balance ((g - 1) mod B) + 1, from the day's third hour to its end, in id order.
    `insert into ledger.ledger_entries (entry_id, balance_id, event_type, amount, currency, effective_at, settlement_date, card_id, recorded_at, description)
     select ${id('txn', 'g', 10)}, ${id('bal', 'x.b', 8)}, k.event_type, k.sign * ((g::bigint * 7919) % 50000 + 1) / 100.0, 'USD',
            x.t, ${day}, case when k.card then ${id('crd', '(x.b + 1) / 2', 8)} end, x.t, k.event_type
     from generate_series(1, ${n}) g
     cross join lateral (select (g - 1) % ${b} + 1 as b, ${start} + make_interval(secs => 7200 + (g - 1) * (79000.0 / ${n})) as t) x
     join ${EVENT_MIX} on k.slot = g % 10`,
    `insert into ledger.pending_entries (pending_id, balance_id, event_type, amount, currency, settled_at, settlement_date, reconciliation_note, description)
     select ${id('txn', `${n} + g`, 10)}, ${id('bal', `(g - 1) % ${b} + 1`, 8)}, 'ACH_DEPOSIT', ((g::bigint * 131) % 90000 + 100) / 100.0, 'USD',
            ${start} + make_interval(secs => 3600 + g % 80000), ${day}, 'awaiting the payroll file', 'Payroll'
     from generate_series(1, ${p}) g`,
  ];
  await database.db.transaction().execute(async (trx) => {
    // The rows are consistent by construction; skipping the per-row foreign-key triggers makes 1M entries
    // a matter of seconds. CHECK constraints still run on every row.
    await trx.executeQuery(CompiledQuery.raw('set local session_replication_role = replica'));
    for (const statement of statements) await trx.executeQuery(CompiledQuery.raw(statement));
  });
  await database.db.executeQuery(CompiledQuery.raw('analyze'));
}
