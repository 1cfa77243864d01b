import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { acknowledgeDate } from '../../jobs/acknowledge-date.js';
import { recordLeadAnswers } from '../../jobs/record-lead-answers.js';
import { runFileDate } from '../../jobs/run-file-date.js';
import { sendCustomerBatch } from '../../jobs/send-batch.js';
import { classifyLeadMessage } from '../../load/lead-message-patterns.js';
import { filesForDate } from '../../load/state/state-store.js';
import { openSftpSession } from '../../load/sftp-session.js';
import { silentLogger } from '../../core/log.js';
import { FILE_TYPES } from '../../transform/file-types/registry.js';
import { databaseKinds } from '../support/databases.js';
import { D, at } from '../support/mini-ledger.js';
import { startPipeline, type PipelineFixture } from '../support/pipeline.js';

/**
 * Customer files go in batches: the daily one, named by its date, and as many extra ones in a day as
 * needed (<date>-02, <date>-03...), each carrying only the customers new or changed since they were last
 * sent, never reusing an id.
 */
const CUSTOMERS = `
  select c.id as client_customer_id, 'individual' as customer_type, array['account_holder'] as inteded_roles,
         c.first_name, null as preferred_first_name, null as middle_name, c.last_name, null::date as data_of_birth,
         null as ocupation, null as business_type, null as business_name, null as doing_business_as, null as website,
         null as business_gross_annual_revenue
  from mini.customers c where c.created_at < :window_end order by c.id`;

