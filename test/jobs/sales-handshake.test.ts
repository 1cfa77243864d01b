import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { acknowledgeDate } from '../../jobs/acknowledge-date.js';
import { runFileDate } from '../../jobs/run-file-date.js';
import { filesForDate } from '../../load/state/state-store.js';
import { postSalesRequest } from '../../sandbox/sales-request.js';
import { databaseKinds } from '../support/databases.js';
import { D, at, installMini, QUERIES } from '../support/mini-ledger.js';
import { startPipeline, type PipelineFixture } from '../support/pipeline.js';

/**
 * The credit sales handshake: the Transactions file reports disbursements; once the date's Financial
 * workflow validated, Lead posts a Sales Request; lead-etl downloads it, archives and loads it, and
 * answers with a Sales Response built from the request and the partner's decisions.
 */
const PROFILE = { name: 'mini-credit', kind: 'credit', fileTypes: ['transactions', 'sales_request', 'sales_response'] };
const TRANSACTIONS = QUERIES['transactions.sql']!
  .replace(`'credit' as type`, `t.kind as type`)
  .replace('null as principal_amount, null as fee_amount, null as interest_amount', 't.amount as principal_amount, 0::numeric as fee_amount, 0::numeric as interest_amount');
const SALES_RESPONSE = `
  select r.sale_id, 'Mini Receivables LLC' as purchasing_entity,
         case when d.decision is null then 'accepted' else d.decision end as response,
         d.reason as reject_reason, :as_of::timestamptz as effective_at
  from json_to_recordset(:sales_request::json) as r(sale_id text, balance_id text)
  left join mini.sale_decisions d on d.balance_id = r.balance_id
  order by r.sale_id`;

describe.each(databaseKinds)('sales handshake on %s', (kind) => {
  let pipeline: PipelineFixture | undefined;
  afterEach(async () => {
    await pipeline?.dispose();
    pipeline = undefined;
  });

  it('answers the Sales Request of a date once it arrives, and only once', async () => {
    pipeline = await startPipeline(kind, { days: 1 });
    const ctx = pipeline.withProgram({ profile: PROFILE, queries: { 'transactions.sql': TRANSACTIONS, 'sales_response.sql': SALES_RESPONSE }, firstFileDate: D[0]! });
    const config = ctx.config;
    const db = ctx.ledger.db;
    await installMini(db);
    await sql`alter table mini.entries add column kind text not null default 'disbursement'`.execute(db);
    await sql`create table mini.sale_decisions (balance_id text primary key, decision text not null, reason text)`.execute(db);
    await sql`insert into mini.sale_decisions values ('bal_2', 'rejected', 'account under review')`.execute(db);
    await sql`insert into mini.entries values ('txn_1', 'bal_1', 120.50, ${at(D[0]!, '09:00')}, 'disbursement'), ('txn_2', 'bal_2', 80, ${at(D[0]!, '10:00')}, 'disbursement')`.execute(db);
    const root = pipeline.sftp.rootDir;

    const first = await runFileDate(ctx, D[0]!);
    expect(first.outcome, first.message + JSON.stringify(first.problems)).toBe('ok');
    expect(first.uploaded.map((f) => f.fileType)).toEqual(['transactions']);
    expect(first.message).toContain("waits for Lead's Sales Request");

    await acknowledgeDate(ctx.state, pipeline.clock, D[0]!, { outcome: 'validated', source: 'test' });
    const beforeRequest = await runFileDate(ctx, D[0]!);
    expect(beforeRequest.uploaded).toEqual([]);
    expect(beforeRequest.message).toContain("waits for Lead's Sales Request");

    // Lead sells the receivables the day's disbursements created (a hold of 0 days keeps the test short).
    const posted = await postSalesRequest({ sftpRoot: root, fileDate: D[0]!, holdDays: 0, generatedAt: pipeline.clock.now() });
    expect(posted.rows).toBe(0); // they settled on the activity day, T-1, not on T
    await postSalesRequest({ sftpRoot: root, fileDate: D[0]!, holdDays: 1, generatedAt: pipeline.clock.now() });
    const request = parse(readFileSync(join(root, 'sales_request', `${D[0]}_sales_request_V1.csv`), 'utf8'), { delimiter: '|', columns: true }) as Record<string, string>[];
    expect(request.map((r) => [r.balance_id, r.outstanding_principal, r.settlement_amount])).toEqual([
      ['bal_1', '120.50', '120.56'],
      ['bal_2', '80.00', '80.04'],
    ]);

    const answered = await runFileDate(ctx, D[0]!);
    expect(answered.uploaded.map((f) => f.fileType)).toEqual(['sales_response']);
    const response = parse(readFileSync(join(root, 'sales_response', `${D[0]}_sales_response_V1.csv`), 'utf8'), { delimiter: '|', columns: true }) as Record<string, string>[];
    expect(response.map((r) => [r.sale_id, r.response, r.reject_reason])).toEqual([
      [request[0]!.sale_id, 'accepted', ''],
      [request[1]!.sale_id, 'rejected', 'account under review'],
    ]);
    expect(existsSync(join(config.archive.dir, D[0]!, 'inbound', `${D[0]}_sales_request_V1.csv`))).toBe(true);

    const again = await runFileDate(ctx, D[0]!);
    expect(again.uploaded).toEqual([]);
    expect(readdirSync(join(root, 'sales_response'))).toHaveLength(1);
    expect((await filesForDate(ctx.state.db, D[0]!)).map((f) => f.fileType).sort()).toEqual(['sales_response', 'transactions']);
  });
});
