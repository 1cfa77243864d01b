import { addDays, parseFileDate } from '../../core/file-date.js';
import {
  enumOf, generatedAtWith, optional, programMoneyWith, required, text, timestamp, type FileTypeSpec,
} from '../file-type-spec.js';
import { add, decimalsOf, decimalToUnits, equals, formatDecimal, isPlainDecimal, parseDecimal, powerOfTen, sign, ZERO, type Decimal } from '../money.js';
import { activityWindow } from '../../core/file-date.js';
import { amountOf, exactlyOne, instantOf, isNegative, recordRule, rule, statusReason } from '../validation/rule-kit.js';
import { activityFor, rollForward, ROLLFORWARDS, type DayActivities } from '../validation/rollforwards.js';
import type { Aggregate, CrossRecordRule, DateFinding, DateRule, PriorBalanceFact, RecordRule } from '../validation/rule-types.js';
import { APPLICATION_REQUIRED } from './accounts.js';
import { BALANCE_STATUSES, BALANCE_STATUS_REASONS, BALANCE_TYPES, CLOSED_REASONS } from './lead-enums.js';
import { DAY_ACTIVITY, type TransactionsActivity } from './transactions.js';

/**
 * Balances (Financial workflow): every balance not closed as of the end of T-1, zero balances too.
 * Lead's schema page breaks off at `balance`; the later columns are the ones its reconciliation formulas
 * name (../shared/lead-spec/balances.md, financial-validations.md). `generated_at` and `effective_at`
 * are not confirmed for this file but every other financial file has them: lead-etl writes them, and a
 * file without them is read with a warning. No currency column is confirmed either, so amounts use the
 * program's currency; the page does not say how many decimals they carry, so more than the currency's
 * only warns.
 */
export const UNKNOWN_BALANCE = rule('cross.unknown_balance', 'doc',
  'A `balance_id` names a balance in the Balances file of the same date or sent before.', 'transactions.md; collaterals.md; financial-validations.md §8.4');
const STATUS_REASON = rule('record.balance_status_reason', 'doc',
  'A balance\'s `status_reason` belongs to its `status` (receivable_transferred: receivable_sold_to_partner).', 'balances.md (statuses)');
const STATUS_TYPE = rule('record.balance_status_type', 'doc', 'Only a credit balance is `receivable_transferred`.', 'balances.md (statuses)');
const CREDIT_COMPOSITION = rule('record.credit_balance_composition', 'doc',
  'A credit balance equals `outstanding_principal + outstanding_interest + outstanding_fees`.', 'financial-validations.md §4');
const CREDIT_NEGATIVE = rule('record.credit_balance_negative', 'doc', 'A credit balance (what the customer owes) is reported as a positive number.', 'balances.md; financial-validations.md §4');
// Lead's data-objects page says every balance is positive, but Lead's validations list no such check for
// a deposit balance (an overdrawn one exists): it warns.
const DEPOSIT_NEGATIVE = rule('record.deposit_balance_negative', 'doc', 'A deposit balance is 0 or more: Lead\'s pages say balances are always positive (Lead lists no check for it, so it warns).', 'balances.md', 'warning');
const IDENTITY = rule('record.balance_identity', 'doc', 'A balance has exactly one of `client_balance_id` (created by file) and `id` (created by API).', 'balances.md');
const MISSING = rule('cross.balance_missing', 'doc',
  'Every balance reported in a non-terminal status on one date is in the next date\'s Balances file.', 'financial-validations.md §1, §8.1; balances.md');
const LATE = rule('cross.balance_reported_late', 'doc',
  'A balance is in the Balances file of the day after it was created, zero or not: one first reported later names the day it was created.', 'balances.md; financial-validations.md §1');

const money = programMoneyWith({ decimals: 'unknown' });

/** The Balances columns the roll-forwards read, to keep of each balance from one day to the next. */
const ROLLED_COLUMNS: readonly string[] = [...new Set(ROLLFORWARDS.map((r) => r.column))];

