import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as stringifySync } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { createRowMapper } from '../../transform/map-row.js';
import { transactions } from '../../transform/file-types/transactions.js';
import { createProblemLog } from '../../transform/problem-log.js';
import { mapRows, valuesOf, writeLeadCsv as writeLines } from '../../transform/write-lead-csv.js';
import type { FileTypeSpec } from '../../transform/file-type-spec.js';
import type { MappedRow } from '../../transform/map-row.js';

async function writeLeadCsv(args: { spec: FileTypeSpec; rows: AsyncIterable<Record<string, unknown>>; mapRow: (row: Record<string, unknown>, line: number) => MappedRow; path: string }) {
  const problems = createProblemLog();
  const written = await writeLines({ header: args.spec.columns.map((c) => c.name), rows: valuesOf(mapRows(batchesOf(args.rows), args.mapRow, problems)), path: args.path });
  return { ...written, problems: problems.problems, problemCount: problems.count };
}

const context = { timestampZone: 'America/Chicago', programCurrency: 'USD', excessPrecision: 'error' as const, generatedAt: '2026-03-09T01:00:00-05:00' };

async function* fromArray<T>(items: T[]) {
  yield* items;
}

/** Rows as the extract hands them on: batches of up to three. */
async function* batchesOf<T>(rows: AsyncIterable<T>) {
  let batch: T[] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length === 3) yield batch.splice(0);
  }
  if (batch.length > 0) yield batch;
}

function transaction(id: string, amount: unknown, extra: Record<string, unknown> = {}) {
  return {
    client_transaction_id: id, balance_id: 'bal_1', card_id: null, client_settlement_group_id: null,
    client_settlement_bank_account_id: null, bin: null, amount, amount_in_usd: null, currency: 'USD',
    principal_amount: null, fee_amount: null, interest_amount: null, rewards_amount: null, type: 'debit',
    fee_type: null, action: 'applied', transfer_type: 'ach', settlement_date: '2026-03-08',
    effective_at: new Date('2026-03-08T15:30:00Z'), ...extra,
  };
}

