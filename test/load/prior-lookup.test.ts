import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { parseFileDate, type FileDate } from '../../core/file-date.js';
import { runFileDate } from '../../jobs/run-file-date.js';
import { stateValidationHistory } from '../../load/state/state-validation-history.js';
import { priorLookup } from '../../load/state/submitted-records.js';
import { databaseKinds } from '../support/databases.js';
import { DAY0, startPipeline, type PipelineFixture } from '../support/pipeline.js';

const day = (n: number): FileDate => parseFileDate(DateTime.fromISO(DAY0).plus({ days: n }).toISODate()!);

/**
 * The submission rules' look-up of what was sent before asks once per type whether anything of it was
 * sent at all (a launch day has nothing): that must never hide a record that was.
 */
describe.each(databaseKinds)('the look-up of what was sent before on %s', (kind) => {
  let pipeline: PipelineFixture | undefined;
  afterEach(async () => {
    await pipeline?.dispose();
    pipeline = undefined;
  });

  it('finds what was sent, nothing of a type never sent, and asks again in the next run (the submission rules and the pre-flight\'s history alike)', async () => {
    pipeline = await startPipeline(kind, { days: 2, config: { program: { fileTypes: ['customer', 'accounts', 'balances', 'transactions'] } } });
    const { ctx } = pipeline;
    const sentIds = async (fileType: string) => (await sql<{ record_id: string }>`
      select distinct record_id from lead_etl.submitted_record where file_type = ${fileType} order by record_id`.execute(ctx.state.db)).rows.map((r) => r.record_id);

    const before = priorLookup(ctx.state.db, { fileDate: day(0) });
    expect(await before('customer', ['x'])).toEqual(new Map());
    const historyBefore = await stateValidationHistory(ctx.state.db, DAY0 as FileDate, ['customer', 'accounts', 'balances', 'transactions'], day(0));
    expect(await historyBefore.knownIds('customer', ['x'])).toEqual(new Set());
    expect(await historyBefore.lastVersions('customer', ['x'])).toEqual(new Map());

    const result = await runFileDate(ctx, day(0));
    expect(result, `${result.message} ${JSON.stringify(result.problems)}`).toMatchObject({ outcome: 'ok', problemCount: 0 });
    const customers = await sentIds('customer');
    const transactions = await sentIds('transactions');
    expect(customers.length).toBeGreaterThan(0);
    expect(transactions.length).toBeGreaterThan(0);

    const after = priorLookup(ctx.state.db, { fileDate: day(1) });
    const found = await after('customer', [...customers, 'cus_never_sent']);
    expect([...found.keys()].sort()).toEqual(customers);
    expect(found.get(customers[0]!)).toMatchObject({ terminal: false });
    expect(found.get(customers[0]!)?.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect([...(await after('transactions', transactions)).keys()].sort()).toEqual(transactions);
    expect(await after('cards', ['card_1'])).toEqual(new Map());
    expect(await after('transactions', [])).toEqual(new Map());

    const history = await stateValidationHistory(ctx.state.db, DAY0 as FileDate, ['customer', 'accounts', 'balances', 'transactions'], day(1));
    expect([...(await history.knownIds('transactions', [...transactions, 'txn_never_sent']))].sort()).toEqual(transactions);
    expect(await history.knownIds('cards', ['card_1'])).toEqual(new Set());
    const versions = await history.lastVersions('customer', [...customers, 'cus_never_sent']);
    expect([...versions.keys()].sort()).toEqual(customers);
    expect(versions.get(customers[0]!)?.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });
});
