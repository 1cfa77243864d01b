import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';

/**
 * An independent reading of what lead-etl sent, for tests: it parses the files with another CSV library
 * and checks Lead's rules from ../shared/lead-spec without using any of lead-etl's own formatting code.
 */
export interface SentFile {
  readonly path: string;
  readonly fileDate: string;
  readonly token: string;
  readonly version: number;
  readonly header: string[];
  readonly rows: Record<string, string>[];
}

const NAME = /^(\d{4}-\d{2}-\d{2})_([a-z_]+)_V(\d+)\.csv$/;
const MONEY = /^-?\d+\.\d{2}$/;
const OFFSET_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$/;
const MONEY_COLUMNS = new Set([
  'amount', 'balance', 'rewards_balance', 'interest_accrued_balance', 'dispute_balance', 'charge_off_balance', 'rewards_amount',
  'principal_amount', 'fee_amount', 'interest_amount', 'outstanding_principal', 'outstanding_interest', 'outstanding_fees',
  'past_due_balance', 'credit_limit', 'max_credit_limit', 'available_credit',
]);
// Lead's roll-forward exclusions (financial-validations.md): deposit §3, credit §4.
const EXCLUDED_FROM_BALANCE: Record<string, Set<string>> = {
  deposit: new Set(['interest_accrued', 'dispute_won']),
  credit: new Set(['charge_off_recovery', 'dispute_won']),
};
const EXCLUDED_FROM_PRINCIPAL = new Set(['fee', 'interest_accrued', 'charge_off_recovery', 'dispute_won']);

export function readSentFiles(root: string): SentFile[] {
  const files: SentFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(readSentFile(path));
    }
  };
  walk(root);
  return files.sort((a, b) => a.fileDate.localeCompare(b.fileDate) || a.token.localeCompare(b.token));
}

function readSentFile(path: string): SentFile {
  const match = NAME.exec(basename(path));
  if (!match) throw new Error(`${path}: name is not <date>_<type>_V<n>.csv`);
  const text = readFileSync(path, 'utf8');
  const records = parse(text, { delimiter: '|', relax_column_count: false }) as string[][];
  const [header = [], ...body] = records;
  return {
    path, fileDate: match[1]!, token: match[2]!, version: Number(match[3]), header,
    rows: body.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? '']))),
  };
}

const cents = (text: string) => {
  const [whole, fraction = ''] = text.replace('-', '').split('.');
  const value = BigInt(whole! + fraction.padEnd(2, '0'));
  return text.startsWith('-') ? -value : value;
};

