import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { DateTime } from 'luxon';
import { activityWindow, addDays, asOfInstant, type FileDate } from '../core/file-date.js';
import { salesRequest } from '../transform/file-types/sales-request.js';

/**
 * Lead's side of the sales handshake, played locally: from the Transactions files Lead received, the
 * receivables whose disbursements settled `holdDays` before the sale date are sold, one row per balance,
 * with imputed interest for the hold, per ../shared/lead-spec/sales.md:
 *   settlement_amount = outstanding_principal + settled_transactions_amount + imputed_interest_accrued
 * Lead posts a file every day, empty when nothing is sold. Amounts are computed in integer micro-units;
 * imputed interest is written with up to 6 decimals (trailing zeros removed, as Lead writes it), the
 * other amounts in cents (Lead may drop their trailing zeros too; lead-etl reads both).
 */
export interface SalesRequestOptions {
  /** The folder the SFTP server serves as `/`. */
  readonly sftpRoot: string;
  readonly fileDate: FileDate;
  readonly holdDays?: number;
  /** Annual rate of imputed interest, in basis points. */
  readonly imputedRateBps?: number;
  readonly transactionsFolder?: string;
  /**
   * The Transactions files Lead processed (local paths); by default every file in the folder. A
   * version Lead rejected never reached its books, so it must not count.
   */
  readonly transactionsFiles?: readonly string[];
  readonly folder?: string;
  readonly token?: string;
  readonly generatedAt: DateTime;
}

const MICRO = 1_000_000n;

export async function postSalesRequest(options: SalesRequestOptions): Promise<{ path: string; rows: number }> {
  const hold = options.holdDays ?? 3;
  const rateBps = BigInt(options.imputedRateBps ?? 1800);
  const startDate = addDays(options.fileDate, -hold);
  const byBalance = new Map<string, { principal: bigint; currency: string }>();
  const transactionsDir = join(options.sftpRoot, options.transactionsFolder ?? 'transactions');
  const files = options.transactionsFiles ??
    (existsSync(transactionsDir) ? readdirSync(transactionsDir).filter((n) => n.endsWith('.csv')).map((n) => join(transactionsDir, n)) : []);
  for (const file of files) {
    const rows = parse(readFileSync(file, 'utf8'), { delimiter: '|', columns: true }) as Record<string, string>[];
    for (const row of rows) {
      if (row.type !== 'disbursement' || row.settlement_date !== startDate) continue;
      const entry = byBalance.get(row.balance_id!) ?? { principal: 0n, currency: row.currency ?? 'USD' };
      entry.principal += toMicro(row.principal_amount || row.amount!);
      byBalance.set(row.balance_id!, entry);
    }
  }
  const generatedAt = options.generatedAt.toISO({ suppressMilliseconds: true })!;
  // Like the partner's daily files, the request describes T-1: its rows are as of the end of that day.
  const effectiveAt = asOfInstant(activityWindow(options.fileDate)).toISO({ suppressMilliseconds: true })!;
  const records = [...byBalance.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([balanceId, { principal, currency }]) => {
    const interest = (principal * rateBps * BigInt(hold) + 5000n * 365n) / (10_000n * 365n);
    return {
      sale_id: `sale_${options.fileDate.replaceAll('-', '')}_${balanceId}`,
      balance_id: balanceId,
      start_date: startDate,
      sale_date: options.fileDate,
      funded_amount: cents(principal),
      outstanding_principal: cents(principal),
      settled_transactions_amount: '0.00',
      imputed_interest_accrued: fromMicro(interest),
      // Lead gives only imputed interest more decimals than the currency has; the amount due is in cents.
      settlement_amount: cents(roundToCents(principal + interest)),
      currency,
      generated_at: generatedAt,
      effective_at: effectiveAt,
    };
  });
  const dir = join(options.sftpRoot, options.folder ?? salesRequest.folder);
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${options.fileDate}_${options.token ?? salesRequest.token}_V1.csv`);
  const text = stringify(records, { delimiter: '|', header: true, columns: salesRequest.columns.map((c) => c.name), record_delimiter: 'unix' });
  // Posted whole, like Lead does: a reader never sees half a file.
  await writeFile(`${path}.tmp`, text || salesRequest.columns.map((c) => c.name).join('|') + '\n');
  await rename(`${path}.tmp`, path);
  return { path, rows: records.length };
}

/** Half-to-even, as money is rounded everywhere in lead-etl. */
function roundToCents(micro: bigint): bigint {
  const unit = 10_000n;
  const whole = micro / unit;
  const rest = micro % unit;
  const up = rest > unit / 2n || (rest === unit / 2n && whole % 2n !== 0n);
  return (up ? whole + 1n : whole) * unit;
}

/** Micro-units (already whole cents) to a decimal with exactly 2 digits. */
function cents(micro: bigint): string {
  const negative = micro < 0n;
  const abs = negative ? -micro : micro;
  return `${negative ? '-' : ''}${abs / MICRO}.${((abs % MICRO) / 10_000n).toString().padStart(2, '0')}`;
}

function toMicro(text: string): bigint {
  const [whole, fraction = ''] = text.replace('-', '').split('.');
  const value = BigInt(whole!) * MICRO + BigInt(fraction.padEnd(6, '0').slice(0, 6));
  return text.startsWith('-') ? -value : value;
}

function fromMicro(value: bigint): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const fraction = (abs % MICRO).toString().padStart(6, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${abs / MICRO}${fraction ? `.${fraction}` : ''}`;
}