/** One balance of a Balances file, as the date's rules read it: its amounts as kept and nothing else. */
interface SnapshotRow {
  readonly line: number;
  readonly type: string;
  readonly status: string;
  /** created_at as an instant (NaN when not known). */
  readonly created?: number;
  /** By ROLLED_COLUMNS' index, as packRow keeps them: '' empty, NOT_DECIMAL when the value did not parse, else a plain decimal. */
  readonly amounts: readonly string[];
}

/**
 * The balances of a Balances file by id, kept from its rows to the date's end and on to the next date:
 * a big program's day has 100k of them, so each is one short string (`packRow`), not an object of
 * decimal objects, and is read back (`unpackRow`) when the date's rules run.
 */
type Snapshot = Map<string, string>;

/** An amount as kept: '' when empty, '?' when it is not a decimal, else its text. */
const NOT_DECIMAL = '?';
const SEPARATOR = '|';

function packRow(line: number, created: number | undefined, type: string, status: string, amounts: Readonly<Record<string, string | null | undefined>>): string {
  const kept = ROLLED_COLUMNS.map((column) => {
    const value = amounts[column];
    return value === undefined || value === '' ? '' : value === null || !isPlainDecimal(value) ? NOT_DECIMAL : value;
  });
  return packKept(line, created, type, status, kept);
}

function packKept(line: number, created: number | undefined, type: string, status: string, kept: readonly string[]): string {
  // The status goes last: it is the one field that is not an enum value or a number when it comes from history.
  return [String(line), created === undefined ? '' : String(created), type, ...kept, status].join(SEPARATOR);
}

// The amounts stay text until a rule does arithmetic on them: a day checks 100k balances, nearly all of them right.
function unpackRow(packed: string): SnapshotRow {
  const fields = packed.split(SEPARATOR);
  const fixed = 3 + ROLLED_COLUMNS.length;
  return {
    line: Number(fields[0]),
    type: fields[2]!,
    status: fields.length === fixed + 1 ? fields[fixed]! : fields.slice(fixed).join(SEPARATOR),
    ...(fields[1] === '' ? {} : { created: Number(fields[1]) }),
    amounts: fields.slice(3, fixed),
  };
}

/** Where each formula of ROLLFORWARDS finds its column among a row's kept amounts. */
const FORMULA_AMOUNT = ROLLFORWARDS.map((formula) => ROLLED_COLUMNS.indexOf(formula.column));

/**
 * Whether today's amount is yesterday's plus the day's activity, in integer units at the most decimals
 * any of the three has ('' counts as 0): the same answer as the decimal arithmetic of rollForward, which
 * only the balances that fail it go through, for their message.
 */
function rollsForward(todayText: string, beforeText: string, activities: DayActivities, slot: number | undefined, formula: number): boolean {
  const activityScale = slot === undefined ? 0 : activities.scaleAt(slot);
  const scale = Math.max(todayText === '' ? 0 : decimalsOf(todayText) ?? 0, beforeText === '' ? 0 : decimalsOf(beforeText) ?? 0, activityScale);
  const today = todayText === '' ? 0n : decimalToUnits(todayText, scale);
  const before = beforeText === '' ? 0n : decimalToUnits(beforeText, scale);
  const added = slot === undefined ? 0n : activities.unitsAt(slot, formula) * powerOfTen(scale - activityScale);
  return today === before + added;
}

const TERMINAL = ['closed', 'receivable_transferred'];

const snapshot: Aggregate<Snapshot> = {
  name: 'snapshot',
  reads: ['client_balance_id', 'id', 'type', 'status', 'created_at', ...ROLLED_COLUMNS],
  start: () => new Map(),
  add(balances, row, line, failed) {
    const id = row.get('client_balance_id') || row.get('id');
    const type = row.get('type');
    if (id === '' || (type !== 'deposit' && type !== 'credit')) return;
    const amounts: Record<string, string | null> = {};
    for (const column of ROLLED_COLUMNS) amounts[column] = failed(column) ? null : row.get(column);
    balances.set(id, packRow(line, instantOf(row.get('created_at')), type, row.get('status'), amounts));
  },
};

