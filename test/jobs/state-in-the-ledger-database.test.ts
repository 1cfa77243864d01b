import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateBenchDay, daySize } from '../../bench/generate-day.js';
import { fixedClock } from '../../core/clock.js';
import { parseFileDate } from '../../core/file-date.js';
import { silentLogger } from '../../core/log.js';
import { loadPipelineConfig } from '../../jobs/pipeline-config.js';
import { runFileDate } from '../../jobs/run-file-date.js';
import { migrateStateStore } from '../../load/state/state-store.js';
import { REFERENCE_LEDGER_QUERIES_DIR } from '../../reference-program/paths.js';
import { databaseKinds, freshDatabase, type FreshDatabase } from '../support/databases.js';

/**
 * The default set-up of a real program: the state store in the ledger's own PostgreSQL database. A file
 * of 500 rows or more made the submission rule look up what was sent before while the snapshot's cursor
 * was still open on the same connection, and the run waited for itself forever (found by `npm run bench`,
 * issue 10). 500 customers fill the rule's first batch exactly, before the cursor knows it is done.
 */
const FILE_DATE = parseFileDate('2026-03-06');

describe.skipIf(!databaseKinds.includes('postgres'))('a run with the state store in the ledger\'s PostgreSQL database', () => {
  let fresh: FreshDatabase;
  let dir: string;
  beforeAll(async () => {
    fresh = await freshDatabase('postgres');
    dir = await mkdtemp(join(tmpdir(), 'lead-etl-shared-state-'));
    await generateBenchDay(fresh.database, FILE_DATE, daySize(10_000));
    const migrated = await migrateStateStore(fresh.database.db);
    if (migrated.error) throw migrated.error;
  });
  afterAll(async () => {
    await fresh?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('builds files of 500 rows and more, each rule looking up what was sent through its own connection', async () => {
    const config = loadPipelineConfig({
      baseDir: dir,
      env: {},
      input: {
        program: { name: 'shared-state', profile: 'deposit', firstFileDate: FILE_DATE },
        ledger: { driver: 'postgres', url: 'postgres://unused@127.0.0.1/unused' },
        queries: { dir: REFERENCE_LEDGER_QUERIES_DIR },
        archive: { dir: 'archive' },
      },
    });
    const result = await runFileDate({
      config, ledger: fresh.database, state: fresh.database, clock: fixedClock('2026-03-06T07:00:00Z'), logger: silentLogger(),
      connectRemote: () => Promise.reject(new Error('nothing is uploaded here')),
    }, FILE_DATE, { upload: false });
    expect(result.outcome, result.message).toBe('ok');
    expect(Object.fromEntries(result.built.map((f) => [f.fileType, f.rows]))).toEqual({
      customer: 500, accounts: 500, cards: 500, balances: 1000, transactions: 10_000, non_posted_transactions: 10, transactions_update: 0,
    });
  }, 30_000);
});
