import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { parseFileDate } from '../../core/file-date.js';
import { acknowledgeDate } from '../../jobs/acknowledge-date.js';
import { runFileDate } from '../../jobs/run-file-date.js';
import { filesForDate } from '../../load/state/state-store.js';
import { openLateEntries } from '../../load/state/submitted-records.js';
import { databaseKinds } from '../support/databases.js';
import { startPipeline, type PipelineFixture } from '../support/pipeline.js';

/**
 * The four submission rules on a small ledger whose every change the test makes by hand, day by day:
 * accounts (full-overwrite), balances (daily snapshot) and transactions (new-only).
 */
const D = ['2026-04-01', '2026-04-02', '2026-04-03', '2026-04-04', '2026-04-05'].map((d) => parseFileDate(d));
const at = (fileDate: string, time = '12:00') => `${new Date(new Date(`${fileDate}T00:00:00Z`).getTime() - 86_400_000).toISOString().slice(0, 10)} ${time}:00-05`;

const QUERIES: Record<string, string> = {
  'accounts.sql': `
    select a.id as client_account_id, null as application_id, 'consumer' as account_holder_type,
           array[a.holder] as account_holders, null::text[] as authorized_signers, null::text[] as authorized_users,
           'USD' as currency, a.product as client_product_name, a.status, a.status_reason,
           null as aan_delivered_at, null as aan_reason, null as aan_delivery_method, null as credit_pulled_at,
           null as credit_score, null as credit_report_source, null as credit_limit, null as max_credit_limit,
           null as available_credit, a.changed_at as effective_at
    from mini.accounts a where a.opened_at < :window_end order by a.id`,
  'balances.sql': `
    select b.account_id, b.id as client_balance_id, null as id, 'Checking' as client_balance_name,
           null as client_settlement_bank_account_id, b.created_at, b.status, b.status_reason, 'deposit' as type,
           coalesce((select sum(t.amount) from mini.entries t where t.balance_id = b.id and t.at < :window_end), 0) as balance,
           null as rewards_balance, null as interest_accrued_balance, null as dispute_balance, null as charge_off_balance,
           null as past_due_balance, null as outstanding_principal, null as outstanding_interest, null as outstanding_fees,
           :as_of::timestamptz as effective_at
    from mini.balances b where b.created_at < :window_end and b.status <> 'closed' order by b.id`,
  'transactions.sql': `
    select t.id as client_transaction_id, t.balance_id, null as card_id, null as client_settlement_group_id,
           null as client_settlement_bank_account_id, null as bin, t.amount, null as amount_in_usd, 'USD' as currency,
           null as principal_amount, null as fee_amount, null as interest_amount, null as rewards_amount,
           'credit' as type, null as fee_type, 'applied' as action, 'ach' as transfer_type, t.at::date as settlement_date,
           t.at as effective_at
    from mini.entries t where t.at >= :window_start and t.at < :window_end order by t.id`,
};

async function installMini(db: Kysely<any>) {
  for (const statement of [
    'create schema mini',
    `create table mini.accounts (id text primary key, holder text not null, product text not null, status text not null,
       status_reason text not null, opened_at timestamptz not null, changed_at timestamptz not null)`,
    `create table mini.balances (id text primary key, account_id text not null, status text not null, status_reason text not null, created_at timestamptz not null)`,
    `create table mini.entries (id text primary key, balance_id text not null, amount numeric not null, at timestamptz not null)`,
  ]) await sql.raw(statement).execute(db);
}