/** Yesterday's balances as the state store sent them, packed as they stream in. */
async function fromHistory(prior: AsyncIterable<readonly [string, PriorBalanceFact]> | undefined): Promise<Snapshot | undefined> {
  if (!prior) return undefined;
  const balances: Snapshot = new Map();
  for await (const [id, b] of prior) balances.set(id, packRow(0, undefined, b.type, b.status, b.amounts));
  return balances;
}

/**
 * Coverage and roll-forwards: a date's Balances file against the one of the day before (in the set,
 * or the state store's) and the date's Transactions file.
 */
const rollForwards: DateRule = {
  rules: [MISSING, LATE, ...ROLLFORWARDS.map((r) => r.rule)],
  async check(context) {
    const balances = context.files.find((f) => f.fileType === 'balances');
    if (!balances || !/^\d{4}-\d{2}-\d{2}$/.test(context.date)) return { findings: [], keep: context.kept };
    const kept = context.kept as { date: string; snapshot: Snapshot; seen: Set<string> } | undefined;
    const today = balances.aggregate<Snapshot>('snapshot') ?? new Map();
    const yesterday = addDays(parseFileDate(context.date), -1);
    // The set's first Balances file on Day 0 rolls forward from nothing: no balance existed before.
    const reported = kept?.date === yesterday ? kept.snapshot : await fromHistory(await context.balancesOf(yesterday));
    const previous: Snapshot | undefined = reported ?? (context.fromDay0 && !kept ? new Map() : undefined);
    // Every balance a Balances file of the set reported, to tell a balance new today from one dropped a day.
    const seen = new Set(kept?.seen);
    for (const id of previous?.keys() ?? []) seen.add(id);
    const everSeen = new Set(seen);
    for (const id of today.keys()) everSeen.add(id);
    const keep = { date: context.date, snapshot: today, seen: everSeen };
    if (!balances.passed) return { findings: [], keep };
    if (!previous) return { findings: [], keep, notes: [{ file: balances.file, note: `roll-forwards not checked: no Balances file dated ${yesterday} in the set or history` }] };

    const findings: DateFinding[] = [];
    const idColumn = balances.columnName('client_balance_id');
    for (const [id, packed] of previous) {
      if (today.has(id)) continue;
      const row = unpackRow(packed);
      if (!TERMINAL.includes(row.status)) {
        findings.push({
          file: balances.file, line: 0, column: idColumn, rule: MISSING.code,
          message: `balance ${id} was ${row.status} in the file dated ${yesterday} and is not in this one; every balance not closed is reported every day, zero balances too`,
        });
      }
    }
    // Created before yesterday's file's day began, and never reported: it belonged in yesterday's file.
    const yesterdayStarts = activityWindow(parseFileDate(context.date)).start.toMillis();
    for (const [id, packed] of reported ? today : []) {
      if (seen.has(id)) continue;
      const row = unpackRow(packed);
      // On Day 0 there is no file before (no `reported`): its balances may be as old as the program.
      if (!(row.created !== undefined && row.created < yesterdayStarts)) continue;
      findings.push({
        file: balances.file, line: row.line, column: balances.columnName('created_at'), rule: LATE.code,
        message: `balance ${id} was created before ${activityWindow(parseFileDate(yesterday)).activityDate} ended but is not in the file dated ${yesterday}; a balance is reported from the day after it is created, zero or not`,
      });
    }
    const transactions = context.files.find((f) => f.fileType === 'transactions');
    if (!transactions) return { findings, keep, notes: [{ file: balances.file, note: `roll-forwards not checked: no Transactions file dated ${context.date} in the set` }] };
    const activity = transactions.aggregate<TransactionsActivity>(DAY_ACTIVITY);
    if (!transactions.readable || !activity) {
      return { findings, keep, notes: [{ file: balances.file, note: `roll-forwards not checked: the Transactions file dated ${context.date} has lines that could not be read` }] };
    }
    for (const [id, packed] of today) {
      if (activity.unsummable.has(id)) continue;
      const packedBefore = previous.get(id);
      // Missing from yesterday's file (that file's finding): its value then is not known.
      if (packedBefore === undefined && seen.has(id)) continue;
      const row = unpackRow(packed);
      const before = packedBefore === undefined ? undefined : unpackRow(packedBefore);
      const slot = activity.byBalance.slotOf(id);
      let corrected: string[] | undefined;
      for (let f = 0; f < ROLLFORWARDS.length; f += 1) {
        const formula = ROLLFORWARDS[f]!;
        if (formula.balanceType !== row.type) continue;
        const todayText = row.amounts[FORMULA_AMOUNT[f]!]!;
        if (todayText === NOT_DECIMAL || (todayText === '' && formula.empty === 'skip')) continue;
        const beforeText = before ? before.amounts[FORMULA_AMOUNT[f]!]! : '';
        if (beforeText === NOT_DECIMAL) continue;
        if (rollsForward(todayText, beforeText, activity.byBalance, slot, f)) continue;
        const beforeValue = beforeText === '' ? ZERO : parseDecimal(beforeText)!;
        const added = activityFor(formula, activity.byBalance.get(id));
        const message = rollForward(formula, id, todayText === '' ? ZERO : parseDecimal(todayText)!, beforeValue, added, { today: context.date, yesterday });
        if (!message) continue;
        findings.push({ file: balances.file, line: row.line, column: balances.columnName(formula.column), rule: formula.rule.code, message });
        // Tomorrow rolls forward from what today should have been: one wrong figure is one finding.
        (corrected ??= [...row.amounts])[FORMULA_AMOUNT[f]!] = formatDecimal(add(beforeValue, added), 0);
      }
      if (corrected) today.set(id, packKept(row.line, row.created, row.type, row.status, corrected));
    }
    return { findings, keep };
  },
};