describe.each(databaseKinds)('Customer batches on %s', (kind) => {
  let pipeline: PipelineFixture | undefined;
  afterEach(async () => {
    await pipeline?.dispose();
    pipeline = undefined;
  });

  it('sends extra batches during the day with only what changed, each under a new id, and records Lead\'s answer per batch', async () => {
    pipeline = await startPipeline(kind, { days: 1 });
    const ctx = pipeline.withProgram({ profile: { name: 'mini-customers', kind: 'deposit', fileTypes: ['customer'] }, queries: { 'customer.sql': CUSTOMERS }, firstFileDate: D[0]! });
    const db = ctx.ledger.db;
    await sql`create schema mini`.execute(db);
    await sql`create table mini.customers (id text primary key, first_name text, last_name text, created_at timestamptz not null)`.execute(db);
    await sql`insert into mini.customers values ('cus_1', 'Ada', 'Lovelace', ${at(D[0]!, '09:00')}), ('cus_2', 'Alan', 'Turing', ${at(D[0]!, '10:00')})`.execute(db);

    // The daily batch of D0 (named by the date) carries both.
    pipeline.clock.set(`${D[0]}T07:00:00Z`);
    const daily = await runFileDate(ctx, D[0]!);
    expect(daily.uploaded.map((f) => f.name)).toEqual([`${D[0]}_customer_V1.csv`]);
    await acknowledgeDate(ctx.state, pipeline.clock, D[0]!, { outcome: 'validated', source: 'test' });

    // During D0 a customer changes and one is onboarded: a batch at 11:00 sends just those two.
    await sql`update mini.customers set last_name = 'King' where id = 'cus_1'`.execute(db);
    await sql`insert into mini.customers values ('cus_3', 'Grace', 'Hopper', ${`${D[0]} 10:30:00-05`})`.execute(db);
    pipeline.clock.set(`${D[0]}T16:00:00Z`);
    const second = await sendCustomerBatch(ctx, D[0]!);
    expect(second).toMatchObject({ batchId: `${D[0]}-02`, outcome: 'ok' });
    expect(second.uploaded.map((f) => f.name)).toEqual([`${D[0]}-02_customer_V1.csv`]);
    const rows = parse(readFileSync(join(pipeline.sftp.rootDir, 'customer', `${D[0]}-02_customer_V1.csv`), 'utf8'), { delimiter: '|', columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.client_customer_id, r.last_name])).toEqual([['cus_1', 'King'], ['cus_3', 'Hopper']]);

    // Nothing changed since: no third batch is sent (its id stays unused by any file Lead sees, and is never reused).
    pipeline.clock.set(`${D[0]}T18:00:00Z`);
    const empty = await sendCustomerBatch(ctx, D[0]!);
    expect(empty.uploaded).toEqual([]);
    expect(empty.message).toContain('nothing new');

    // Lead answers the batch in its channel; the answer is recorded against that batch only.
    const answer = classifyLeadMessage({ ts: '1', text: `✅ ${D[0]}-02 Customer files processed successfully: ${D[0]}-02_customer_V1.csv` }, FILE_TYPES)!;
    const recorded = await recordLeadAnswers(ctx.state, pipeline.clock, [answer], { source: 'test' });
    expect(recorded.validated).toEqual([{ fileDate: D[0], workflow: 'customer', files: [`${D[0]}-02_customer_V1.csv`] }]);

    await sql`update mini.customers set first_name = 'Alan M.' where id = 'cus_2'`.execute(db);
    pipeline.clock.set(`${D[0]}T20:00:00Z`);
    const third = await sendCustomerBatch(ctx, D[0]!);
    expect(third.uploaded.map((f) => f.name)).toEqual([`${D[0]}-04_customer_V1.csv`]);
    expect(readdirSync(join(pipeline.sftp.rootDir, 'customer')).sort()).toEqual([`${D[0]}-02_customer_V1.csv`, `${D[0]}-04_customer_V1.csv`, `${D[0]}_customer_V1.csv`]);
    const state = await filesForDate(ctx.state.db, D[0]!);
    expect(state.map((f) => [f.name, f.status, f.batchId])).toEqual([
      [`${D[0]}_customer_V1.csv`, 'validated', null],
      [`${D[0]}-02_customer_V1.csv`, 'validated', `${D[0]}-02`],
      [`${D[0]}-03_customer_V1.csv`, 'abandoned', `${D[0]}-03`],
      [`${D[0]}-04_customer_V1.csv`, 'uploaded', `${D[0]}-04`],
    ]);
  });

  it('a batch that did not reach Lead goes before the next one, so none of its customers is left out (issue 8)', async () => {
    pipeline = await startPipeline(kind, { days: 1 });
    const ctx = pipeline.withProgram({ profile: { name: 'mini-customers', kind: 'deposit', fileTypes: ['customer'] }, queries: { 'customer.sql': CUSTOMERS }, firstFileDate: D[0]! });
    const db = ctx.ledger.db;
    await sql`create schema mini`.execute(db);
    await sql`create table mini.customers (id text primary key, first_name text, last_name text, created_at timestamptz not null)`.execute(db);
    await sql`insert into mini.customers values ('cus_1', 'Ada', 'Lovelace', ${at(D[0]!, '09:00')})`.execute(db);
    pipeline.clock.set(`${D[0]}T07:00:00Z`);
    await runFileDate(ctx, D[0]!);

    await sql`insert into mini.customers values ('cus_2', 'Alan', 'Turing', ${`${D[0]} 10:30:00-05`})`.execute(db);
    pipeline.clock.set(`${D[0]}T16:00:00Z`);
    const unreachable = { ...ctx, connectRemote: () => openSftpSession({ ...ctx.config.sftp!, hostKeyFingerprint: 'SHA256:PWqq5lPPd0zWCawxwSnqOkyy168esipmaPy2t3H1uFE' }, silentLogger()) };
    await expect(sendCustomerBatch(unreachable, D[0]!)).rejects.toMatchObject({ code: 'SFTP_HOST_KEY_MISMATCH' });

    await sql`insert into mini.customers values ('cus_3', 'Grace', 'Hopper', ${`${D[0]} 12:00:00-05`})`.execute(db);
    pipeline.clock.set(`${D[0]}T18:00:00Z`);
    const next = await sendCustomerBatch(ctx, D[0]!);
    expect(next.uploaded.map((f) => f.name)).toEqual([`${D[0]}-03_customer_V1.csv`]);
    const sent = (name: string) => (parse(readFileSync(join(pipeline!.sftp.rootDir, 'customer', name), 'utf8'), { delimiter: '|', columns: true }) as Record<string, string>[]).map((r) => r.client_customer_id);
    expect(sent(`${D[0]}-02_customer_V1.csv`)).toEqual(['cus_2']);
    expect(sent(`${D[0]}-03_customer_V1.csv`)).toEqual(['cus_3']);
    const runs = await sql<{ outcome: string }>`select outcome from lead_etl.run where command = 'batch' order by started_at`.execute(ctx.state.db);
    expect(runs.rows.map((r) => r.outcome)).toEqual(['failed', 'ok']);
  });
});
