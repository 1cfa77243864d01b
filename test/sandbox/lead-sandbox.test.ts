import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProfile } from '../../config/load-profile.js';
import { programFilesOf } from '../../transform/program-file-types.js';
import { addDays, parseFileDate } from '../../core/file-date.js';
import { packagePath } from '../../core/package-root.js';
import { isLeadEtlError } from '../../core/errors.js';
import { createChannelReader, readChannelHistory } from '../../load/slack-channel-history.js';
import { parseRejectFault } from '../../sandbox/reject-faults.js';
import { balances } from '../../transform/file-types/balances.js';
import { transactions } from '../../transform/file-types/transactions.js';
import { leadCsv, startSandboxFixture, uploadDay, type SandboxFixture } from '../support/lead-sandbox.js';

/**
 * Lead's side, played by the sandbox, seen the way the partner sees it: uploads over real SFTP, the
 * answers read from the channel over HTTP. The clock is the test's; nothing sleeps.
 */
const D0 = parseFileDate('2026-03-06');
const D1 = addDays(D0, 1);
const D2 = addDays(D0, 2);

let f: SandboxFixture | undefined;
afterEach(async () => {
  await f?.dispose();
  f = undefined;
});

const texts = (fixture: SandboxFixture) => fixture.sandbox.messages().map((m) => m.text);
const stateOf = (fixture: SandboxFixture, workflow: string, key: string) => fixture.sandbox.sets().find((s) => s.workflow === workflow && s.key === key)?.state;

