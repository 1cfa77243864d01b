import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, parseFileDate } from '../../core/file-date.js';
import { acknowledgeDate } from '../../jobs/acknowledge-date.js';
import { backfill } from '../../jobs/backfill.js';
import { listFiles } from '../../load/state/state-store.js';
import { checkSentFiles } from '../support/lead-file-check.js';
import { DAY0, startPipeline, type PipelineFixture } from '../support/pipeline.js';

/**
 * The submission rules on the reference ledger's full program (deposit, credit and business customers,
 * with record changes over the days), sent for a week: what each rule promises, read back from the files
 * the server received.
 */
const DAYS = 6;
const dates = Array.from({ length: DAYS }, (_, i) => addDays(parseFileDate(DAY0), i));
const OUTBOUND = ['customer', 'customer_relationship', 'applications', 'accounts', 'cards', 'authorized_users', 'collaterals', 'balances', 'transactions', 'non_posted_transactions', 'transactions_update'];

describe('the submission rules over a week of the full reference program', () => {
  let pipeline: PipelineFixture;
  const rows = (type: string) =>
    readdirSync(join(pipeline.sftp.rootDir, type)).sort().map((name) => ({
      name, rows: parse(readFileSync(join(pipeline.sftp.rootDir, type, name), 'utf8'), { delimiter: '|', columns: true }) as Record<string, string>[],
    }));

  beforeAll(async () => {
    pipeline = await startPipeline('pglite', { days: DAYS, program: 'all', config: { program: { profile: 'all', fileTypes: OUTBOUND } } });
    for (const date of dates) {
      const outcome = await backfill(pipeline.ctx, date, date);
      expect(outcome.stoppedAt, outcome.stoppedAt?.message).toBeUndefined();
      await acknowledgeDate(pipeline.ctx.state, pipeline.clock, date, { outcome: 'validated', source: 'test' });
    }
  }, 240_000);
  afterAll(() => pipeline?.dispose());

  it('sends every file type every day, and the files pass the independent check (format, T-1, ids once, roll-forwards, credit composition)', () => {
    for (const type of OUTBOUND) expect(readdirSync(join(pipeline.sftp.rootDir, type)), type).toHaveLength(DAYS);
    expect(checkSentFiles(pipeline.sftp.rootDir)).toEqual([]);
  });

  it('full-overwrite: a record is re-sent only when it changed, whole, each time with a later effective_at', () => {
    for (const type of ['accounts', 'cards', 'customer']) {
      const files = rows(type);
      const idColumn = type === 'customer' ? 'client_customer_id' : type === 'cards' ? 'client_card_id' : 'client_account_id';
      const seen = new Map<string, Record<string, string>>();
      let resent = 0;
      for (const file of files) {
        for (const row of file.rows) {
          const before = seen.get(row[idColumn]!);
          if (before) {
            resent += 1;
            const { effective_at: a, generated_at: _g1, ...restBefore } = before;
            const { effective_at: b, generated_at: _g2, ...restNow } = row;
            expect(restNow, `${type} ${row[idColumn]} re-sent unchanged in ${file.name}`).not.toEqual(restBefore);
            // Cards carry no effective_at in Lead's schema as we know it.
            if (a !== undefined) expect(Date.parse(b!), `${type} ${row[idColumn]} effective_at`).toBeGreaterThan(Date.parse(a));
          }
          seen.set(row[idColumn]!, row);
        }
      }
      // On later days, records already sent and unchanged are left out.
      const known = new Set<string>();
      let leftOut = 0;
      files.forEach((file, index) => {
        const resentToday = file.rows.filter((r) => known.has(r[idColumn]!)).length;
        if (index > 0) leftOut += known.size - resentToday;
        for (const row of file.rows) known.add(row[idColumn]!);
      });
      expect(leftOut, type).toBeGreaterThan(0);
      if (type === 'accounts') expect(resent).toBeGreaterThan(0);
    }
  });

  it('full-overwrite: a record sent in a terminal state never comes back', () => {
    const files = rows('accounts');
    const closedIn = new Map<string, number>();
    files.forEach((file, index) => {
      for (const row of file.rows) {
        const closed = closedIn.get(row.client_account_id!);
        expect(closed === undefined, `account ${row.client_account_id} sent again after it was sent closed`).toBe(true);
        if (row.status === 'closed') closedIn.set(row.client_account_id!, index);
      }
    });
    expect(closedIn.size).toBeGreaterThan(0);
  });

  it('new-only: each entry once, and a backfill over the sent week sends nothing more', async () => {
    const before = (await listFiles(pipeline.ctx.state.db)).length;
    const again = await backfill(pipeline.ctx, dates[0]!, dates.at(-1)!);
    expect(again.stoppedAt).toBeUndefined();
    expect((await listFiles(pipeline.ctx.state.db)).length).toBe(before);
    const ids = rows('transactions').flatMap((f) => f.rows.map((r) => r.client_transaction_id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('updates-only: a settlement-date correction goes once, for an entry already sent', () => {
    const sent = new Set(rows('transactions').flatMap((f) => f.rows.map((r) => r.client_transaction_id)));
    const updates = rows('transactions_update').flatMap((f) => f.rows);
    expect(updates.length).toBeGreaterThan(0);
    for (const update of updates) expect(sent.has(update.transaction_id), update.transaction_id).toBe(true);
    expect(new Set(updates.map((u) => `${u.transaction_id} ${u.settlement_date}`)).size).toBe(updates.length);
  });

  it('daily snapshot: zero balances kept, a closed balance reported closed once and then dropped', () => {
    const files = rows('balances');
    expect(files.some((f) => f.rows.some((r) => r.status !== 'closed' && /^0\.00$/.test(r.balance!)))).toBe(true);
    const closedIn = new Map<string, number>();
    files.forEach((file, index) => {
      for (const row of file.rows) {
        expect(closedIn.has(row.client_balance_id!), `balance ${row.client_balance_id} reported after its closing day`).toBe(false);
        if (row.status === 'closed') closedIn.set(row.client_balance_id!, index);
      }
    });
    expect(closedIn.size).toBeGreaterThan(0);
  });
});
