import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPipelineConfig } from '../../jobs/pipeline-config.js';
import { runFileDate } from '../../jobs/run-file-date.js';
import { databaseKinds } from '../support/databases.js';
import { D, at, installMini, QUERIES } from '../support/mini-ledger.js';
import { startPipeline, type PipelineFixture } from '../support/pipeline.js';

/** A partner fits lead-etl to its agreed schema with a profile, and its compliance documents go first. */
const PROFILE = {
  name: 'acme',
  kind: 'deposit',
  fileTypes: ['accounts', 'transactions'],
  valueMaps: {
    events: {
      source: 'event_type',
      targets: ['type', 'transfer_type', 'fee_type', 'action'],
      entries: { PAYROLL: { type: 'credit', transfer_type: 'ach', fee_type: null, action: 'applied' } },
    },
  },
  files: {
    accounts: {
      folder: 'acct',
      token: 'account',
      versionFormat: '{n:3}',
      columns: { rename: { client_product_name: 'product_name' }, add: [{ name: 'documents', type: 'documents' }] },
    },
    transactions: {
      valueMaps: ['events'],
      columns: { drop: ['client_settlement_bank_account_id'], add: [{ name: 'transfer_ids', type: 'array', after: 'transfer_type' }] },
    },
  },
};

const ACCOUNTS = QUERIES['accounts.sql']!
  .replace('a.product as client_product_name', 'a.product as product_name')
  .replace('a.changed_at as effective_at', `a.changed_at as effective_at, case when a.id = 'acc_1' then '[{"document_id":"acc_1-agreement.pdf","type":"loc_agreement","displayed_at":"2026-03-31T09:00:00Z"}]'::jsonb end as documents`);
const TRANSACTIONS = QUERIES['transactions.sql']!
  .replace(`'credit' as type, null as fee_type, 'applied' as action, 'ach' as transfer_type,`, `t.kind as event_type, array[t.id || '-ach'] as transfer_ids,`)
  .replace('null as client_settlement_bank_account_id,', '');

describe.each(databaseKinds)('profiles and documents on %s', (kind) => {
  let pipeline: PipelineFixture | undefined;
  afterEach(async () => {
    await pipeline?.dispose();
    pipeline = undefined;
  });

  async function start(documentsDir: string) {
    pipeline = await startPipeline(kind, { days: 1 });
    const ctx = pipeline.withProgram({
      profile: PROFILE,
      queries: { 'accounts.sql': ACCOUNTS, 'transactions.sql': TRANSACTIONS },
      firstFileDate: D[0]!,
      config: { documents: { dir: documentsDir } },
    });
    await installMini(ctx.ledger.db);
    await sql`alter table mini.entries add column kind text not null default 'PAYROLL'`.execute(ctx.ledger.db);
    await sql`insert into mini.accounts values ('acc_1', 'cus_1', 'Everyday', 'active', 'active', ${at(D[0]!, '09:00')}, ${at(D[0]!, '09:00')})`.execute(ctx.ledger.db);
    await sql`insert into mini.entries values ('txn_1', 'bal_1', 100, ${at(D[0]!, '09:00')})`.execute(ctx.ledger.db);
    return ctx;
  }

  it('names, places and shapes files as the profile says, maps event types, and uploads referenced documents first', async () => {
    const docs = join(process.cwd(), 'test', 'fixtures', 'documents');
    const ctx = await start(docs);
    const result = await runFileDate(ctx, D[0]!);
    expect(result.outcome, result.message).toBe('ok');
    const root = pipeline!.sftp.rootDir;
    expect(readdirSync(join(root, 'acct'))).toEqual([`${D[0]}_account_001.csv`]);
    expect(readFileSync(join(root, 'documents', 'acc_1-agreement.pdf'))).toEqual(readFileSync(join(docs, 'acc_1-agreement.pdf')));

    const accounts = parse(readFileSync(join(root, 'acct', `${D[0]}_account_001.csv`), 'utf8'), { delimiter: '|', columns: true }) as Record<string, string>[];
    expect(Object.keys(accounts[0]!)).toContain('product_name');
    expect(Object.keys(accounts[0]!).at(-1)).toBe('documents');
    expect(JSON.parse(accounts[0]!.documents!)).toEqual([{ document_id: 'acc_1-agreement.pdf', type: 'loc_agreement', displayed_at: '2026-03-31T04:00:00-05:00' }]);

    const transactions = parse(readFileSync(join(root, 'transactions', `${D[0]}_transactions_V1.csv`), 'utf8'), { delimiter: '|', columns: true }) as Record<string, string>[];
    const header = Object.keys(transactions[0]!);
    expect(header).not.toContain('client_settlement_bank_account_id');
    expect(header.slice(header.indexOf('transfer_type'), header.indexOf('transfer_type') + 2)).toEqual(['transfer_type', 'transfer_ids']);
    expect(transactions[0]).toMatchObject({ type: 'credit', transfer_type: 'ach', action: 'applied', transfer_ids: '["txn_1-ach"]' });
  });

  it('stops a workflow whose rows reference a missing document or an unmapped event type, naming the record', async () => {
    const ctx = await start(join(pipeline?.dir ?? '/nonexistent', 'no-docs'));
    await sql`insert into mini.entries (id, balance_id, amount, at, kind) values ('txn_2', 'bal_1', 5, ${at(D[0]!, '10:00')}, 'CRYPTO_AIRDROP')`.execute(ctx.ledger.db);
    const result = await runFileDate(ctx, D[0]!);
    expect(result.outcome).toBe('failed');
    expect(result.problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ fileType: 'accounts', recordId: 'acc_1', column: 'documents', rule: 'document.missing' }),
      expect.objectContaining({ fileType: 'transactions', recordId: 'txn_2', column: 'type', rule: 'value-map.unmapped', message: expect.stringContaining('"CRYPTO_AIRDROP"') }),
    ]));
    expect(existsSync(join(pipeline!.sftp.rootDir, 'acct'))).toBe(false);
    expect(existsSync(join(pipeline!.sftp.rootDir, 'documents'))).toBe(false);
  });

  it('names the profile key that is wrong', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lead-etl-profile-'));
    const bad = { ...PROFILE, files: { accounts: { columns: { rename: { client_product_nam: 'x' } } } } };
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(bad));
    expect(() => loadPipelineConfig({ baseDir: dir, env: {}, input: { program: { profile: 'bad.json' } } })).toThrow(/profile acme: files.accounts.columns.rename.client_product_nam: no column "client_product_nam" in accounts/);
    writeFileSync(join(dir, 'typo.json'), JSON.stringify({ ...PROFILE, filez: {} }));
    expect(() => loadPipelineConfig({ baseDir: dir, env: {}, input: { program: { profile: 'typo.json' } } })).toThrow(/unknown key filez/);
  });
});