describe.each(databaseKinds)('submission rules on %s', (kind) => {
  let pipeline: PipelineFixture | undefined;
  afterEach(async () => {
    await pipeline?.dispose();
    pipeline = undefined;
  });

  async function start() {
    pipeline = await startPipeline(kind, { days: 1, config: { program: { firstFileDate: D[0]!, fileTypes: ['accounts', 'balances', 'transactions'] } } });
    const dir = join(pipeline.dir, 'queries');
    mkdirSync(dir);
    for (const [name, text] of Object.entries(QUERIES)) writeFileSync(join(dir, name), text);
    const ctx = { ...pipeline.ctx, config: { ...pipeline.ctx.config, queries: { ...pipeline.ctx.config.queries, dir } } };
    await installMini(ctx.ledger.db);
    return ctx;
  }

  async function sendDay(ctx: PipelineFixture['ctx'], index: number) {
    const result = await runFileDate(ctx, D[index]!);
    expect(result.outcome, result.message).toBe('ok');
    await acknowledgeDate(ctx.state, pipeline!.clock, D[index]!, { outcome: 'validated', source: 'test' });
    return result;
  }

  const rowsOf = (result: Awaited<ReturnType<typeof runFileDate>>, fileType: string) => {
    const file = result.built.find((f) => f.fileType === fileType)!;
    return parse(readFileSync(file.archivePath, 'utf8'), { delimiter: '|', columns: true }) as Record<string, string>[];
  };

  it('full-overwrite: an unchanged record is not re-sent, a changed one is re-sent whole with a later effective_at, a closed one never comes back', async () => {
    const ctx = await start();
    const db = ctx.ledger.db;
    await sql`insert into mini.accounts values ('acc_1', 'cus_1', 'Everyday', 'active', 'active', ${at(D[0]!, '09:00')}, ${at(D[0]!, '09:00')}),
                                              ('acc_2', 'cus_2', 'Everyday', 'active', 'active', ${at(D[0]!, '10:00')}, ${at(D[0]!, '10:00')})`.execute(db);
    const day0 = await sendDay(ctx, 0);
    expect(rowsOf(day0, 'accounts').map((r) => r.client_account_id)).toEqual(['acc_1', 'acc_2']);

    const day1 = await sendDay(ctx, 1);
    expect(rowsOf(day1, 'accounts')).toEqual([]);
    expect(day1.notices.find((n) => n.fileType === 'accounts')?.unchanged).toBe(2);

    await sql`update mini.accounts set status = 'inactive', status_reason = 'frozen', changed_at = ${at(D[2]!, '15:30')} where id = 'acc_1'`.execute(db);
    const day2 = await sendDay(ctx, 2);
    const [frozen] = rowsOf(day2, 'accounts');
    expect(frozen).toMatchObject({ client_account_id: 'acc_1', status: 'inactive', status_reason: 'frozen', account_holders: '["cus_1"]', client_product_name: 'Everyday', currency: 'USD' });
    expect(Date.parse(frozen!.effective_at!)).toBeGreaterThan(Date.parse(rowsOf(day0, 'accounts')[0]!.effective_at!));

    // A change the ledger does not date (the product renamed, changed_at untouched) is stamped with the end of T-1.
    await sql`update mini.accounts set product = 'Everyday Plus' where id = 'acc_2'`.execute(db);
    await sql`update mini.accounts set status = 'closed', status_reason = 'client_closed', changed_at = ${at(D[3]!, '08:00')} where id = 'acc_1'`.execute(db);
    const day3 = await sendDay(ctx, 3);
    expect(rowsOf(day3, 'accounts').map((r) => [r.client_account_id, r.status, r.effective_at])).toEqual([
      ['acc_1', 'closed', '2026-04-03T08:00:00-05:00'],
      ['acc_2', 'active', '2026-04-03T23:59:59-05:00'],
    ]);

    await sql`update mini.accounts set product = 'Renamed after closing', changed_at = ${at(D[4]!, '08:00')} where id = 'acc_1'`.execute(db);
    const day4 = await sendDay(ctx, 4);
    expect(rowsOf(day4, 'accounts')).toEqual([]);
    expect(day4.notices.find((n) => n.fileType === 'accounts')).toMatchObject({ terminalSkipped: 1, examples: ['acc_1'] });
  });

  it('new-only: an entry is sent once, never again when the date is run again or the entry moves, and a late entry is reported, not slipped in', async () => {
    const ctx = await start();
    const db = ctx.ledger.db;
    await sql`insert into mini.balances values ('bal_1', 'acc_1', 'active', 'active', ${at(D[0]!, '08:00')})`.execute(db);
    await sql`insert into mini.entries values ('txn_1', 'bal_1', 100, ${at(D[0]!, '09:00')}), ('txn_2', 'bal_1', -25.5, ${at(D[0]!, '10:00')})`.execute(db);
    const day0 = await sendDay(ctx, 0);
    expect(rowsOf(day0, 'transactions').map((r) => r.client_transaction_id)).toEqual(['txn_1', 'txn_2']);

    // Running the same date again (a backfill over it) sends nothing.
    const again = await runFileDate(ctx, D[0]!);
    expect(again.built).toEqual([]);
    expect(again.uploaded).toEqual([]);

    // The ledger moves txn_2 into the next day and adds txn_3 there: only txn_3 goes.
    await sql`update mini.entries set at = ${at(D[1]!, '10:00')} where id = 'txn_2'`.execute(db);
    await sql`insert into mini.entries values ('txn_3', 'bal_1', 7, ${at(D[1]!, '11:00')})`.execute(db);
    // txn_4 belongs to the first day, which was already sent: a late entry.
    await sql`insert into mini.entries values ('txn_4', 'bal_1', 3, ${at(D[0]!, '23:00')})`.execute(db);
    const day1 = await sendDay(ctx, 1);
    expect(rowsOf(day1, 'transactions').map((r) => r.client_transaction_id)).toEqual(['txn_3']);
    expect(day1.notices.find((n) => n.fileType === 'transactions')?.alreadySent).toBe(1);
    expect(day1.late).toEqual([{ fileType: 'transactions', recordId: 'txn_4', belongsToFileDate: D[0] }]);
    expect((await openLateEntries(ctx.state.db)).map((e) => e.recordId)).toEqual(['txn_4']);

    // Reported once: the next day does not report it as new again.
    const day2 = await sendDay(ctx, 2);
    expect(day2.late).toEqual([]);
    expect(rowsOf(day2, 'transactions')).toEqual([]);
  });

  it('daily snapshot: keeps zero balances, drops closed ones, and refuses an empty snapshot the ledger cannot explain', async () => {
    const ctx = await start();
    const db = ctx.ledger.db;
    await sql`insert into mini.balances values ('bal_1', 'acc_1', 'active', 'active', ${at(D[0]!, '08:00')}), ('bal_2', 'acc_2', 'active', 'active', ${at(D[0]!, '08:00')})`.execute(db);
    await sql`insert into mini.entries values ('txn_1', 'bal_1', 100, ${at(D[0]!, '09:00')})`.execute(db);
    const day0 = await sendDay(ctx, 0);
    expect(rowsOf(day0, 'balances').map((r) => [r.client_balance_id, r.balance])).toEqual([['bal_1', '100.00'], ['bal_2', '0.00']]);

    await sql`update mini.balances set status = 'closed', status_reason = 'client_closed' where id = 'bal_2'`.execute(db);
    const day1 = await sendDay(ctx, 1);
    expect(rowsOf(day1, 'balances').map((r) => r.client_balance_id)).toEqual(['bal_1']);

    // A broken extract: the balances come back empty, and so does the previous day's.
    await sql`alter table mini.balances rename to balances_moved`.execute(db);
    await sql`create table mini.balances (like mini.balances_moved)`.execute(db);
    const broken = await runFileDate(ctx, D[2]!);
    expect(broken.outcome).toBe('failed');
    expect(broken.problems).toContainEqual(expect.objectContaining({ fileType: 'balances', rule: 'snapshot.empty' }));
    expect((await filesForDate(ctx.state.db, D[2]!)).filter((f) => f.fileType !== 'accounts')).toEqual([]);
  });
});
