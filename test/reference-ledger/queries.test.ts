import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '../../core/database.js';
import {
  activityWindow, addDays, asOfInstant, fileDateForInstant, LEAD_ZONE, parseFileDate, type FileDate,
} from '../../core/file-date.js';
import { generateReferenceLedger, installReferenceLedgerSchema } from '../../extract/reference-ledger/generate.js';
import { createRowMapper } from '../../transform/map-row.js';
import { decimalToUnits } from '../../transform/money.js';
import { REFERENCE_LEDGER_FILE_TYPES } from '../../extract/reference-ledger/file-types.js';
import { fileTypeById } from '../../transform/file-types/registry.js';
import { databaseKinds, freshDatabase, type FreshDatabase } from '../support/databases.js';
import { extractFiles, type DayFiles } from './extract-files.js';

/**
 * The reference queries read back a generated week (seed 7: it has closures, a freeze, unmatched
 * credits, interest payouts and cashback) as Lead's four daily files, checked the way Lead checks them.
 */
const DAYS = 7;
const FIRST_ACTIVITY_DATE = parseFileDate('2026-03-05');
// File T carries day T-1: the first file is the day after the first activity day.
const FILE_DATES: FileDate[] = Array.from({ length: DAYS }, (_, i) => addDays(FIRST_ACTIVITY_DATE, i + 1));

const cents = (value: unknown): bigint => decimalToUnits(String(value), 2);
const instant = (value: unknown): DateTime => DateTime.fromJSDate(value as Date);
const sumBy = (rows: readonly Row[], pick: (row: Row) => bigint): bigint => rows.reduce((sum, row) => sum + pick(row), 0n);
// The file types the reference ledger has queries for (the registry knows more).
const FILE_TYPES = REFERENCE_LEDGER_FILE_TYPES.map(fileTypeById);
const byId = (rows: readonly Row[], column: string): Map<string, Row> => new Map(rows.map((row) => [String(row[column]), row]));