describe('writeLeadCsv', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lead-etl-csv-'));

  it('writes a header-only file on a day with nothing to send', async () => {
    const path = join(dir, 'empty.csv');
    const written = await writeLeadCsv({ spec: transactions, rows: fromArray([]), mapRow: createRowMapper(transactions, context, 'q'), path });
    const content = readFileSync(path, 'utf8');
    expect(content).toBe(transactions.columns.map((c) => c.name).join('|') + '\n');
    expect(written).toMatchObject({ rows: 0, bytes: Buffer.byteLength(content), problemCount: 0 });
    expect(written.sha256).toBe(createHash('sha256').update(content).digest('hex'));
  });

  it('writes pipe-delimited UTF-8 lines with LF, offsets on timestamps and exact money', async () => {
    const path = join(dir, 'rows.csv');
    const rows = [transaction('txn_1', '-12.5'), transaction('txn_2', '250000.0000')];
    const written = await writeLeadCsv({ spec: transactions, rows: fromArray(rows), mapRow: createRowMapper(transactions, context, 'q'), path });
    const bytes = readFileSync(path);
    expect(bytes[0]).not.toBe(0xef); // no BOM
    const lines = bytes.toString('utf8').split('\n');
    expect(bytes.includes(Buffer.from('\r'))).toBe(false);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    expect(lines[1]).toBe('txn_1|bal_1|||||-12.50||USD|||||debit||applied|ach|2026-03-08|2026-03-09T01:00:00-05:00|2026-03-08T10:30:00-05:00');
    expect(lines[2]).toContain('|250000.00|');
    expect(written.rows).toBe(2);
  });

  it('quotes a value only when it holds the delimiter', async () => {
    const path = join(dir, 'quoted.csv');
    await writeLeadCsv({
      spec: transactions,
      rows: fromArray([transaction('txn|odd', '1.00')]),
      mapRow: createRowMapper(transactions, context, 'q'),
      path,
    });
    expect(readFileSync(path, 'utf8').split('\n')[1]!.startsWith('"txn|odd"|bal_1|')).toBe(true);
  });

  it('leaves bad rows out and names file type, line, record, column and rule', async () => {
    const path = join(dir, 'bad.csv');
    const written = await writeLeadCsv({
      spec: transactions,
      rows: fromArray([transaction('txn_ok', '1.00'), transaction('txn_bad', '1.005'), transaction('txn_nocur', '2', { type: 'teleport' })]),
      mapRow: createRowMapper(transactions, context, 'q'),
      path,
    });
    expect(written.rows).toBe(1);
    expect(written.problems).toEqual([
      expect.objectContaining({ fileType: 'transactions', line: 3, recordId: 'txn_bad', column: 'amount', rule: 'money.precision' }),
      expect.objectContaining({ fileType: 'transactions', line: 4, recordId: 'txn_nocur', column: 'type', rule: 'enum' }),
    ]);
  });

  it('writes a file of many batches byte for byte as one csv-stringify pass would, header once, every line ended', async () => {
    const path = join(dir, 'batches.csv');
    const header = ['id', 'note'];
    // Values csv-stringify quotes or may (delimiter, quote, line ends), and plain ones, mixed in a batch.
    const odd = ['a|b', 'say "hi"', 'two\nlines', 'cr\ronly', 'crlf\r\n', '|', '"', 'ünï ✓ 🏦', ' padded ', '=1+2', '-3', 'tab\there'];
    const lines = Array.from({ length: 1000 }, (_, i) => i % 97 === 1 ? [`id_${i}`] : i % 89 === 1 ? [`id_${i}`, 'x', 'past the header'] : [`id_${i}`, i % 255 === 0 ? `a|b "${i}"\nc` : i % 7 === 0 ? odd[i % odd.length]! : i % 2 ? '' : `n${i}`]);
    // Batches of every size, an empty one among them, as the stages before the writer hand them on.
    async function* rows() {
      for (let at = 0, size = 0; at < lines.length; at += size, size = (size * 7 + 3) % 300) yield lines.slice(at, at + size);
    }
    const written = await writeLines({ header, rows: rows(), path });
    const expected = stringifySync(lines, { delimiter: '|', record_delimiter: 'unix', header: true, columns: header, bom: false });
    const bytes = readFileSync(path);
    expect(bytes.toString('utf8')).toBe(expected);
    expect(written).toEqual({ rows: 1000, bytes: Buffer.byteLength(expected), sha256: createHash('sha256').update(expected).digest('hex') });
  });

  it('writes lines past its buffers byte for byte, a line longer than a buffer included', async () => {
    const path = join(dir, 'long.csv');
    const header = ['id', 'note'];
    const lines = Array.from({ length: 6000 }, (_, i) => [`id_${i}`, i === 2500 ? 'ü'.repeat(200_000) : i === 4000 ? `"${'x|'.repeat(150_000)}"` : `${'n'.repeat(i % 300)}${i % 11 === 0 ? '🏦' : ''}`]);
    async function* rows() {
      for (let at = 0; at < lines.length; at += 700) yield lines.slice(at, at + 700);
    }
    const written = await writeLines({ header, rows: rows(), path });
    const expected = stringifySync(lines, { delimiter: '|', record_delimiter: 'unix', header: true, columns: header, bom: false });
    expect(readFileSync(path).toString('utf8') === expected).toBe(true);
    expect(written).toEqual({ rows: 6000, bytes: Buffer.byteLength(expected), sha256: createHash('sha256').update(expected).digest('hex') });
  });

  it('removes a file whose rows fail half-way, and never writes over one that exists', async () => {
    const path = join(dir, 'half.csv');
    async function* failing() {
      for (let i = 0; i < 600; i += 1) yield [[`id_${i}`]];
      throw new Error('the ledger went away');
    }
    await expect(writeLines({ header: ['id'], rows: failing(), path })).rejects.toThrow('the ledger went away');
    expect(existsSync(path)).toBe(false);
    const taken = join(dir, 'taken.csv');
    writeFileSync(taken, 'kept');
    await expect(writeLines({ header: ['id'], rows: fromArray([[['x']]]), path: taken })).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(taken, 'utf8')).toBe('kept');
  });

  it('refuses a query whose columns do not match the file type', async () => {
    const { bin: _bin, ...withoutBin } = transaction('txn_1', '1.00');
    await expect(
      writeLeadCsv({ spec: transactions, rows: fromArray([{ ...withoutBin, surprise: 1 }]), mapRow: createRowMapper(transactions, context, 'tx.sql'), path: join(dir, 'shape.csv') }),
    ).rejects.toThrow(/tx.sql does not return the transactions columns: missing bin; unexpected surprise/);
  });
});