const records: readonly RecordRule[] = [
  statusReason(STATUS_REASON, {
    active: ['active'],
    inactive: ['dormant', 'frozen', 'other'],
    closed: CLOSED_REASONS,
    receivable_transferred: ['receivable_sold_to_partner'],
  }),
  recordRule(STATUS_TYPE, ['status', 'type'], (row) =>
    (row.get('status') === 'receivable_transferred' && row.get('type') !== 'credit'
      ? [{ column: 'status', message: `status receivable_transferred is for credit balances; this one is ${row.get('type')}` }]
      : [])),
  recordRule(CREDIT_COMPOSITION, ['type', 'balance', 'outstanding_principal', 'outstanding_interest', 'outstanding_fees'], (row) => {
    if (row.get('type') !== 'credit') return [];
    const parts = ['outstanding_principal', 'outstanding_interest', 'outstanding_fees'].map((c) => row.get(c));
    const sum = parts.reduce<Decimal>((total, p) => add(total, amountOf(p)), ZERO);
    return equals(sum, amountOf(row.get('balance'))) ? [] : [{
      column: 'balance',
      message: `credit balance ${row.get('balance')} is not outstanding_principal + outstanding_interest + outstanding_fees (${parts.map((p) => p || '0').join(' + ')} = ${formatDecimal(sum)})`,
    }];
  }),
  recordRule(CREDIT_NEGATIVE, ['type', 'balance'], (row) =>
    (row.get('type') === 'credit' && isNegative(row.get('balance'))
      ? [{ column: 'balance', message: `credit balance ${row.get('balance')} is negative; report what the customer owes as a positive amount` }]
      : [])),
  recordRule(DEPOSIT_NEGATIVE, ['type', 'balance'], (row) =>
    (row.get('type') === 'deposit' && sign(amountOf(row.get('balance'))) < 0
      ? [{ column: 'balance', message: `deposit balance ${row.get('balance')} is negative; Lead's balances are 0 or more` }]
      : [])),
  exactlyOne(IDENTITY, ['client_balance_id', 'id'], 'client_balance_id (a balance created by file) or id (created by API)'),
];

