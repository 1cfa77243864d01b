import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../config/load-profile.js';
import { programFilesOf } from '../../transform/program-file-types.js';
import { packagePath } from '../../core/package-root.js';
import { byteChecks } from '../../transform/validation/byte-checks.js';
import { isoInstant, parseIsoTimestamp } from '../../transform/validation/iso-timestamp.js';
import { idsIn } from '../../transform/validation/rule-kit.js';
import { validateFiles, type ValidationOptions } from '../../transform/validation/validate-files.js';
import { memoryHistory } from '../support/memory-history.js';

const GOOD = packagePath('test', 'fixtures', 'validation', 'good');
const good = (path: string) => readFileSync(join(GOOD, path), 'utf8');

/** Writes files (relative path → text) into a fresh folder and returns it. */
function set(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'lead-etl-validate-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** A CSV field holding quotes, written as Lead's writer writes it. */
const csvQuoted = (text: string) => `"${text.replaceAll('"', '""')}"`;

async function rules(dir: string, options: ValidationOptions = {}) {
  return (await validateFiles([dir], options)).findings.map((f) => `${f.file.slice(dir.length + 1)}:${f.line}:${f.column}:${f.rule}`);
}

const BALANCES_1 = 'balances/2026-03-06_balances_V1.csv';
const TRANSACTIONS_1 = 'transactions/2026-03-06_transactions_V1.csv';
const ACCOUNTS_1 = 'accounts/2026-03-06_accounts_V1.csv';

describe('validateFiles', () => {
  it('reads a program\'s own tokens, version format and column names from its profile', async () => {
    const dir = set({
      'acme.json': JSON.stringify({
        name: 'acme', kind: 'deposit', fileTypes: ['accounts'],
        files: { accounts: { token: 'account', versionFormat: '{n:3}', columns: { rename: { status_reason: 'reason' }, add: [{ name: 'documents', type: 'documents' }] } } },
      }),
    });
    const loaded = loadProfile(join(dir, 'acme.json'), dir);
    const program = { files: programFilesOf(loaded), profile: loaded.profile };
    const badDocument = csvQuoted(JSON.stringify([{ document_id: '../etc/passwd', type: 'aan' }]));
    const [header, first, second, third] = good(ACCOUNTS_1).trimEnd().split('\n');
    const file = [
      `${header!.replace('|status_reason|', '|reason|')}|documents`,
      `${first!.replace('|active|active|', '|active|frozen|')}|`,
      `${second}|${badDocument}`,
      `${third}|`,
    ].join('\n') + '\n';
    const files = set({ 'acct/2026-03-06_account_001.csv': file });
    expect(await rules(files, { program })).toEqual([
      'acct/2026-03-06_account_001.csv:2:reason:record.account_status_reason',
      'acct/2026-03-06_account_001.csv:3:documents:format.documents',
    ]);
    // Without the profile the token is only one Lead's pages also use (a warning), and the program's
    // own columns are unknown.
    expect(await rules(files)).toEqual([
      'acct/2026-03-06_account_001.csv:0::integrity.file_type_token',
      'acct/2026-03-06_account_001.csv:0::integrity.version_format',
      'acct/2026-03-06_account_001.csv:1:documents:integrity.unknown_column',
      'acct/2026-03-06_account_001.csv:1:reason:integrity.unknown_column',
      'acct/2026-03-06_account_001.csv:1:status_reason:integrity.missing_column',
    ]);
  });

  it('lets a deposit transaction carry more decimals than its currency, and only a deposit one', async () => {
    const transactions = good(TRANSACTIONS_1).replace('|100.00||USD|', '|100.000||USD|');
    const balances = good(BALANCES_1);
    expect(await rules(set({ [BALANCES_1]: balances, [TRANSACTIONS_1]: transactions }))).toEqual([]);
    // On its own the balance's type is unknown, so it must have the digits every program may use...
    expect(await rules(set({ [TRANSACTIONS_1]: transactions }))).toEqual([`${TRANSACTIONS_1}:2:amount:format.money.decimals`]);
    // ...unless the program is a deposit one (which also owes the day's other Financial files).
    expect(await rules(set({ [TRANSACTIONS_1]: transactions }), { program: ((l) => ({ files: programFilesOf(l), profile: l.profile }))(loadProfile('deposit', GOOD)) }))
      .toEqual([`${TRANSACTIONS_1}:0::cross.daily_file_missing`]);
    // A credit balance's transactions keep exactly the currency's digits.
    const credit = good(TRANSACTIONS_1).replace('|45.00||USD|45.00|', '|45.000||USD|45.00|');
    expect(await rules(set({ [BALANCES_1]: balances, [TRANSACTIONS_1]: credit }))).toEqual([`${TRANSACTIONS_1}:3:amount:format.money.decimals`]);
  });

  it('takes the latest version of a file as sent, and still checks the earlier one on its own', async () => {
    const v1 = good(TRANSACTIONS_1).replace('|credit||applied|ach|', '|kredit||applied|ach|');
    const dir = set({ [TRANSACTIONS_1]: v1, 'transactions/2026-03-06_transactions_V2.csv': good(TRANSACTIONS_1) });
    const report = await validateFiles([dir]);
    expect(report.findings.map((f) => [f.file.slice(dir.length + 1), f.rule])).toEqual([[TRANSACTIONS_1, 'format.enum']]);
    expect(report.files.find((f) => f.version === 'V1')?.notes).toContain('superseded by 2026-03-06_transactions_V2.csv: cross-file rules use the latest version only');
  });

  it('runs no cross-file rule for a file that failed a field format or a record rule, and says so', async () => {
    const accounts = good(ACCOUNTS_1).replace('|active|active||||||||||2026-03-05T08:00:00-06:00', '|open|active||||||||||2026-03-04T08:00:00-06:00');
    const report = await validateFiles([set({ [ACCOUNTS_1]: accounts })]);
    expect(report.findings.map((f) => f.rule)).toEqual(['format.enum']);
    expect(report.files[0]!.stages).toEqual({ 1: 'passed', 2: 'failed', 3: 'passed', 4: 'not run' });
    expect(report.files[0]!.notes).toEqual(['failed a record rule or a field format: as at Lead, cross-file rules did not run']);
  });

  it('looks back through a ValidationHistory: ids sent, last versions, balances of the day before, complete kinds', async () => {
    const history = memoryHistory({
      covers: ['accounts'],
      ids: { transactions: ['txn_2'], accounts: ['acc_1'] },
      versions: { accounts: { acc_2: { effectiveAt: '2026-03-04T08:00:00-06:00', terminal: true } } },
      balances: { '2026-03-05': { bal_1: { type: 'deposit', status: 'active', amounts: { balance: '10.00' } } } },
    });
    const dir = set({
      [ACCOUNTS_1]: good(ACCOUNTS_1),
      [BALANCES_1]: good(BALANCES_1).replace('acc_3|bal_3', 'acc_7|bal_3'),
      [TRANSACTIONS_1]: good(TRANSACTIONS_1),
    });
    expect(await rules(dir, { history })).toEqual([
      `${ACCOUNTS_1}:3:status:cross.terminal_record_changed`,
      // bal_1 was 10.00 the day before: 10.00 + 100.00 is not 100.00; bal_2 and bal_3 are new and start from 0.
      `${BALANCES_1}:2:balance:cross.rollforward.deposit`,
      `${BALANCES_1}:4:account_id:cross.unknown_account`,
      `${TRANSACTIONS_1}:3:client_transaction_id:cross.transaction_id_reused`,
    ]);
  });

  it('expects a closing balance once, closed, and never again', async () => {
    const closed = good('balances/2026-03-07_balances_V1.csv').replace('acc_2|bal_2||Checking||2026-03-05T08:00:00-06:00|active|active|', 'acc_2|bal_2||Checking||2026-03-05T08:00:00-06:00|closed|client_closed|');
    const day3 = (text: string) => text.replaceAll('2026-03-06T23:59:59', '2026-03-07T23:59:59');
    const without = day3(closed.split('\n').filter((l) => !l.includes('|bal_2|')).join('\n'));
    const base = { [BALANCES_1]: good(BALANCES_1), 'balances/2026-03-07_balances_V1.csv': closed };
    expect(await rules(set({ ...base, 'balances/2026-03-08_balances_V1.csv': without }))).toEqual([]);
    expect(await rules(set({ ...base, 'balances/2026-03-08_balances_V1.csv': day3(closed) }))).toEqual(['balances/2026-03-08_balances_V1.csv:3:status:cross.terminal_record_changed']);
    // Dropped without being reported closed: Lead still believes it open.
    expect(await rules(set({ [BALANCES_1]: good(BALANCES_1), 'balances/2026-03-07_balances_V1.csv': closed.split('\n').filter((l) => !l.includes('|bal_2|')).join('\n') })))
      .toEqual(['balances/2026-03-07_balances_V1.csv:0:client_balance_id:cross.balance_missing']);
  });

  it('counts lines as a person does: CRLF line ends and values spanning lines', async () => {
    const lines = good(ACCOUNTS_1).trimEnd().split('\n');
    lines[1] = lines[1]!.replace('Everyday Checking', '"Everyday\nChecking"');
    lines[2] = lines[2]!.replace('|active|active|', '|active|frozen|');
    expect(await rules(set({ [ACCOUNTS_1]: lines.join('\r\n') + '\r\n' }))).toEqual([
      // CR LF throughout and a line break inside a value: readings Lead has not confirmed, so warnings.
      `${ACCOUNTS_1}:1::integrity.crlf`,
      `${ACCOUNTS_1}:2:client_product_name:format.delimiter_in_value`,
      `${ACCOUNTS_1}:4:status_reason:record.account_status_reason`,
    ]);
  });

  it('names a stray carriage return for what it is, on its line and column, and judges the value no further', async () => {
    const lines = good(ACCOUNTS_1).trimEnd().split('\n');
    const stray = [lines[0], lines[1], `${lines[2]}\r`, lines[3]].join('\n') + '\n';
    expect(await rules(set({ [ACCOUNTS_1]: stray }))).toEqual([`${ACCOUNTS_1}:3:effective_at:integrity.line_endings`]);
    const inside = [lines[0], lines[1]!.replace('Everyday Checking', 'Everyday\rChecking'), lines[2], lines[3]].join('\n') + '\n';
    expect(await rules(set({ [ACCOUNTS_1]: inside }))).toEqual([`${ACCOUNTS_1}:2:client_product_name:integrity.line_endings`]);
  });

  it('still knows the ids of a file its parser gave up on, so the files naming them do not fail too', async () => {
    const customers = good('customer/2026-03-06_customer_V1.csv').replace('|Ada|', '|"Ada|');
    const dir = set({ 'customer/2026-03-06_customer_V1.csv': customers, [ACCOUNTS_1]: good(ACCOUNTS_1) });
    expect(await rules(dir, { fromDay0: true })).toEqual(['customer/2026-03-06_customer_V1.csv:2::integrity.csv_syntax']);
  });

  it('does not take Lead\'s own ids for unknown references', async () => {
    const accounts = good(ACCOUNTS_1).replace('"[""cus_1""]"', '"[""entity_123""]"');
    expect(await rules(set({ [ACCOUNTS_1]: accounts, 'customer/2026-03-06_customer_V1.csv': good('customer/2026-03-06_customer_V1.csv') }), { fromDay0: true })).toEqual([]);
  });

  it('reports one defect once: a wrong balance is not carried into the next day\'s roll-forward, nor a rejected row\'s version', async () => {
    const day = (text: string) => text.replaceAll('2026-03-06T23:59:59', '2026-03-07T23:59:59').replaceAll('2026-03-07T01:00:00', '2026-03-08T01:00:00');
    const transactions8 = good(TRANSACTIONS_1).split('\n')[0] + '\n';
    const wrong = good('balances/2026-03-07_balances_V1.csv').replace('|deposit|91.81|', '|deposit|91.80|');
    const balances = set({
      [BALANCES_1]: good(BALANCES_1), [TRANSACTIONS_1]: good(TRANSACTIONS_1),
      'balances/2026-03-07_balances_V1.csv': wrong, 'transactions/2026-03-07_transactions_V1.csv': good('transactions/2026-03-07_transactions_V1.csv'),
      'balances/2026-03-08_balances_V1.csv': day(good('balances/2026-03-07_balances_V1.csv')), 'transactions/2026-03-08_transactions_V1.csv': transactions8,
    });
    expect(await rules(balances)).toEqual(['balances/2026-03-07_balances_V1.csv:2:balance:cross.rollforward.deposit']);
    // An account re-sent with an effective_at after its day is rejected; the next day's version is compared with the last one Lead took.
    const accounts7 = good('accounts/2026-03-07_accounts_V1.csv');
    const accounts = set({
      [ACCOUNTS_1]: good(ACCOUNTS_1),
      'accounts/2026-03-07_accounts_V1.csv': accounts7.replace('2026-03-06T09:00:00-06:00', '2026-03-08T09:00:00-06:00'),
      'accounts/2026-03-08_accounts_V1.csv': accounts7.replace('|inactive|dormant|', '|inactive|frozen|').replace('2026-03-06T09:00:00-06:00', '2026-03-07T09:00:00-06:00'),
    });
    expect(await rules(accounts)).toEqual(['accounts/2026-03-07_accounts_V1.csv:2:effective_at:cross.effective_at_window']);
  });

  it('streams a large file', async () => {
    const [header, first] = good(TRANSACTIONS_1).split('\n');
    const rows = Array.from({ length: 20_000 }, (_, i) => first!.replace('txn_1|', `txn_${i + 1}|`));
    const report = await validateFiles([set({ [TRANSACTIONS_1]: [header, ...rows].join('\n') + '\n' })]);
    expect(report.findings).toEqual([]);
    expect(report.files[0]!.rows).toBe(20_000);
  });
});

describe('byteChecks', () => {
  async function scan(...chunks: number[][]) {
    const { stream, facts } = byteChecks();
    for await (const _ of Readable.from(chunks.map((c) => Buffer.from(c))).pipe(stream)) { /* drain */ }
    return facts;
  }

  it('reads a character split across chunks as one', async () => {
    // "é" is C3 A9; "€" is E2 82 AC.
    expect((await scan([0x61, 0xc3], [0xa9, 0x0a, 0xe2], [0x82, 0xac])).invalidUtf8Line).toBeUndefined();
  });

  it('finds the line of the first byte that is not UTF-8, a BOM, and a character cut off at the end', async () => {
    expect((await scan([0x61, 0x0a, 0x62, 0x0a, 0xe9, 0x0a])).invalidUtf8Line).toBe(3);
    expect((await scan([0xef, 0xbb, 0xbf, 0x61])).bom).toBe(true);
    expect((await scan([0x61, 0x0a, 0xe2, 0x82])).invalidUtf8Line).toBe(2);
    // Overlong and surrogate forms are not UTF-8 either.
    expect((await scan([0xc0, 0xaf])).invalidUtf8Line).toBe(1);
    expect((await scan([0xed, 0xa0, 0x80])).invalidUtf8Line).toBe(1);
  });
});

describe('parseIsoTimestamp', () => {
  it('reads the instant of a timestamp with an offset, and only the local date of one without', () => {
    expect(parseIsoTimestamp('2026-03-05T09:30:00-06:00')?.epochMs).toBe(Date.parse('2026-03-05T15:30:00Z'));
    expect(parseIsoTimestamp('2026-03-05T09:30:00.123456Z')?.epochMs).toBe(Date.parse('2026-03-05T09:30:00.123Z'));
    expect(parseIsoTimestamp('2026-03-08T03:00:00+0530')?.epochMs).toBe(Date.parse('2026-03-07T21:30:00Z'));
    expect(parseIsoTimestamp('2026-03-05T09:30:00')).toEqual({ localDate: '2026-03-05' });
  });

  it('refuses what is not a date and time', () => {
    for (const text of ['2026-02-30T10:00:00Z', '2026-03-05T24:00:00Z', '2026-03-05 09:30:00Z', '2026-03-05', '2026-03-05T09:30:00+25:00', '']) {
      expect(parseIsoTimestamp(text), text).toBeUndefined();
    }
  });

  it('reads the shape lead-etl writes exactly as the full grammar does, near misses included (issue 10: its fast path)', () => {
    // The grammar alone, as it was before the fast path: the reference every answer must equal.
    const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)?$/;
    const reference = (text: string) => {
      const m = ISO.exec(text);
      if (!m) return undefined;
      const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
      const second = Number(m[6] ?? 0);
      const utc = Date.UTC(year, month - 1, day, hour, minute, second, Number((m[7] ?? '').padEnd(3, '0').slice(0, 3)));
      if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59 || new Date(utc).getUTCDate() !== day) return undefined;
      const localDate = `${m[1]}-${m[2]}-${m[3]}`;
      if (m[8]) return { epochMs: utc, localDate };
      if (!m[9]) return { localDate };
      if (Number(m[10]) > 23 || Number(m[11] ?? 0) > 59) return undefined;
      return { epochMs: utc - (Number(m[10]) * 60 + Number(m[11] ?? 0)) * (m[9] === '-' ? -1 : 1) * 60_000, localDate };
    };
    const seeds = ['2026-03-05T09:30:00-06:00', '2026-03-05T09:30:00Z', '2024-02-29T23:59:59.999999+05:30', '2026-03-05T09:30:00.1-00:00', '2026-03-05T09:30:00', '0099-12-31T00:00:00Z', '2100-02-29T00:00:00Z', '2000-02-29T12:00:00.123456789Z'];
    const noise = ['0', '1', '2', '3', '5', '9', ':', '-', '+', 'T', 'Z', '.', ' ', 'a', '٣', ''];
    let state = 10;
    const next = (n: number) => ((state = (state * 1103515245 + 12345) % 2147483648), state % n);
    const texts = [...seeds];
    for (let i = 0; i < 6_000; i += 1) {
      const seed = seeds[next(seeds.length)]!;
      const at = next(seed.length + 1);
      const cut = next(4) === 0 ? 1 : 0;
      texts.push(seed.slice(0, at) + noise[next(noise.length)]! + seed.slice(at + cut));
    }
    for (const text of texts) {
      expect(parseIsoTimestamp(text), text).toEqual(reference(text));
      // The instant alone, as the row checks ask it: undefined for no timestamp, NaN for no offset.
      const parsed = reference(text);
      expect(isoInstant(text), text).toEqual(parsed === undefined ? undefined : parsed.epochMs ?? Number.NaN);
    }
  });
});

describe('idsIn', () => {
  it('reads lead-etl\'s own JSON arrays without JSON.parse, as JSON.parse reads them', () => {
    for (const text of ['["cus_1"]', '["cus_1","cus_2"]', '["a b","ü","x,y"]', '[""]', '["a",""]', '["a\\"b"]', '["a\\u0041"]', '[ "a" ]', '["a","b"', '["\u0001"]', '[]', '', '"a", "b"']) {
      let parsed: string[] | undefined;
      try {
        const items: unknown = JSON.parse(text.trim());
        parsed = Array.isArray(items) ? items.filter((i): i is string => typeof i === 'string' && i !== '') : undefined;
      } catch {
        parsed = undefined;
      }
      if (text.trim().startsWith('[')) expect(idsIn(text), text).toEqual(parsed ?? []);
      else expect(idsIn(text), text).toEqual(text === '' ? [] : ['a', 'b']);
    }
  });
});
