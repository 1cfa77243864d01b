import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '../../core/database.js';
import {
  activityWindow, addDays, asOfInstant, fileDateForInstant, LEAD_ZONE, parseFileDate, type FileDate,
} from '../../core/file-date.js';
import { loadEventTypeMap, type EventTypeMap } from '../../reference-program/event-type-map.js';
import { REFERENCE_LEDGER_FILE_TYPES } from '../../reference-program/file-types.js';
import { fileTypeById } from '../../transform/file-types/registry.js';
import { createRowMapper } from '../../transform/map-row.js';
import { decimalToUnits } from '../../transform/money.js';
import { databaseKinds, ledgerDatabase, type FreshDatabase } from '../support/databases.js';
import { extractFiles, type DayFiles } from './extract-files.js';
import { leadRow, queryColumns } from './lead-rows.js';

/**
 * The reference queries read back a generated week of both programs in one ledger (seed 7: it has
 * closures, freezes, unmatched credits, interest payouts, cashback, late clearing, a settlement
 * correction, declined and withdrawn applications, secured cards, line changes, a returned payment) as
 * every Lead file the ledger answers, checked the way Lead checks them. Lead's transaction vocabulary is
 * filled from the event type map first, as lead-etl does.
 */
const DAYS = 7;
const FIRST_ACTIVITY_DATE = parseFileDate('2026-03-05');
// File T carries day T-1: the first file is the day after the first activity day.
const FILE_DATES: FileDate[] = Array.from({ length: DAYS }, (_, i) => addDays(FIRST_ACTIVITY_DATE, i + 1));
const FILE_TYPES = REFERENCE_LEDGER_FILE_TYPES.map(fileTypeById);
const FULL_OVERWRITE = FILE_TYPES.filter((spec) => spec.rule === 'full-overwrite');

const cents = (value: unknown): bigint => decimalToUnits(String(value), 2);
/** The extract hands timestamps over as PostgreSQL's text (`2026-03-05 09:30:00-06`); kysely's own queries as Dates. */
const instant = (value: unknown): DateTime =>
  value instanceof Date ? DateTime.fromJSDate(value) : DateTime.fromISO(String(value).replace(' ', 'T'), { setZone: true });
const TIMESTAMPTZ_TEXT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}(:\d{2})?$/;
const sumBy = (rows: readonly Row[], pick: (row: Row) => bigint): bigint => rows.reduce((sum, row) => sum + pick(row), 0n);
const byId = (rows: readonly Row[], column: string): Map<string, Row> => new Map(rows.map((row) => [String(row[column]), row]));
const ids = (value: unknown): string[] => (value as string[] | null) ?? [];
const recordKey = (spec: (typeof FILE_TYPES)[number], row: Row) =>
  (spec.recordIdColumns ?? [spec.recordIdColumn]).map((column) => String(row[column] ?? '')).join('/');
/** A record's content for comparison: what Lead sees, without the moment it was observed. */
const content = (row: Row) => JSON.stringify(Object.entries(row).filter(([name]) => name !== 'effective_at'), (_, value) =>
  value instanceof Date ? value.toISOString() : value);