describe.each(databaseKinds)('reference ledger queries on %s', (kind) => {
  let fresh: FreshDatabase;
  const files = new Map<FileDate, DayFiles>();
  const day = (fileDate: FileDate): DayFiles => files.get(fileDate)!;

  beforeAll(async () => {
    fresh = await freshDatabase(kind);
    await installReferenceLedgerSchema(fresh.database);
    await generateReferenceLedger(fresh.database, { days: DAYS, scale: 1, seed: 7, firstActivityDate: FIRST_ACTIVITY_DATE });
    for (const fileDate of [FIRST_ACTIVITY_DATE, ...FILE_DATES]) files.set(fileDate, await extractFiles(fresh.database, fileDate));
  });
  afterAll(async () => fresh?.dispose());

  it('finds nothing before the first activity day', () => {
    for (const spec of FILE_TYPES) expect(day(FIRST_ACTIVITY_DATE)[spec.id]).toEqual([]);
  });

  it('returns exactly each file type\'s columns, in order, with values Lead\'s formats accept', () => {
    for (const spec of FILE_TYPES) {
      const expected = spec.columns.filter((column) => column.filledBy !== 'pipeline').map((column) => column.name);
      const mapRow = createRowMapper(
        spec,
        { timestampZone: LEAD_ZONE, programCurrency: 'USD', excessPrecision: 'error', generatedAt: '2026-03-13T05:00:00-05:00' },
        `${spec.id}.sql`,
      );
      let rows = 0;
      for (const fileDate of FILE_DATES) {
        for (const row of day(fileDate)[spec.id]!) {
          expect(Object.keys(row)).toEqual(expected);
          const mapped = mapRow(row, ++rows);
          expect(mapped.ok ? [] : mapped.problems).toEqual([]);
        }
      }
      expect(rows, spec.id).toBeGreaterThan(0);
    }
  });

  it('rolls every balance forward by its day\'s transactions, to the cent', () => {
    // Lead's deposit formulas (financial-validations.md section 3), on integer cents.
    const REWARD_TYPES = ['rewards_earned', 'rewards_spent', 'rewards_redeemed', 'debit', 'refund', 'credit'];
    let checked = 0;
    for (const [index, fileDate] of FILE_DATES.entries()) {
      const window = activityWindow(fileDate);
      const previous = byId(index === 0 ? [] : day(FILE_DATES[index - 1]!).balances!, 'client_balance_id');
      const transactions = day(fileDate).transactions!;
      for (const balance of day(fileDate).balances!) {
        const id = String(balance.client_balance_id);
        const before = previous.get(id);
        if (!before) {
          // A balance Lead has not seen yet was created that day, from zero.
          expect(instant(balance.created_at) >= window.start && instant(balance.created_at) < window.end, id).toBe(true);
        }
        const own = transactions.filter((row) => row.balance_id === id);
        const moved = sumBy(own.filter((row) => !['interest_accrued', 'dispute_won'].includes(String(row.type))), (row) => cents(row.amount));
        const rewards = sumBy(own.filter((row) => REWARD_TYPES.includes(String(row.type)) && row.rewards_amount !== null), (row) => cents(row.rewards_amount));
        const interest = sumBy(own, (row) =>
          row.type === 'interest_accrued' ? cents(row.amount) : row.type === 'interest_paid' ? -cents(row.amount) : 0n);
        const start = (column: string) => (before ? cents(before[column]) : 0n);
        expect(cents(balance.balance), `${id} on ${fileDate}`).toBe(start('balance') + moved);
        expect(cents(balance.rewards_balance), `${id} rewards on ${fileDate}`).toBe(start('rewards_balance') + rewards);
        expect(cents(balance.interest_accrued_balance), `${id} interest on ${fileDate}`).toBe(start('interest_accrued_balance') + interest);
        expect(cents(balance.balance) >= 0n).toBe(true);
        if (before) checked += 1;
      }
      // Every transaction belongs to a balance in the same day's file.
      const reported = byId(day(fileDate).balances!, 'client_balance_id');
      for (const row of transactions) expect(reported.has(String(row.balance_id)), String(row.client_transaction_id)).toBe(true);
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('reports each transaction once, in the file of the day its effective_at falls in', async () => {
    const seen = new Map<string, FileDate>();
    for (const fileDate of FILE_DATES) {
      const window = activityWindow(fileDate);
      for (const row of day(fileDate).transactions!) {
        const id = String(row.client_transaction_id);
        expect(seen.get(id), id).toBeUndefined();
        seen.set(id, fileDate);
        const at = instant(row.effective_at);
        expect(at >= window.start && at < window.end, `${id} at ${at.toISO()} in ${fileDate}`).toBe(true);
      }
    }
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ledger.ledger_entries`.execute(fresh.database.db);
    expect(seen.size).toBe(rows[0]!.n);
  });

  it('names the card and its BIN on card transactions and the fee type on fees', () => {
    const all = FILE_DATES.flatMap((fileDate) => day(fileDate).transactions!);
    const cardRows = all.filter((row) => row.transfer_type === 'card');
    expect(cardRows.length).toBeGreaterThan(0);
    for (const row of cardRows) expect([typeof row.card_id, String(row.bin)]).toEqual(['string', expect.stringMatching(/^\d{6}$/)]);
    for (const row of all) expect(row.fee_type === null, String(row.client_transaction_id)).toBe(row.type !== 'fee');
    expect(all.some((row) => row.type === 'fee' && row.fee_type === 'atm')).toBe(true);
    expect(all.some((row) => row.type === 'interest_paid')).toBe(true);
    expect(all.some((row) => row.type === 'rewards_redeemed')).toBe(true);
    expect(all.some((row) => cents(row.amount) >= 25_000_000n)).toBe(true);
  });

  it('keeps zero and inactive balances in the file and leaves closed ones out after their last zero', async () => {
    const all = FILE_DATES.flatMap((fileDate) => day(fileDate).balances!);
    expect(all.some((row) => row.status === 'active' && cents(row.balance) === 0n)).toBe(true);
    expect(all.some((row) => row.status === 'inactive' && row.status_reason === 'frozen')).toBe(true);
    expect(all.some((row) => row.status === 'closed')).toBe(false);

    const { rows: closures } = await sql<{ balance_id: string; changed_at: Date }>`
      select balance_id, changed_at from ledger.balance_status_history where status = 'closed'`.execute(fresh.database.db);
    let followed = 0;
    for (const closure of closures) {
      const closedIn = fileDateForInstant(instant(closure.changed_at));
      if (!FILE_DATES.includes(closedIn) || !FILE_DATES.includes(addDays(closedIn, -1))) continue;
      const lastSeen = byId(day(addDays(closedIn, -1)).balances!, 'client_balance_id').get(closure.balance_id);
      expect(lastSeen && cents(lastSeen.balance), closure.balance_id).toBe(0n);
      for (const fileDate of FILE_DATES.filter((date) => date >= closedIn)) {
        expect(byId(day(fileDate).balances!, 'client_balance_id').has(closure.balance_id)).toBe(false);
      }
      followed += 1;
    }
    expect(followed).toBeGreaterThan(0);
  });

  it('carries a settled credit in non-posted every day until it posts, then reports it in that day\'s transactions', () => {
    const appearances = new Map<string, FileDate[]>();
    for (const fileDate of FILE_DATES) {
      for (const row of day(fileDate).non_posted_transactions!) {
        expect(cents(row.amount) > 0n).toBe(true);
        const id = String(row.transaction_id);
        appearances.set(id, [...(appearances.get(id) ?? []), fileDate]);
        expect(instant(row.effective_at).toMillis()).toBe(asOfInstant(activityWindow(fileDate)).toMillis());
      }
    }
    const daysWithPending = FILE_DATES.filter((fileDate) => day(fileDate).non_posted_transactions!.length > 0);
    expect(daysWithPending.length).toBeGreaterThanOrEqual(4);

    let postedInRange = 0;
    let heldLonger = 0;
    for (const [id, dates] of appearances) {
      const first = dates[0]!;
      const last = dates[dates.length - 1]!;
      const row = byId(day(first).non_posted_transactions!, 'transaction_id').get(id)!;
      // Settled in the evening of its settlement date: first reported the next file date, then every day.
      expect(first).toBe(addDays(parseFileDate(String(row.settlement_date)), 1));
      expect(dates).toEqual(FILE_DATES.filter((date) => date >= first && date <= last));
      if (dates.length > 1) heldLonger += 1;
      const postedIn = addDays(last, 1);
      if (!FILE_DATES.includes(postedIn)) continue;
      const posted = byId(day(postedIn).transactions!, 'client_transaction_id').get(id);
      expect(posted, `${id} posts in ${postedIn}`).toBeDefined();
      expect(cents(posted!.amount)).toBe(cents(row.amount));
      if (row.balance_id !== null) expect(posted!.balance_id).toBe(row.balance_id);
      postedInRange += 1;
    }
    expect(postedInRange).toBeGreaterThan(10);
    expect(heldLonger).toBeGreaterThan(0);
  });

  it('reports each account on the day it opens or changes, as it stands at the end of that day', async () => {
    const { rows: opened } = await sql<{ account_id: string; opened_at: Date }>`
      select account_id, opened_at from ledger.accounts`.execute(fresh.database.db);
    for (const account of opened) {
      const fileDate = fileDateForInstant(instant(account.opened_at));
      const row = byId(day(fileDate).accounts!, 'client_account_id').get(account.account_id);
      expect(row, account.account_id).toBeDefined();
      expect((row!.account_holders as string[]).length).toBeGreaterThan(0);
      if (row!.account_holder_type === 'commercial') expect((row!.authorized_signers as string[]).length).toBeGreaterThan(0);
    }
    const all = FILE_DATES.flatMap((fileDate) => day(fileDate).accounts!.map((row) => ({ fileDate, row })));
    for (const { fileDate, row } of all) {
      const window = activityWindow(fileDate);
      const at = instant(row.effective_at);
      expect(at >= window.start && at < window.end).toBe(true);
    }
    expect(all.some(({ row }) => row.status === 'inactive' && row.status_reason === 'frozen')).toBe(true);
    expect(all.some(({ row }) => row.status === 'closed' && row.status_reason === 'entity_closed')).toBe(true);
    // An account re-sent later carries a later effective_at than Lead saw before.
    const lastSeen = new Map<string, DateTime>();
    for (const { row } of all) {
      const id = String(row.client_account_id);
      const at = instant(row.effective_at);
      if (lastSeen.has(id)) expect(at > lastSeen.get(id)!).toBe(true);
      lastSeen.set(id, at);
    }
  });

  it('fits the 23-hour DST day inside its window, to its last hour', () => {
    const fileDate = parseFileDate('2026-03-09');
    const window = activityWindow(fileDate);
    expect(window.hours).toBe(23);
    const rows = day(fileDate).transactions!;
    expect(rows.length).toBeGreaterThan(0);
    const localHours = new Set(rows.map((row) => instant(row.effective_at).setZone(LEAD_ZONE).hour));
    for (const row of rows) {
      const at = instant(row.effective_at);
      expect(at >= window.start && at < window.end).toBe(true);
    }
    // 02:00-02:59 does not exist that night; the nightly interest accrual lands at 23:45 CDT.
    expect(localHours.has(2)).toBe(false);
    expect(rows.some((row) => row.type === 'interest_accrued' && instant(row.effective_at).setZone(LEAD_ZONE).hour === 23)).toBe(true);
    for (const row of day(fileDate).balances!) expect(instant(row.effective_at).toMillis()).toBe(asOfInstant(window).toMillis());
  });
});