describe('the Lead sandbox', () => {
  it('processes a valid day and reports it in the channel, read over HTTP page by page', async () => {
    f = await startSandboxFixture({ day0: D0 });
    for (const date of [D0, D1, D2]) await uploadDay(f, date);
    const report = await f.sandbox.processPending();
    expect(report.received).toHaveLength(12);
    expect(report.processed.map((p) => `${p.key} ${p.workflow} ${p.state}`)).toEqual([
      `${D0} compliance validated`, `${D0} financial validated`,
      `${D1} compliance validated`, `${D1} financial validated`,
      `${D2} compliance validated`, `${D2} financial validated`,
    ]);
    expect(texts(f)[1]).toBe(`✅ ${D0} Financial files processed successfully: ${D0}_balances_V1.csv, ${D0}_transactions_V1.csv, ${D0}_non_posted_transactions_V1.csv`);

    // Slack's paging by hand: newest first, `limit` at a time, the next page behind next_cursor.
    const seen: string[] = [];
    let cursor = '';
    let pages = 0;
    do {
      const url = `${f.endpoint.url}/api/conversations.history?channel=${f.endpoint.channel}&limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const body = (await (await fetch(url, { headers: { authorization: `Bearer ${f.endpoint.token}` } })).json()) as {
        ok: boolean; messages: { type: string; ts: string; text: string; bot_id?: string }[]; has_more: boolean; response_metadata: { next_cursor: string };
      };
      expect(body.ok).toBe(true);
      expect(body.messages.length).toBeLessThanOrEqual(4);
      expect(body.messages.every((m) => m.type === 'message' && /^\d+\.\d{6}$/.test(m.ts) && m.bot_id)).toBe(true);
      seen.push(...body.messages.map((m) => m.text));
      expect(body.has_more).toBe(body.response_metadata.next_cursor !== '');
      cursor = body.response_metadata.next_cursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(2);
    expect(seen).toEqual([...texts(f)].reverse());

    // The pipeline's reader does the same, oldest first, and classifies each answer.
    const all = await readChannelHistory(f.endpoint, { limit: 2 });
    expect(all.map((m) => m.text)).toEqual(texts(f));
    const reader = createChannelReader(f.endpoint, { limit: 2 });
    const answers = await reader.read();
    expect(answers.map((a) => [a.fileDate, a.workflow, a.outcome])).toEqual([
      [D0, 'compliance', 'validated'], [D0, 'financial', 'validated'],
      [D1, 'compliance', 'validated'], [D1, 'financial', 'validated'],
      [D2, 'compliance', 'validated'], [D2, 'financial', 'validated'],
    ]);
    expect(answers[1]!.files).toEqual([`${D0}_balances_V1.csv`, `${D0}_transactions_V1.csv`, `${D0}_non_posted_transactions_V1.csv`]);
    expect(await reader.read()).toEqual([]);
  });

  it('waits for the quiet period before processing a set, and restarts it when another file arrives', async () => {
    f = await startSandboxFixture({ day0: D0, quietSeconds: 300 });
    await uploadDay(f, D0, { only: ['accounts', 'balances'] });
    expect((await f.sandbox.processPending()).processed).toEqual([]);
    f.clock.advance({ minutes: 4 });
    await uploadDay(f, D0, { only: ['transactions', 'non_posted_transactions'] });
    expect((await f.sandbox.processPending()).processed).toEqual([]);
    expect(f.sandbox.sets().map((s) => s.state)).toEqual(['waiting', 'waiting']);
    f.clock.advance({ minutes: 1 });
    expect((await f.sandbox.processPending()).processed).toEqual([{ workflow: 'compliance', key: D0, state: 'validated' }]);
    f.clock.advance({ minutes: 3 });
    expect((await f.sandbox.processPending()).processed).toEqual([]);
    f.clock.advance({ minutes: 1 });
    expect((await f.sandbox.processPending()).processed).toEqual([{ workflow: 'financial', key: D0, state: 'validated' }]);
  });

  it('rejects a day whose file fails validation, naming the line and column, and processes none of the workflow', async () => {
    f = await startSandboxFixture({ day0: D0 });
    await uploadDay(f, D0, { only: ['accounts', 'transactions', 'non_posted_transactions'] });
    await f.upload('balances', `${D0}_balances_V1.csv`, leadCsv(balances, D0, 3, (row): Record<string, string> => (row === 2 ? { balance: '' } : {})));
    await f.sandbox.processPending();
    expect(stateOf(f, 'compliance', D0)).toBe('validated');
    expect(stateOf(f, 'financial', D0)).toBe('rejected');
    expect(texts(f).slice(1)).toEqual([
      `❌ ${D0}_balances_V1.csv failed validation: line 3 column balance: required: is required but empty`,
      `❌ ${D0} Financial files rejected: ${D0}_balances_V1.csv failed validation, so none of ${D0}_balances_V1.csv, ${D0}_transactions_V1.csv, ` +
        `${D0}_non_posted_transactions_V1.csv was processed. Send the fixed file(s) with a higher version; the others are processed again with them.`,
    ]);
    const answers = await createChannelReader(f.endpoint).read();
    expect(answers.slice(1).map((a) => ({ outcome: a.outcome, fileDate: a.fileDate, workflow: a.workflow, fileType: a.fileType }))).toEqual([
      { outcome: 'rejected', fileDate: D0, workflow: 'financial', fileType: 'balances' },
      { outcome: 'rejected', fileDate: D0, workflow: 'financial', fileType: undefined },
    ]);
    expect(answers[1]!.reason).toBe('line 3 column balance: required: is required but empty');
  });

  it("checks a set with Lead's full checks against the days it validated before: a balance that does not roll forward is rejected", async () => {
    const profileDir = mkdtempSync(join(tmpdir(), 'lead-etl-financial-'));
    const profilePath = join(profileDir, 'financial.json');
    writeFileSync(profilePath, JSON.stringify({ name: 'financial', kind: 'deposit', fileTypes: ['balances', 'transactions'] }));
    const program = loadProfile(profilePath, profileDir);
    // A Lead that asks this program for these two files only.
    const lead = { requires: ['balances', 'transactions'] as const, authorizedUsers: 'accounts_column' as const, sellsReceivables: false, rules: {} };
    f = await startSandboxFixture({ day0: D0, files: programFilesOf(program), profile: program.profile, lead, leadChecks: true });
    const good = packagePath('test', 'fixtures', 'validation', 'good');
    const wrong = packagePath('test', 'fixtures', 'validation', 'cases', 'cross-rollforward-deposit');
    const upload = (root: string, folder: string, name: string) => f!.upload(folder, name, readFileSync(join(root, folder, name), 'utf8'));
    await upload(good, 'balances', `${D0}_balances_V1.csv`);
    await upload(good, 'transactions', `${D0}_transactions_V1.csv`);
    await f.sandbox.processPending();
    expect(texts(f)).toEqual([`✅ ${D0} Financial files processed successfully: ${D0}_balances_V1.csv, ${D0}_transactions_V1.csv`]);

    // Read against Day 0, which Lead holds: bal_1 does not roll forward. The corrected V2 does, which it
    // could not if Day 0's balances were not read with it.
    await upload(wrong, 'balances', `${D1}_balances_V1.csv`);
    await upload(wrong, 'transactions', `${D1}_transactions_V1.csv`);
    await f.sandbox.processPending();
    expect(stateOf(f, 'financial', D1)).toBe('rejected');
    expect(texts(f)[1]).toMatch(new RegExp(`^❌ ${D1}_balances_V1\\.csv failed validation: line 2 column balance: cross\\.rollforward\\.deposit: `));

    await f.upload('balances', `${D1}_balances_V2.csv`, readFileSync(join(good, 'balances', `${D1}_balances_V1.csv`), 'utf8'));
    await f.sandbox.processPending();
    expect(texts(f).at(-1)).toBe(`✅ ${D1} Financial files processed successfully: ${D1}_balances_V2.csv, ${D1}_transactions_V1.csv`);
  });

  it('reports a header that is not the agreed one, and a line with too few values', async () => {
    f = await startSandboxFixture({ day0: D0 });
    await uploadDay(f, D0, { only: ['accounts', 'non_posted_transactions'] });
    await f.upload('balances', `${D0}_balances_V1.csv`, leadCsv(balances, D0, 1).replace('client_balance_name', 'CLIENT_BALANCE_NAME'));
    const good = leadCsv(transactions, D0, 2).split('\n');
    good[2] = good[2]!.split('|').slice(0, 5).join('|');
    await f.upload('transactions', `${D0}_transactions_V1.csv`, good.join('\n'));
    await f.sandbox.processPending();
    expect(texts(f)).toContain(`❌ ${D0}_balances_V1.csv failed validation: line 1 column client_balance_name: header.columns: header column 4 is "CLIENT_BALANCE_NAME" where "client_balance_name" is expected (${D0}_balances_V1.csv must have the header ${balances.columns.map((c) => c.name).join('|')})`);
    expect(texts(f)).toContain(`❌ ${D0}_transactions_V1.csv failed validation: line 3 column bin: line.columns: has 5 values; the header has 20`);
  });

  it('refuses day T before T-1 validated, and a workflow with a file missing', async () => {
    f = await startSandboxFixture({ day0: D0 });
    await uploadDay(f, D0, { only: ['accounts', 'balances'] });
    await uploadDay(f, D1);
    await f.sandbox.processPending();
    expect(stateOf(f, 'compliance', D0)).toBe('validated');
    expect(stateOf(f, 'financial', D0)).toBe('rejected');
    expect(stateOf(f, 'compliance', D1)).toBe('rejected');
    expect(stateOf(f, 'financial', D1)).toBe('rejected');
    expect(texts(f)).toContain(`❌ ${D0} Financial files rejected: no transactions, non_posted_transactions file arrived; every file of the workflow is due each day, with only its header when there is nothing to report. Send the missing file(s); the others are processed with them.`);
    expect(texts(f)).toContain(`❌ ${D1} Compliance files rejected: ${D0} has not been validated yet (Financial); the files of a day are processed only after the previous day's passed. Send them again with a higher version once ${D0} is validated.`);

    // The missing files complete the set; then the day after goes, as higher versions.
    await uploadDay(f, D0, { only: ['transactions', 'non_posted_transactions'] });
    await uploadDay(f, D1, { version: 2 });
    await f.sandbox.processPending();
    expect(f.sandbox.sets().map((s) => s.state)).toEqual(['validated', 'validated', 'validated', 'validated']);

    // A date before Day 0 is not Lead's to process either.
    await uploadDay(f, addDays(D0, -1), { only: ['accounts'] });
    await f.sandbox.processPending();
    expect(texts(f).at(-1)).toBe(`❌ ${addDays(D0, -1)} Compliance files rejected: the date is before Day 0 (${D0}) of this program.`);
  });

  it('after a rejection, processes V2 of the failed file with V1 of the others, and then accepts nothing more for the date', async () => {
    f = await startSandboxFixture({ day0: D0 });
    await uploadDay(f, D0, { only: ['accounts', 'transactions', 'non_posted_transactions'] });
    await f.upload('balances', `${D0}_balances_V1.csv`, leadCsv(balances, D0, 2, () => ({ status: '' })));
    await f.sandbox.processPending();
    expect(stateOf(f, 'financial', D0)).toBe('rejected');

    // V1 again is not a resubmission: it needs a higher version.
    await f.upload('balances', `${D0}_balances_v1.csv`, leadCsv(balances, D0, 2));
    await f.sandbox.processPending();
    expect(texts(f).at(-1)).toBe(`❌ ${D0}_balances_v1.csv not accepted: version 1 is not higher than version 1 already received for ${D0}; a resubmission must carry a higher version`);
    expect(stateOf(f, 'financial', D0)).toBe('rejected');

    await f.upload('balances', `${D0}_balances_V2.csv`, leadCsv(balances, D0, 2));
    const report = await f.sandbox.processPending();
    expect(report.processed).toEqual([{ workflow: 'financial', key: D0, state: 'validated' }]);
    expect(texts(f).at(-1)).toBe(`✅ ${D0} Financial files processed successfully: ${D0}_balances_V2.csv, ${D0}_transactions_V1.csv, ${D0}_non_posted_transactions_V1.csv`);

    await f.upload('transactions', `${D0}_transactions_V2.csv`, leadCsv(transactions, D0, 1));
    await f.sandbox.processPending();
    expect(texts(f).at(-1)).toBe(`❌ ${D0}_transactions_V2.csv not accepted: the Financial files of ${D0} were already processed successfully; nothing more is accepted for that date`);
    expect(stateOf(f, 'financial', D0)).toBe('validated');
    const answer = (await createChannelReader(f.endpoint).read()).at(-1)!;
    expect(answer).toMatchObject({ outcome: 'not_accepted', fileDate: D0, workflow: 'financial', fileType: 'transactions', file: `${D0}_transactions_V2.csv` });
  });

  it('leaves uploads in progress alone and refuses names it cannot read', async () => {
    f = await startSandboxFixture({ day0: D0 });
    const root = f.sandbox.sftp.rootDir;
    writeFileSync(join(root, 'balances', `.${D0}_balances_V1.csv.0123abcd.part`), 'half a file');
    writeFileSync(join(root, 'balances', `${D0}_balances_V1.csv.part`), 'half a file');
    await f.upload('balances', 'balances-march.csv', 'x');
    await f.upload('balances', `${D0}_transactions_V1.csv`, leadCsv(transactions, D0, 0));
    await f.upload('documents', 'acc_1-agreement.pdf', '%PDF-1.4');
    const report = await f.sandbox.processPending();
    expect(report.received).toEqual(['/balances/2026-03-06_transactions_V1.csv', '/balances/balances-march.csv']);
    expect(texts(f)).toEqual([
      '❌ 2026-03-06_transactions_V1.csv not accepted: the name is not <date or batch id>_<file type>_V<n>.csv for balances, the file type of folder balances',
      '❌ balances-march.csv not accepted: the name is not <date or batch id>_<file type>_V<n>.csv for balances, the file type of folder balances',
    ]);
    expect(f.sandbox.sets()).toEqual([]);
  });

  it('keeps its read-only folders read-only for the partner', async () => {
    f = await startSandboxFixture({ day0: D0 });
    for (const folder of ['sales_request', 'bank-account-reports']) {
      const error = await f.upload(folder, `${D0}_sales_request_V1.csv`, 'sale_id\n').then(() => undefined, (e: unknown) => e);
      expect(isLeadEtlError(error), String(error)).toBe(true);
      expect((error as Error).message).toMatch(/denied|read-only/i);
      expect(existsSync(join(f.sandbox.sftp.rootDir, folder, `${D0}_sales_request_V1.csv`))).toBe(false);
    }
  });

  it('rejects the first version of a file a rehearsal names (--reject), with a line and column, and passes the next', async () => {
    const files = programFilesOf(loadProfile('deposit', process.cwd()));
    const sent = files.map((t) => t.spec.id);
    f = await startSandboxFixture({ day0: D0, faults: [parseRejectFault('1:balances', sent), parseRejectFault(`${D2}:accounts`, sent)] });
    await uploadDay(f, D0);
    await uploadDay(f, D1);
    await f.sandbox.processPending();
    expect(stateOf(f, 'financial', D0)).toBe('validated');
    expect(stateOf(f, 'financial', D1)).toBe('rejected');
    expect(texts(f)).toContain(`❌ ${D1}_balances_V1.csv failed validation: line 2 column balance: reconciliation: "101.00" does not reconcile with the previous day's balance and the day's transactions (injected by --reject)`);

    await f.upload('balances', `${D1}_balances_V2.csv`, leadCsv(balances, D1, 2));
    await uploadDay(f, D2, { rows: 0 });
    await f.sandbox.processPending();
    expect(stateOf(f, 'financial', D1)).toBe('validated');
    expect(stateOf(f, 'compliance', D2)).toBe('rejected');
    expect(texts(f)).toContain(`❌ ${D2}_accounts_V1.csv failed validation: line 1 column client_account_id: header.columns: the header does not match the schema agreed for accounts (injected by --reject)`);

    expect(() => parseRejectFault('1:ledger', sent)).toThrow(/ledger is not a file type this program sends/);
    expect(() => parseRejectFault('tomorrow', sent)).toThrow(/<date or day index>:<file type>/);
  });

  it('posts the Sales Request of a credit program once its Financial workflow validated, and waits for the answer before the next day', async () => {
    const profileDir = mkdtempSync(join(tmpdir(), 'lead-etl-credit-'));
    const profilePath = join(profileDir, 'credit-mini.json');
    writeFileSync(profilePath, JSON.stringify({ name: 'credit-mini', kind: 'credit', fileTypes: ['transactions', 'sales_request', 'sales_response'] }));
    const files = programFilesOf(loadProfile(profilePath, profileDir));
    f = await startSandboxFixture({ day0: D0, files, sales: { holdDays: 1 } });
    expect(f.sandbox.layout.sellsReceivables).toBe(true);
    const activity = addDays(D0, -1);
    await f.upload('transactions', `${D0}_transactions_V1.csv`, leadCsv(transactions, D0, 2, (row) => ({
      balance_id: `bal_${row}`, type: 'disbursement', amount: row === 1 ? '250.00' : '80.50', principal_amount: row === 1 ? '250.00' : '', settlement_date: activity,
    })));
    await f.sandbox.processPending();
    const requestPath = join(f.sandbox.sftp.rootDir, 'sales_request', `${D0}_sales_request_V1.csv`);
    expect(existsSync(requestPath)).toBe(true);
    const request = parse(readFileSync(requestPath, 'utf8'), { delimiter: '|', columns: true }) as Record<string, string>[];
    expect(request.map((r) => [r.balance_id, r.outstanding_principal, r.start_date, r.sale_date])).toEqual([
      ['bal_1', '250.00', activity, D0],
      ['bal_2', '80.50', activity, D0],
    ]);
    expect(texts(f)).toEqual([
      `✅ ${D0} Financial files processed successfully: ${D0}_transactions_V1.csv`,
      `📥 ${D0}_sales_request_V1.csv posted in sales_request: 2 sale(s) to answer with a Sales Response`,
    ]);
    const posted = (await createChannelReader(f.endpoint, { specs: files.map((t) => t.spec) }).read()).at(-1)!;
    expect(posted).toMatchObject({ outcome: 'posted', fileDate: D0, workflow: 'sales', fileType: 'sales_request' });

    // The partner reads it over SFTP; the next day waits for the Sales Response.
    const remote = await f.session();
    expect(await remote.list('/sales_request')).toEqual([`${D0}_sales_request_V1.csv`]);
    await remote.close();
    await f.upload('transactions', `${D1}_transactions_V1.csv`, leadCsv(transactions, D1, 0));
    await f.sandbox.processPending();
    expect(texts(f).at(-1)).toMatch(new RegExp(`^❌ ${D1} Financial files rejected: ${D0} has not been validated yet \\(Sales\\)`));

    const response = files.find((t) => t.spec.id === 'sales_response')!.spec;
    await f.upload('sales_response', `${D0}_sales_response_V1.csv`, leadCsv(response, D0, 2, (row) => ({ sale_id: request[row - 1]!.sale_id! })));
    await f.upload('transactions', `${D1}_transactions_V2.csv`, leadCsv(transactions, D1, 0));
    await f.sandbox.processPending();
    expect(texts(f).slice(-3)).toEqual([
      `✅ ${D0} Sales files processed successfully: ${D0}_sales_response_V1.csv`,
      `✅ ${D1} Financial files processed successfully: ${D1}_transactions_V2.csv`,
      `📥 ${D1}_sales_request_V1.csv posted in sales_request: 0 sale(s) to answer with a Sales Response`,
    ]);
    expect(readFileSync(join(f.sandbox.sftp.rootDir, 'sales_request', `${D1}_sales_request_V1.csv`), 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('processes a Customer batch only once both its files arrived, whatever its id', async () => {
    const profileDir = mkdtempSync(join(tmpdir(), 'lead-etl-business-'));
    const profilePath = join(profileDir, 'business.json');
    writeFileSync(profilePath, JSON.stringify({ name: 'business', kind: 'deposit', fileTypes: ['customer', 'customer_relationship', 'accounts'] }));
    const files = programFilesOf(loadProfile(profilePath, profileDir));
    f = await startSandboxFixture({ day0: D0, files });
    const [customer, relationship] = [files[0]!.spec, files[1]!.spec];
    await f.upload('customer', '2026-03-06-01-Batch_1_customer_V1.csv', leadCsv(customer, D0, 1));
    expect((await f.sandbox.processPending()).processed).toEqual([]);
    await f.upload('customer_relationship', '2026-03-06-01-Batch_1_customer_relationship_V1.csv', leadCsv(relationship, D0, 1));
    expect((await f.sandbox.processPending()).processed).toEqual([{ workflow: 'customer', key: '2026-03-06-01-Batch_1', state: 'validated' }]);
    const answer = (await createChannelReader(f.endpoint, { specs: files.map((t) => t.spec) }).read())[0]!;
    expect(answer).toMatchObject({ outcome: 'validated', workflow: 'customer', batchId: '2026-03-06-01-Batch_1' });
    await f.upload('customer', '2026-03-06-01-Batch_1_customer_V2.csv', leadCsv(customer, D0, 1));
    await f.sandbox.processPending();
    expect(texts(f).at(-1)).toBe('❌ 2026-03-06-01-Batch_1_customer_V2.csv not accepted: the Customer files of batch 2026-03-06-01-Batch_1 were already processed successfully; nothing more is accepted for that batch');
  });

  it("judges from Lead's side: a profile that leaves out a file Lead requires is rejected, whatever the profile says", async () => {
    const profileDir = mkdtempSync(join(tmpdir(), 'lead-etl-no-relationships-'));
    const profilePath = join(profileDir, 'no-relationships.json');
    // A deposit program whose profile forgot the Customer Relationship file: Lead's deposit setup wants it.
    writeFileSync(profilePath, JSON.stringify({ name: 'no-relationships', kind: 'deposit', fileTypes: ['customer', 'accounts'] }));
    const loaded = loadProfile(profilePath, profileDir);
    const files = programFilesOf(loaded);
    f = await startSandboxFixture({ day0: D0, files, profile: loaded.profile });
    expect(f.sandbox.layout.partnerTypes.map((spec) => spec.id)).toContain('customer_relationship');
    await f.upload('customer', `${D0}_customer_V1.csv`, leadCsv(files[0]!.spec, D0, 1));
    // Lead waits for the batch's other file...
    expect((await f.sandbox.processPending()).processed).toEqual([]);
    // ...until the partner moves on without it.
    await f.upload('accounts', `${D0}_accounts_V1.csv`, leadCsv(files[1]!.spec, D0, 1));
    const report = await f.sandbox.processPending();
    expect(report.processed.map((p) => `${p.workflow} ${p.state}`)).toEqual(['customer rejected', 'compliance rejected']);
    expect(texts(f)[0]).toMatch(new RegExp(`^❌ ${D0} Customer files rejected: no customer_relationship file arrived`));
    expect(texts(f)[1]).toMatch(new RegExp(`^❌ ${D0} Compliance files rejected: no cards file arrived`));
  });

  it('carries on after a restart on the same folder: nothing is taken in or announced twice', async () => {
    f = await startSandboxFixture({ day0: D0 });
    const dir = f.dir;
    await uploadDay(f, D0);
    await f.sandbox.processPending();
    const before = texts(f);
    await f.sandbox.close();
    const again = await startSandboxFixture({ dir });
    try {
      expect(again.sandbox.day0()).toBe(D0);
      expect((await again.sandbox.processPending()).received).toEqual([]);
      expect(texts(again)).toEqual(before);
      await uploadDay(again, D1);
      await again.sandbox.processPending();
      expect(again.sandbox.sets().map((s) => `${s.key} ${s.workflow} ${s.state}`)).toEqual([
        `${D0} compliance validated`, `${D0} financial validated`, `${D1} compliance validated`, `${D1} financial validated`,
      ]);
    } finally {
      await again.dispose();
    }
  });
});

describe("the sandbox channel's HTTP API", () => {
  it('refuses a missing or wrong token and an unknown channel, as Slack does', async () => {
    f = await startSandboxFixture({ day0: D0 });
    const history = `${f.endpoint.url}/api/conversations.history?channel=${f.endpoint.channel}`;
    const get = async (url: string, token?: string) =>
      (await fetch(url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } })).json() as Promise<Record<string, unknown>>;
    expect(await get(history)).toEqual({ ok: false, error: 'not_authed' });
    expect(await get(history, 'xoxb-guess')).toEqual({ ok: false, error: 'invalid_auth' });
    expect(await get(`${f.endpoint.url}/api/conversations.history?channel=C0OTHER`, f.endpoint.token)).toEqual({ ok: false, error: 'channel_not_found' });
    expect(await get(`${history}&cursor=bm9wZQ==`, f.endpoint.token)).toEqual({ ok: false, error: 'invalid_cursor' });
    expect(await get(history, f.endpoint.token)).toMatchObject({ ok: true, messages: [], has_more: false, response_metadata: { next_cursor: '' } });
    expect((await fetch(`${f.endpoint.url}/api/chat.postMessage`)).status).toBe(404);

    const error = await readChannelHistory({ ...f.endpoint, token: 'xoxb-guess' }).then(() => undefined, (e: unknown) => e);
    expect(isLeadEtlError(error, 'LEAD_CHANNEL')).toBe(true);
    expect((error as Error).message).toContain('invalid_auth (check the channel token)');
  });
});