describe.each(databaseKinds)('reference ledger queries on %s', (kind) => {
  let fresh: FreshDatabase;
  let eventTypes: EventTypeMap;
  const raw = new Map<FileDate, DayFiles>();
  const files = new Map<FileDate, DayFiles>();
  /** The rows of one file type on one date, Lead's vocabulary filled in. */
  const day = (fileDate: FileDate): DayFiles => files.get(fileDate)!;
  const allOf = (fileType: string) => FILE_DATES.flatMap((fileDate) => day(fileDate)[fileType]!.map((row) => ({ fileDate, row })));

  beforeAll(async () => {
    fresh = await ledgerDatabase(kind, { days: DAYS, seed: 7, firstActivityDate: FIRST_ACTIVITY_DATE, program: 'all' });
    eventTypes = await loadEventTypeMap();
    for (const fileDate of [FIRST_ACTIVITY_DATE, ...FILE_DATES]) {
      const rows = await extractFiles(fresh.database, fileDate);
      raw.set(fileDate, rows);
      files.set(fileDate, Object.fromEntries(FILE_TYPES.map((spec) => [spec.id, rows[spec.id]!.map((row) => leadRow(spec, row, eventTypes))])));
    }
  });
  afterAll(async () => fresh?.dispose());

  it('finds nothing before the first activity day', () => {
    for (const spec of FILE_TYPES) expect(day(FIRST_ACTIVITY_DATE)[spec.id], spec.id).toEqual([]);
  });

  it('returns exactly each file type\'s columns, event_type in place of Lead\'s vocabulary, with values Lead\'s formats accept', () => {
    for (const spec of FILE_TYPES) {
      const expected = queryColumns(spec);
      const mapRow = createRowMapper(
        spec,
        { timestampZone: LEAD_ZONE, programCurrency: 'USD', excessPrecision: 'error', generatedAt: '2026-03-13T05:00:00-05:00' },
        `${spec.id}.sql`,
      );
      let rows = 0;
      for (const fileDate of FILE_DATES) {
        for (const [index, row] of raw.get(fileDate)![spec.id]!.entries()) {
          expect(Object.keys(row), spec.id).toEqual(expected);
          const mapped = mapRow(day(fileDate)[spec.id]![index]!, ++rows);
          expect(mapped.ok ? [] : mapped.problems).toEqual([]);
        }
      }
      expect(rows, spec.id).toBeGreaterThan(0);
    }
    expect(queryColumns(fileTypeById('transactions'))).toContain('event_type');
    expect(queryColumns(fileTypeById('transactions'))).not.toContain('fee_type');
    expect(queryColumns(fileTypeById('non_posted_transactions'))).not.toContain('transfer_type');
  });

  it('orders every file by its record id, each record once', () => {
    for (const spec of FILE_TYPES) {
      for (const fileDate of FILE_DATES) {
        const keys = day(fileDate)[spec.id]!.map((row) => (spec.recordIdColumns ?? [spec.recordIdColumn]).map((c) => String(row[c] ?? '')));
        const sorted = [...keys].sort((a, b) => {
          for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
          return 0;
        });
        expect(keys, `${spec.id} on ${fileDate}`).toEqual(sorted);
        expect(new Set(keys.map((key) => key.join('/'))).size).toBe(keys.length);
      }
    }
  });

  it('rolls every deposit balance forward by its day\'s transactions, to the cent', () => {
    // Lead's deposit formulas (financial-validations.md section 3), on integer cents.
    const REWARD_TYPES = ['rewards_earned', 'rewards_spent', 'rewards_redeemed', 'debit', 'refund', 'credit'];
    let checked = 0;
    for (const [index, fileDate] of FILE_DATES.entries()) {
      const window = activityWindow(fileDate);
      const previous = byId(index === 0 ? [] : day(FILE_DATES[index - 1]!).balances!, 'client_balance_id');
      const transactions = day(fileDate).transactions!;
      for (const balance of day(fileDate).balances!.filter((row) => row.type === 'deposit')) {
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
        for (const column of ['outstanding_principal', 'outstanding_interest', 'outstanding_fees', 'past_due_balance']) expect(balance[column]).toBeNull();
        if (before) checked += 1;
      }
      // Every transaction belongs to a balance in the same day's file.
      const reported = byId(day(fileDate).balances!, 'client_balance_id');
      for (const row of transactions) expect(reported.has(String(row.balance_id)), String(row.client_transaction_id)).toBe(true);
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('rolls every credit balance forward, principal included, and keeps it the sum of its parts, to the cent', () => {
    // Lead's credit formulas (financial-validations.md section 4); interest and fees the natural way.
    const OFF_BALANCE = ['charge_off_recovery', 'dispute_won'];
    const OFF_PRINCIPAL = ['fee', 'interest_accrued', ...OFF_BALANCE];
    let checked = 0;
    let moved = 0;
    for (const [index, fileDate] of FILE_DATES.entries()) {
      const previous = byId(index === 0 ? [] : day(FILE_DATES[index - 1]!).balances!, 'client_balance_id');
      const transactions = day(fileDate).transactions!;
      for (const balance of day(fileDate).balances!.filter((row) => row.type === 'credit')) {
        const id = String(balance.client_balance_id);
        const before = previous.get(id);
        const start = (column: string) => (before ? cents(before[column]) : 0n);
        const own = transactions.filter((row) => row.balance_id === id);
        const sum = (column: string, excluded: string[]) =>
          sumBy(own.filter((row) => !excluded.includes(String(row.type))), (row) => cents(row[column]));
        expect(cents(balance.balance), `${id} on ${fileDate}`).toBe(start('balance') + sum('amount', OFF_BALANCE));
        expect(cents(balance.outstanding_principal), `${id} principal on ${fileDate}`).toBe(start('outstanding_principal') + sum('principal_amount', OFF_PRINCIPAL));
        expect(cents(balance.outstanding_interest), `${id} interest on ${fileDate}`).toBe(start('outstanding_interest') + sum('interest_amount', OFF_BALANCE));
        expect(cents(balance.outstanding_fees), `${id} fees on ${fileDate}`).toBe(start('outstanding_fees') + sum('fee_amount', OFF_BALANCE));
        expect(cents(balance.balance)).toBe(cents(balance.outstanding_principal) + cents(balance.outstanding_interest) + cents(balance.outstanding_fees));
        for (const column of ['balance', 'outstanding_principal', 'outstanding_interest', 'outstanding_fees']) {
          expect(cents(balance[column]) >= 0n, `${id} ${column} on ${fileDate}`).toBe(true);
        }
        expect([balance.dispute_balance, balance.charge_off_balance, balance.past_due_balance].map(cents)).toEqual([0n, 0n, 0n]);
        expect(balance.interest_accrued_balance).toBeNull();
        if (before) checked += 1;
        if (own.length > 0) moved += 1;
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(moved).toBeGreaterThan(30);
  });

  it('splits every credit transaction exactly into principal, fee and interest, and no deposit one', () => {
    const credit = new Set(FILE_DATES.flatMap((fileDate) => day(fileDate).balances!.filter((row) => row.type === 'credit').map((row) => String(row.client_balance_id))));
    const all = allOf('transactions').map(({ row }) => row);
    const parts = ['principal_amount', 'fee_amount', 'interest_amount'];
    let splits = 0;
    for (const row of all) {
      const id = String(row.client_transaction_id);
      if (!credit.has(String(row.balance_id))) {
        expect(parts.map((column) => row[column]), id).toEqual([null, null, null]);
        continue;
      }
      expect(cents(row.amount), id).toBe(cents(row.principal_amount) + cents(row.fee_amount) + cents(row.interest_amount));
      if (row.type === 'fee') expect([cents(row.principal_amount), cents(row.interest_amount)]).toEqual([0n, 0n]);
      if (row.type === 'interest_accrued') expect([cents(row.principal_amount), cents(row.fee_amount)]).toEqual([0n, 0n]);
      if (row.type === 'disbursement') expect(cents(row.amount) > 0n && row.transfer_type === 'card').toBe(true);
      if (row.type === 'credit' && row.action === 'applied') expect(cents(row.amount) < 0n, id).toBe(true);
      if (parts.filter((column) => cents(row[column]) !== 0n).length > 1) splits += 1;
    }
    const types = new Set(all.filter((row) => credit.has(String(row.balance_id))).map((row) => `${String(row.type)}/${String(row.action)}`));
    expect([...types].sort()).toEqual(expect.arrayContaining(['credit/applied', 'disbursement/applied', 'fee/applied', 'interest_accrued/applied', 'refund/applied']));
    // Payments that cleared fees or interest as well as principal.
    expect(splits).toBeGreaterThan(0);
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

  it('has entries that reached the ledger after their day ended, in the file of the day they happened', async () => {
    const { rows } = await sql<{ entry_id: string; effective_at: Date; recorded_at: Date }>`
      select entry_id, effective_at, recorded_at from ledger.ledger_entries where recorded_at > effective_at order by entry_id`.execute(fresh.database.db);
    expect(rows.length).toBeGreaterThan(0);
    for (const late of rows) {
      const belongsTo = fileDateForInstant(instant(late.effective_at));
      // Recorded at or after the end of its own window: that day's files may already have gone out.
      expect(instant(late.recorded_at) >= activityWindow(belongsTo).end, late.entry_id).toBe(true);
      if (FILE_DATES.includes(belongsTo)) expect(byId(day(belongsTo).transactions!, 'client_transaction_id').has(late.entry_id)).toBe(true);
    }
  });

  it('sends a settlement date correction in Transactions Update on the day it is made, and only then', async () => {
    const { rows: corrections } = await sql<{ entry_id: string; corrected_at: Date; settlement_date: string }>`
      select entry_id, corrected_at, settlement_date from ledger.settlement_corrections order by entry_id`.execute(fresh.database.db);
    expect(corrections.length).toBeGreaterThan(0);
    const updates = allOf('transactions_update');
    expect(updates.length).toBe(corrections.filter((c) => FILE_DATES.includes(fileDateForInstant(instant(c.corrected_at)))).length);
    for (const correction of corrections) {
      const correctedIn = fileDateForInstant(instant(correction.corrected_at));
      const sent = updates.filter(({ row }) => row.transaction_id === correction.entry_id);
      expect(sent.map(({ fileDate }) => fileDate)).toEqual(FILE_DATES.includes(correctedIn) ? [correctedIn] : []);
      for (const { row } of sent) expect(row.settlement_date).toBe(correction.settlement_date);
      // The transaction went out on an earlier day, in a deposit balance, with the date first forecast.
      const original = allOf('transactions').find(({ row }) => row.client_transaction_id === correction.entry_id);
      expect(original, correction.entry_id).toBeDefined();
      expect(original!.fileDate < correctedIn).toBe(true);
      expect(original!.row.settlement_date).not.toBe(correction.settlement_date);
      expect(['ach', 'wire']).toContain(original!.row.transfer_type);
      const balance = byId(day(original!.fileDate).balances!, 'client_balance_id').get(String(original!.row.balance_id));
      expect(balance?.type).toBe('deposit');
    }
  });

  it('names the card and its BIN on card transactions and the fee type on fees', () => {
    const all = allOf('transactions').map(({ row }) => row);
    const cardRows = all.filter((row) => row.transfer_type === 'card');
    expect(cardRows.length).toBeGreaterThan(0);
    for (const row of cardRows) expect([typeof row.card_id, String(row.bin)]).toEqual(['string', expect.stringMatching(/^\d{6}$/)]);
    for (const row of all) expect(row.fee_type === null, String(row.client_transaction_id)).toBe(row.type !== 'fee');
    for (const feeType of ['atm', 'international_transaction', 'periodic_maintenance']) {
      expect(all.some((row) => row.type === 'fee' && row.fee_type === feeType), feeType).toBe(true);
    }
    expect(all.some((row) => row.type === 'interest_paid')).toBe(true);
    expect(all.some((row) => row.type === 'rewards_redeemed')).toBe(true);
    expect(all.some((row) => cents(row.amount) >= 25_000_000n)).toBe(true);
  });

  it('keeps zero and inactive balances, reports a balance closed on its closing day once, at zero, and never again', async () => {
    const all = allOf('balances').map(({ row }) => row);
    expect(all.some((row) => row.status === 'active' && cents(row.balance) === 0n)).toBe(true);
    expect(all.some((row) => row.status === 'inactive' && row.status_reason === 'frozen')).toBe(true);
    expect(all.filter((row) => row.status === 'closed').every((row) => cents(row.balance) === 0n)).toBe(true);

    const { rows: closures } = await sql<{ balance_id: string; changed_at: Date }>`
      select balance_id, changed_at from ledger.balance_status_history where status = 'closed'`.execute(fresh.database.db);
    let followed = 0;
    for (const closure of closures) {
      const closedIn = fileDateForInstant(instant(closure.changed_at));
      if (!FILE_DATES.includes(closedIn) || !FILE_DATES.includes(addDays(closedIn, -1))) continue;
      const lastSeen = byId(day(addDays(closedIn, -1)).balances!, 'client_balance_id').get(closure.balance_id);
      expect(lastSeen && cents(lastSeen.balance), closure.balance_id).toBe(0n);
      expect(byId(day(closedIn).balances!, 'client_balance_id').get(closure.balance_id)?.status).toBe('closed');
      for (const fileDate of FILE_DATES.filter((date) => date > closedIn)) {
        expect(byId(day(fileDate).balances!, 'client_balance_id').has(closure.balance_id)).toBe(false);
      }
      followed += 1;
    }
    expect(followed).toBeGreaterThan(2);
  });

  it('carries a settled credit in non-posted every day until it posts, then reports it in that day\'s transactions', () => {
    const appearances = new Map<string, FileDate[]>();
    for (const fileDate of FILE_DATES) {
      for (const row of day(fileDate).non_posted_transactions!) {
        expect(cents(row.amount) > 0n).toBe(true);
        expect([row.type, row.transfer_type]).toEqual(['credit', 'ach']);
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

  it('returns every full-overwrite record as it stands at the end of each day, so a changed record is never re-sent with an old effective_at', () => {
    for (const spec of FULL_OVERWRITE) {
      let changed = 0;
      for (const [index, fileDate] of FILE_DATES.entries()) {
        const window = activityWindow(fileDate);
        const today = new Map(day(fileDate)[spec.id]!.map((row) => [recordKey(spec, row), row]));
        if (index > 0) {
          // Full state: nothing known yesterday disappears today.
          for (const key of day(FILE_DATES[index - 1]!)[spec.id]!.map((row) => recordKey(spec, row))) expect(today.has(key), `${spec.id} ${key}`).toBe(true);
        }
        for (const [key, row] of today) {
          if (spec.effectiveAtColumn) expect(instant(row[spec.effectiveAtColumn]) < window.end, `${spec.id} ${key}`).toBe(true);
          const before = index > 0 ? byKey(spec, FILE_DATES[index - 1]!).get(key) : undefined;
          if (!before || content(before) === content(row)) {
            if (before && spec.effectiveAtColumn) {
              expect(instant(row[spec.effectiveAtColumn]) >= instant(before[spec.effectiveAtColumn]), `${spec.id} ${key} unchanged`).toBe(true);
            }
            continue;
          }
          changed += 1;
          if (!spec.effectiveAtColumn) continue;
          // Changed during the day: it carries a later effective_at, inside the day.
          const at = instant(row[spec.effectiveAtColumn]);
          expect(at > instant(before[spec.effectiveAtColumn]) && at >= window.start, `${spec.id} ${key} on ${fileDate}`).toBe(true);
        }
      }
      if (['customer_relationship', 'accounts', 'cards', 'authorized_users'].includes(spec.id)) expect(changed, spec.id).toBeGreaterThan(0);
    }

    function byKey(spec: (typeof FILE_TYPES)[number], fileDate: FileDate): Map<string, Row> {
      return new Map(day(fileDate)[spec.id]!.map((row) => [recordKey(spec, row), row]));
    }
  });

  it('reports each account from the day it opens, with its holders, signers and credit line', async () => {
    const { rows: opened } = await sql<{ account_id: string; opened_at: Date }>`
      select account_id, opened_at from ledger.accounts`.execute(fresh.database.db);
    for (const account of opened) {
      const fileDate = fileDateForInstant(instant(account.opened_at));
      if (!FILE_DATES.includes(fileDate)) continue;
      expect(byId(day(fileDate).accounts!, 'client_account_id').has(account.account_id), account.account_id).toBe(true);
      expect(byId(day(addDays(fileDate, -1)).accounts ?? [], 'client_account_id').has(account.account_id)).toBe(false);
    }
    const last = day(FILE_DATES.at(-1)!);
    const customers = byId(last.customer!, 'client_customer_id');
    const applications = byId(last.applications!, 'client_application_id');
    let commercial = 0;
    for (const row of last.accounts!) {
      const id = String(row.client_account_id);
      const holders = ids(row.account_holders);
      expect(holders.length, id).toBeGreaterThan(0);
      // The holder type agrees with the holders, and holders never mix people with businesses.
      const kinds = new Set(holders.map((holder) => customers.get(holder)!.customer_type));
      expect([...kinds].every((k) => k === 'individual') || [...kinds].every((k) => k !== 'individual'), id).toBe(true);
      expect(row.account_holder_type, id).toBe(kinds.has('individual') ? 'consumer' : 'commercial');
      if (row.account_holder_type === 'commercial' && row.status !== 'closed') {
        commercial += 1;
        expect(ids(row.authorized_signers).length, id).toBeGreaterThan(0);
        for (const signer of ids(row.authorized_signers)) expect(customers.get(signer)?.customer_type).toBe('individual');
      }
      if (row.application_id === null) {
        expect([row.credit_limit, row.max_credit_limit, row.available_credit, row.credit_score]).toEqual([null, null, null, null]);
        continue;
      }
      // A credit account comes from an approved application with its holders, and keeps the line in bounds.
      const application = applications.get(String(row.application_id))!;
      expect(application.status).toBe('approved');
      expect(application.account_holder_type).toBe(row.account_holder_type);
      expect(ids(application.account_holders).some((holder) => holders.includes(holder))).toBe(true);
      expect(cents(row.credit_limit) <= cents(row.max_credit_limit)).toBe(true);
      expect(cents(row.available_credit) >= 0n && cents(row.available_credit) <= cents(row.credit_limit)).toBe(true);
      expect([row.credit_pulled_at, row.credit_score, row.credit_report_source].every((v) => v !== null)).toBe(true);
    }
    expect(commercial).toBeGreaterThan(5);
    const all = allOf('accounts').map(({ row }) => row);
    expect(all.some((row) => row.status === 'inactive' && row.status_reason === 'frozen')).toBe(true);
    expect(all.some((row) => row.status === 'closed' && row.status_reason === 'entity_closed')).toBe(true);
    // The program closing an account itself sends the adverse action notice with it; nobody else does.
    for (const row of all) {
      const notice = [row.aan_delivered_at, row.aan_reason, row.aan_delivery_method];
      expect(notice.every((v) => v !== null), String(row.client_account_id)).toBe(row.status_reason === 'client_closed');
    }
    expect(all.some((row) => row.status_reason === 'client_closed')).toBe(true);
  });

  it('reports only final applications, declines with their whole adverse action notice', () => {
    const all = allOf('applications');
    const statuses = new Set(all.map(({ row }) => row.status));
    expect([...statuses].sort()).toEqual(['approved', 'canceled', 'declined']);
    const seen = new Set<string>();
    for (const { fileDate, row } of all) {
      const id = String(row.client_application_id);
      const notice = [row.aan_delivered_at, row.aan_reason, row.aan_delivery_method];
      expect(notice.every((v) => v !== null) || notice.every((v) => v === null), id).toBe(true);
      expect(notice.every((v) => v !== null), id).toBe(row.status === 'declined');
      expect([row.decided_at, row.decision_reason].every((v) => v !== null), id).toBe(true);
      const report = [row.credit_pulled_at, row.credit_score, row.credit_report_source];
      expect(report.every((v) => v !== null) || report.every((v) => v === null), id).toBe(true);
      expect(row.credit_limit !== null, id).toBe(row.status === 'approved');
      if (row.status === 'approved') {
        expect(report.every((v) => v !== null), id).toBe(true);
        expect(cents(row.credit_limit) <= cents(row.max_credit_limit)).toBe(true);
        if (row.account_holder_type === 'commercial') expect(ids(row.authorized_signers).length, id).toBeGreaterThan(0);
      }
      if (row.is_exception_approval === true) expect(row.status).toBe('approved');
      if (!seen.has(id)) {
        // First reported on the day it became final.
        seen.add(id);
        const window = activityWindow(fileDate);
        expect(instant(row.effective_at) >= window.start, id).toBe(true);
      }
    }
  });

  it('leaves applications still under review out of the file, and reports none on the credit program\'s Day 0', async () => {
    const { rows } = await sql<{ application_id: string }>`
      select a.application_id from ledger.applications a
      left join ledger.application_decisions d on d.application_id = a.application_id
      where d.application_id is null or d.decided_at >= ${activityWindow(FILE_DATES.at(-1)!).end.toISO()}::timestamptz`.execute(fresh.database.db);
    expect(rows.length).toBeGreaterThan(0);
    const reported = new Set(allOf('applications').map(({ row }) => String(row.client_application_id)));
    for (const { application_id } of rows) expect(reported.has(application_id)).toBe(false);
    const day0 = day(FILE_DATES[0]!);
    expect(day0.applications).toEqual([]);
    expect(day0.balances!.some((row) => row.type === 'credit')).toBe(false);
  });

  it('links every business to its control person and owners, and every sole proprietorship to its owner', () => {
    const last = day(FILE_DATES.at(-1)!);
    const customers = byId(last.customer!, 'client_customer_id');
    const links = last.customer_relationship!;
    for (const link of links) {
      expect(customers.get(String(link.client_individual_id))?.customer_type).toBe('individual');
      const parent = link.client_business_id ?? link.client_sole_prop_id;
      expect([link.client_business_id, link.client_sole_prop_id].filter((v) => v !== null)).toHaveLength(1);
      expect(customers.get(String(parent))?.customer_type).toBe(link.client_business_id !== null ? 'business' : 'sole_prop');
      expect(link.relationship_established_at).toMatch(TIMESTAMPTZ_TEXT);
    }
    const parents = [...customers.values()].filter((row) => row.customer_type !== 'individual');
    expect(parents.length).toBeGreaterThan(10);
    for (const parent of parents) {
      const id = String(parent.client_customer_id);
      const own = links.filter((link) => (link.client_business_id ?? link.client_sole_prop_id) === id && link.status === 'active');
      if (parent.customer_type === 'sole_prop') {
        expect(own.map((link) => link.relationship_type), id).toEqual(['sole_proprietor']);
        expect(parent.business_type).toBe('sole_prop');
      } else {
        expect(own.some((link) => link.relationship_type === 'control_person'), id).toBe(true);
        expect(own.every((link) => link.relationship_type !== 'sole_proprietor')).toBe(true);
      }
    }
    expect(links.some((link) => link.relationship_type === 'beneficial_owner')).toBe(true);
    // An owner who sold their stake stays in the file, deleted, from the day they left.
    const left = allOf('customer_relationship').filter(({ row }) => row.status === 'deleted');
    expect(left.length).toBeGreaterThan(0);
    for (const { fileDate, row } of left) {
      expect(row.relationship_type).toBe('beneficial_owner');
      for (const later of FILE_DATES.filter((date) => date > fileDate)) {
        const again = day(later).customer_relationship!.find((link) => link.client_individual_id === row.client_individual_id && link.relationship_type === row.relationship_type);
        expect(again?.status).toBe('deleted');
      }
    }
  });

  it('reports cards whose holder may use the account, closed ones with why and what replaced them', () => {
    for (const fileDate of FILE_DATES) {
      const accounts = byId(day(fileDate).accounts!, 'client_account_id');
      const cards = byId(day(fileDate).cards!, 'client_card_id');
      for (const card of cards.values()) {
        const id = String(card.client_card_id);
        const account = accounts.get(String(card.account_id))!;
        expect(account, id).toBeDefined();
        const closed = card.card_status === 'closed';
        expect([card.closed_at !== null, card.closed_reason !== null], id).toEqual([closed, closed]);
        if (account.status === 'closed') expect(card.card_status, id).toBe('closed');
        if (account.status === 'inactive') expect(card.card_status, id).not.toBe('active');
        if (!closed) {
          const mayUse = [...ids(account.account_holders), ...ids(account.authorized_users)];
          expect(mayUse, id).toContain(card.entity_id);
        }
        if (card.replaced_by !== null) {
          expect(closed).toBe(true);
          const replacement = cards.get(String(card.replaced_by))!;
          expect([replacement.entity_id, replacement.account_id]).toEqual([card.entity_id, card.account_id]);
        }
      }
    }
    const all = allOf('cards').map(({ row }) => row);
    expect(all.some((row) => row.replaced_by !== null)).toBe(true);
    expect(all.some((row) => row.card_type === 'commercial') && all.some((row) => row.card_type === 'consumer')).toBe(true);
  });

  it('reports authorized users added and taken off, and none still active on a closed account', () => {
    for (const fileDate of FILE_DATES) {
      const accounts = byId(day(fileDate).accounts!, 'client_account_id');
      for (const user of day(fileDate).authorized_users!) {
        const account = accounts.get(String(user.account_id))!;
        expect(account).toBeDefined();
        if (account.status === 'closed') expect(user.status).toBe('inactive');
        expect(ids(account.authorized_users).includes(String(user.entity_id))).toBe(user.status === 'active');
      }
    }
    expect(allOf('authorized_users').some(({ row }) => row.status === 'inactive')).toBe(true);
  });

  it('values each collateral at its pledged deposit balance, on the card account it secures', () => {
    for (const fileDate of FILE_DATES) {
      const balances = byId(day(fileDate).balances!, 'client_balance_id');
      for (const collateral of day(fileDate).collaterals!) {
        const pledged = balances.get(String(collateral.balance_id));
        if (!pledged) continue;
        expect([pledged.type, pledged.account_id]).toEqual(['deposit', collateral.account_id]);
        expect(cents(collateral.value_usd)).toBe(cents(pledged.balance));
        // A secured card's line is its deposit, until the deposit is paid back at closing.
        const line = day(fileDate).accounts!.find((row) => row.client_account_id === collateral.account_id)!;
        if (cents(collateral.value_usd) > 0n) expect(cents(line.credit_limit)).toBe(cents(collateral.value_usd));
      }
    }
    expect(allOf('collaterals').length).toBeGreaterThan(0);
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
