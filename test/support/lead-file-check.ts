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
const MONEY_COLUMNS = new Set(['amount', 'balance', 'rewards_balance', 'interest_accrued_balance', 'dispute_balance', 'charge_off_balance', 'rewards_amount']);
const EXCLUDED_FROM_BALANCE = new Set(['interest_accrued', 'dispute_won']);

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
  const activityByDate = new Map<string, Map<string, bigint>>();

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
        if (column.endsWith('_at') && column !== 'generated_at' && column !== 'created_at') {
          const day = DateTime.fromISO(value, { setZone: true }).setZone('America/Chicago').toISODate();
          if (day !== windowStart.toISODate()) errors.push(`${where}:${line} ${column} ${value} is not on T-1 (${windowStart.toISODate()}) in America/Chicago`);
        }
      }
    });
    if (file.token === 'transactions') {
      const activity = new Map<string, bigint>();
      for (const row of file.rows) {
        const id = row.client_transaction_id!;
        if (seenTransactions.has(id)) errors.push(`${where}: transaction ${id} was already sent in ${seenTransactions.get(id)}`);
        seenTransactions.set(id, where);
        if (!EXCLUDED_FROM_BALANCE.has(row.type!)) activity.set(row.balance_id!, (activity.get(row.balance_id!) ?? 0n) + cents(row.amount!));
      }
      activityByDate.set(file.fileDate, activity);
    }
    if (file.token === 'balances') {
      const balances = new Map<string, bigint>();
      for (const row of file.rows) {
        if (balances.has(row.client_balance_id!)) errors.push(`${where}: balance ${row.client_balance_id} appears twice`);
        balances.set(row.client_balance_id!, cents(row.balance!));
      }
      balancesByDate.set(file.fileDate, balances);
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
  }
  return errors;
}