/** A credit balance of an account sent on an earlier date without its application (accounts.ts checks it on the same date). */
const applicationRequired: CrossRecordRule = {
  ...APPLICATION_REQUIRED,
  reads: ['type', 'account_id'],
  needs: (row) => (row.get('type') === 'credit' ? [{ kind: 'accounts', id: row.get('account_id') }] : []),
  check(row, facts, context) {
    if (row.get('type') !== 'credit') return [];
    const account = facts.get('accounts', row.get('account_id'));
    if (!account || account.fileDate === context.fileDate) return [];
    if (!account.complete) return 'unchecked';
    return account.values.application_id === ''
      ? [{ column: 'account_id', message: `account ${row.get('account_id')} was sent in ${account.where} without an application_id; an account with a credit balance names its application` }]
      : [];
  },
};

export const balances: FileTypeSpec = {
  id: 'balances',
  title: 'Balances',
  token: 'balances',
  folder: 'balances',
  workflow: 'financial',
  rule: 'daily-snapshot',
  recordIdColumn: 'client_balance_id',
  queryFile: 'balances.sql',
  source: 'lead-spec/balances.md',
  columns: [
    required('account_id', text),
    optional('client_balance_id', text),
    optional('id', text),
    required('client_balance_name', text),
    optional('client_settlement_bank_account_id', text),
    required('created_at', timestamp),
    required('status', enumOf(...BALANCE_STATUSES)),
    required('status_reason', enumOf(...BALANCE_STATUS_REASONS)),
    required('type', enumOf(...BALANCE_TYPES)),
    required('balance', money),
    optional('rewards_balance', money),
    optional('interest_accrued_balance', money),
    optional('dispute_balance', money),
    optional('charge_off_balance', money),
    optional('past_due_balance', money),
    optional('outstanding_principal', money),
    // Inferred from "*balance = *principal + *interest + *fees" and the API; not seen in the file docs.
    optional('outstanding_interest', money, { presenceUnknown: true }),
    optional('outstanding_fees', money),
    generatedAtWith({ presenceUnknown: true }),
    required('effective_at', timestamp, { presenceUnknown: true }),
  ],
  // A closed balance leaves the snapshot, and one whose receivable went to the partner is omitted from
  // every later Balances file (sales.md): neither comes back once sent so.
  terminal: { column: 'status', values: TERMINAL },
  uncertain: [
    'File-name token not confirmed by Lead (default: the id; the folder balances is documented).',
    'Columns after balance: taken from the reconciliation formulas, not the schema.',
    'generated_at and effective_at are not confirmed for this file.',
    'No currency column is confirmed: amounts use the program currency; how many decimals they carry is not said.',
  ],
  // A balance created through Lead's API is known by Lead's `id`, not a client_balance_id.
  produces: { columns: ['client_balance_id', 'id'], complete: 'same-date', leadIdPrefixes: ['subledger_balance_'], unknown: UNKNOWN_BALANCE },
  references: [{ column: 'account_id', to: 'accounts' }],
  validation: {
    records,
    facts: [
      {
        kind: 'balances',
        reads: ['client_balance_id', 'id', 'type', 'status', 'account_id'],
        key: (row) => row.get('client_balance_id') || row.get('id') || undefined,
        values: (row) => ({ type: row.get('type'), status: row.get('status'), account_id: row.get('account_id') }),
      },
      {
        // The accounts that hold a credit balance: their application_id is required (accounts.ts).
        kind: 'balances.credit_account',
        reads: ['client_balance_id', 'id', 'type', 'account_id'],
        key: (row) => (row.get('type') === 'credit' ? row.get('account_id') || undefined : undefined),
        values: (row) => ({ balance: row.get('client_balance_id') || row.get('id') }),
      },
    ],
    crossRecords: [applicationRequired],
    aggregates: [snapshot],
    dateRules: [rollForwards],
  },
};
