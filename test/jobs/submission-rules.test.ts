import { sql } from 'kysely';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';

import { acknowledgeDate } from '../../jobs/acknowledge-date.js';
import { runFileDate } from '../../jobs/run-file-date.js';
import { filesForDate } from '../../load/state/state-store.js';
import { openLateEntries } from '../../load/state/submitted-records.js';
import { databaseKinds } from '../support/databases.js';
import { D, at, installMini, QUERIES } from '../support/mini-ledger.js';
import { startPipeline, type PipelineFixture } from '../support/pipeline.js';

/**
 * The four submission rules on a small ledger whose every change the test makes by hand, day by day:
 * accounts (full-overwrite), balances (daily snapshot) and transactions (new-only).
 */
describe.each(databaseKinds)('submission rules on %s', (kind) => {
  let pipeline: PipelineFixture | undefined;
  afterEach(async () => {
    await pipeline?.dispose();
    pipeline = undefined;
  });

  async function start(fileTypes: string[] = ['accounts', 'balances', 'transactions']) {
    pipeline = await startPipeline(kind, { days: 1 });
    const ctx = pipeline.withProgram({ profile: { name: 'mini', kind: 'deposit', fileTypes }, queries: QUERIES, firstFileDate: D[0]! });
    await installMini(ctx.ledger.db);
    return ctx;
  }

  async function sendDay(ctx: PipelineFixture['ctx'], index: number) {
    const result = await runFileDate(ctx, D[index]!);
    expect(result.outcome, `${result.message} ${JSON.stringify(result.problems)}`).toBe('ok');
    await acknowledgeDate(ctx.state, pipeline!.clock, D[index]!, { outcome: 'validated', source: 'test' });
    return result;
  }

  /** Day 0 sent with one balance and its transaction; then a late entry of Day 0 moves the balance with no transaction in Day 1: its roll-forward breaks. */
  async function rollforwardBrokenOnDay1() {
    const ctx = await start(['balances', 'transactions']);
    const db = ctx.ledger.db;
    await sql`insert into mini.balances values ('bal_1', 'acc_1', 'active', 'active', ${at(D[0]!, '08:00')})`.execute(db);
    await sql`insert into mini.entries values ('txn_1', 'bal_1', 100, ${at(D[0]!, '09:00')})`.execute(db);
    await sendDay(ctx, 0);
    await sql`insert into mini.entries values ('txn_late', 'bal_1', 3, ${at(D[0]!, '23:00')})`.execute(db);
    return ctx;
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
    await sql`update mini.accounts set status = 'closed', status_reason = 'paid_off', changed_at = ${at(D[3]!, '08:00')} where id = 'acc_1'`.execute(db);
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

  it('full-overwrite: a record sent closed that comes back live in the ledger is a problem naming the record and the rule, not dropped (issue 8)', async () => {
    const ctx = await start();
    const db = ctx.ledger.db;
    await sql`insert into mini.accounts values ('acc_1', 'cus_1', 'Everyday', 'closed', 'paid_off', ${at(D[0]!, '09:00')}, ${at(D[0]!, '09:00')})`.execute(db);
    await sendDay(ctx, 0);
    await sql`update mini.accounts set status = 'active', status_reason = 'active', changed_at = ${at(D[1]!, '10:00')} where id = 'acc_1'`.execute(db);
    const reopened = await runFileDate(ctx, D[1]!);
    expect(reopened.outcome).toBe('failed');
    expect(reopened.problems).toContainEqual(expect.objectContaining({ fileType: 'accounts', recordId: 'acc_1', column: 'status', rule: 'terminal.reopened' }));
    expect(reopened.message).toContain('compliance');
  });

  it('new-only: an entry is sent once, never again when the date is run again or the entry moves, and a late entry is reported, not slipped in', async () => {
    // Transactions alone: moving a sent entry or a late one breaks the balances roll-forward, which
    // pre-flight validation rightly refuses (tested below).
    const ctx = await start(['transactions']);
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

  it('new-only: an entry dated before Day 0 that reaches the ledger after Day 0 was sent is reported like a late entry; history before Day 0 is not (issue 8)', async () => {
    const ctx = await start(['transactions']);
    const db = ctx.ledger.db;
    const beforeDay0 = '2026-03-31';
    await sql`insert into mini.balances values ('bal_1', 'acc_1', 'active', 'active', ${at(beforeDay0, '08:00')})`.execute(db);
    await sql`insert into mini.entries values ('txn_old', 'bal_1', 100, ${at(beforeDay0, '09:00')}), ('txn_1', 'bal_1', 5, ${at(D[0]!, '09:00')})`.execute(db);
    await sendDay(ctx, 0);
    await sql`insert into mini.entries values ('txn_back', 'bal_1', 4, ${at(beforeDay0, '10:00')})`.execute(db);
    const day1 = await sendDay(ctx, 1);
    expect(day1.late).toEqual([{ fileType: 'transactions', recordId: 'txn_back', belongsToFileDate: beforeDay0 }]);
    expect((await openLateEntries(ctx.state.db)).map((e) => [e.recordId, e.belongsToFileDate])).toEqual([['txn_back', beforeDay0]]);
  });

  it("a pre-flight finding names the record on its line, like any other problem (issue 8)", async () => {
    const ctx = await rollforwardBrokenOnDay1();
    const broken = await runFileDate(ctx, D[1]!);
    expect(broken.outcome).toBe('failed');
    const finding = broken.problems.find((p) => p.rule.startsWith('cross.rollforward'));
    expect(finding, JSON.stringify(broken.problems)).toMatchObject({ fileType: 'balances', recordId: 'bal_1', line: 2 });
  });

  it('the pre-flight checks the rows as they are written, never the file: its findings do not change when the built file is emptied before it could be read back (issue 10)', async () => {
    const ctx = await rollforwardBrokenOnDay1();
    // Once the first file (Balances) is built, its bytes on disk say a header and nothing else: a check that
    // read the file back would see no row, and no roll-forward to break.
    const building = join(ctx.config.archive.dir, '.building');
    const emptied: string[] = [];
    const hooks = {
      phase(name: string) {
        if (name !== 'extract') return;
        for (const file of readdirSync(building, { recursive: true, encoding: 'utf8' }).filter((f) => f.includes('_balances'))) {
          const path = join(building, file);
          writeFileSync(path, `${readFileSync(path, 'utf8').split('\n')[0]}\n`);
          emptied.push(file);
        }
      },
    };
    const broken = await runFileDate({ ...ctx, hooks }, D[1]!);
    expect(emptied).toHaveLength(1);
    expect(broken.outcome).toBe('failed');
    const finding = broken.problems.find((p) => p.rule.startsWith('cross.rollforward'));
    expect(finding, JSON.stringify(broken.problems)).toMatchObject({ fileType: 'balances', recordId: 'bal_1', line: 2 });
    expect(broken.problems.filter((p) => p.rule.startsWith('integrity.'))).toEqual([]);
  });

  it('daily snapshot: keeps zero balances, reports a closing balance once and then drops it, and refuses an empty snapshot the ledger cannot explain', async () => {
    const ctx = await start();
    const db = ctx.ledger.db;
    await sql`insert into mini.accounts values ('acc_1', 'cus_1', 'Everyday', 'active', 'active', ${at(D[0]!, '07:00')}, ${at(D[0]!, '07:00')}),
                                              ('acc_2', 'cus_2', 'Everyday', 'active', 'active', ${at(D[0]!, '07:00')}, ${at(D[0]!, '07:00')})`.execute(db);
    await sql`insert into mini.balances values ('bal_1', 'acc_1', 'active', 'active', ${at(D[0]!, '08:00')}), ('bal_2', 'acc_2', 'active', 'active', ${at(D[0]!, '08:00')})`.execute(db);
    await sql`insert into mini.entries values ('txn_1', 'bal_1', 100, ${at(D[0]!, '09:00')})`.execute(db);
    const day0 = await sendDay(ctx, 0);
    expect(rowsOf(day0, 'balances').map((r) => [r.client_balance_id, r.balance])).toEqual([['bal_1', '100.00'], ['bal_2', '0.00']]);

    // bal_2 closes during the second day: reported once, closed, then never again.
    await sql`update mini.balances set closed_at = ${at(D[1]!, '16:00')} where id = 'bal_2'`.execute(db);
    const day1 = await sendDay(ctx, 1);
    expect(rowsOf(day1, 'balances').map((r) => [r.client_balance_id, r.status])).toEqual([['bal_1', 'active'], ['bal_2', 'closed']]);
    const day2 = await sendDay(ctx, 2);
    expect(rowsOf(day2, 'balances').map((r) => r.client_balance_id)).toEqual(['bal_1']);

    // A broken extract: the balances come back empty, and so does the previous day's.
    await sql`alter table mini.balances rename to balances_moved`.execute(db);
    await sql`create table mini.balances (like mini.balances_moved)`.execute(db);
    const broken = await runFileDate(ctx, D[3]!);
    expect(broken.outcome).toBe('failed');
    expect(broken.problems).toContainEqual(expect.objectContaining({ fileType: 'balances', rule: 'snapshot.empty' }));
    expect((await filesForDate(ctx.state.db, D[3]!)).filter((f) => f.fileType !== 'accounts')).toEqual([]);
  });
});