export function checkSentFiles(root: string): string[] {
  const errors: string[] = [];
  const files = readSentFiles(root);
  const seenTransactions = new Map<string, string>();
  const balancesByDate = new Map<string, Map<string, bigint>>();
  const principalByDate = new Map<string, Map<string, bigint>>();
  const activityByDate = new Map<string, Map<string, bigint>>();
  const principalActivityByDate = new Map<string, Map<string, bigint>>();
  // A balance's type (deposit or credit) decides its roll-forward; read every Balances file first.
  const balanceType = new Map<string, string>();
  for (const file of files.filter((f) => f.token === 'balances')) for (const row of file.rows) balanceType.set(row.client_balance_id!, row.type!);

  for (const file of files) {
    const raw = readFileSync(file.path);
    const where = basename(file.path);
    if (raw[0] === 0xef) errors.push(`${where}: starts with a BOM`);
    if (raw.includes(0x0d)) errors.push(`${where}: has CR line ends`);
    if (!raw.toString('utf8').endsWith('\n')) errors.push(`${where}: does not end with LF`);
    if (file.header.some((h) => h !== h.toLowerCase() || h === '')) errors.push(`${where}: header is not lower-case`);
    const windowStart = DateTime.fromISO(file.fileDate, { zone: 'America/Chicago' }).minus({ days: 1 });
    file.rows.forEach((row, index) => {
      const line = index + 2;
      for (const [column, value] of Object.entries(row)) {
        if (value === '') continue;
        if (MONEY_COLUMNS.has(column) && !MONEY.test(value)) errors.push(`${where}:${line} ${column} "${value}" is not money with 2 decimals`);
        if (column.endsWith('_at') && !OFFSET_TIMESTAMP.test(value)) errors.push(`${where}:${line} ${column} "${value}" is not ISO 8601 with an offset`);
        if (column === 'effective_at') {
          const day = DateTime.fromISO(value, { setZone: true }).setZone('America/Chicago').toISODate();
          if (day !== windowStart.toISODate()) errors.push(`${where}:${line} ${column} ${value} is not on T-1 (${windowStart.toISODate()}) in America/Chicago`);
        }
      }
    });
    if (file.token === 'transactions') {
      const activity = new Map<string, bigint>();
      const principalActivity = new Map<string, bigint>();
      for (const row of file.rows) {
        const id = row.client_transaction_id!;
        if (seenTransactions.has(id)) errors.push(`${where}: transaction ${id} was already sent in ${seenTransactions.get(id)}`);
        seenTransactions.set(id, where);
        const kind = balanceType.get(row.balance_id!) ?? 'deposit';
        if (!EXCLUDED_FROM_BALANCE[kind]!.has(row.type!)) activity.set(row.balance_id!, (activity.get(row.balance_id!) ?? 0n) + cents(row.amount!));
        if (kind === 'credit') {
          const parts = [row.principal_amount, row.fee_amount, row.interest_amount].map((v) => cents(v || '0'));
          if (parts.reduce((a, b) => a + b, 0n) !== cents(row.amount!)) {
            errors.push(`${where}: credit transaction ${id} amount ${row.amount} is not principal + fee + interest (${row.principal_amount} + ${row.fee_amount} + ${row.interest_amount})`);
          }
          if (!EXCLUDED_FROM_PRINCIPAL.has(row.type!)) principalActivity.set(row.balance_id!, (principalActivity.get(row.balance_id!) ?? 0n) + parts[0]!);
        }
      }
      activityByDate.set(file.fileDate, activity);
      principalActivityByDate.set(file.fileDate, principalActivity);
    }
    if (file.token === 'balances') {
      const balances = new Map<string, bigint>();
      const principals = new Map<string, bigint>();
      for (const row of file.rows) {
        if (balances.has(row.client_balance_id!)) errors.push(`${where}: balance ${row.client_balance_id} appears twice`);
        balances.set(row.client_balance_id!, cents(row.balance!));
        if (row.type === 'credit') {
          const principal = cents(row.outstanding_principal || '0');
          principals.set(row.client_balance_id!, principal);
          const sum = principal + cents(row.outstanding_interest || '0') + cents(row.outstanding_fees || '0');
          if (sum !== cents(row.balance!)) errors.push(`${where}: credit balance ${row.client_balance_id} ${row.balance} is not principal + interest + fees`);
          if (cents(row.balance!) < 0n) errors.push(`${where}: credit balance ${row.client_balance_id} is negative`);
        }
      }
      balancesByDate.set(file.fileDate, balances);
      principalByDate.set(file.fileDate, principals);
    }
  }

  // Lead's deposit roll-forward: balance(T) = balance(T-1) + the day's transactions (minus excluded types).
  const dates = [...balancesByDate.keys()].sort();
  for (let i = 0; i < dates.length; i += 1) {
    const date = dates[i]!;
    const today = balancesByDate.get(date)!;
    const yesterday = i > 0 ? balancesByDate.get(dates[i - 1]!)! : new Map<string, bigint>();
    const activity = activityByDate.get(date) ?? new Map<string, bigint>();
    for (const [id, balance] of today) {
      const expected = (yesterday.get(id) ?? 0n) + (activity.get(id) ?? 0n);
      if (expected !== balance) errors.push(`${date}: balance ${id} is ${balance} cents, roll-forward expects ${expected}`);
    }
    for (const [id, amount] of activity) {
      if (!today.has(id) && amount !== 0n) errors.push(`${date}: balance ${id} moved by ${amount} cents but is not in the Balances file`);
    }
    // Credit: outstanding_principal(t) = outstanding_principal(t-1) + principal activity.
    const principalToday = principalByDate.get(date) ?? new Map<string, bigint>();
    const principalYesterday = i > 0 ? principalByDate.get(dates[i - 1]!) ?? new Map<string, bigint>() : new Map<string, bigint>();
    const principalActivity = principalActivityByDate.get(date) ?? new Map<string, bigint>();
    for (const [id, principal] of principalToday) {
      const expected = (principalYesterday.get(id) ?? 0n) + (principalActivity.get(id) ?? 0n);
      if (expected !== principal) errors.push(`${date}: credit balance ${id} outstanding_principal is ${principal} cents, roll-forward expects ${expected}`);
    }
  }
  return errors;
}
