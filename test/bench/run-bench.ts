/**
 * Speed and memory of building a date's files, checked against targets (not by timed tests).
 * It seeds the reference ledger in an in-memory PGlite, adds N synthetic entries to one activity day,
 * builds that date's files, and samples the JS heap while it does. Run it twice, small and large: the
 * heap peak must not grow with N (rows stream from a cursor to the file).
 *
 *   npm run bench                       # 50k then 400k rows
 *   npm run bench -- 20000 1000000      # other sizes
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { loadPipelineConfig } from '../../jobs/pipeline-config.js';
import { fixedClock } from '../../core/clock.js';
import { openDatabase } from '../../core/database.js';
import { parseFileDate } from '../../core/file-date.js';
import { silentLogger } from '../../core/log.js';
import { generateReferenceLedger, installReferenceLedgerSchema } from '../../reference-program/generate.js';
import { runFileDate } from '../../jobs/run-file-date.js';
import { migrateStateStore } from '../../load/state/state-store.js';

const TARGET_ROWS_PER_SECOND = 5_000;
const TARGET_HEAP_GROWTH_MB = 48;

interface Measure { rows: number; seconds: number; rowsPerSecond: number; heapPeakMb: number }

async function measure(extraRows: number): Promise<Measure> {
  const database = await openDatabase({ driver: 'pglite' });
  const dir = await mkdtemp(join(tmpdir(), 'lead-etl-bench-'));
  try {
    await installReferenceLedgerSchema(database);
    await generateReferenceLedger(database, { days: 2, scale: 2, seed: 11, firstActivityDate: '2026-03-05' });
    await migrateStateStore(database.db);
    // Synthetic card purchases on 2026-03-06 (America/Chicago), spread across existing balances.
    await sql`
      insert into ledger.ledger_entries (entry_id, balance_id, event_type, amount, currency, effective_at, settlement_date, card_id, recorded_at, description)
      select 'txn_9' || lpad(g::text, 9, '0'), b.balance_id, 'WIRE_IN', ((g % 9973) + 1)::numeric / 100, 'USD',
             timestamptz '2026-03-06 06:00:00+00' + (g % 86000) * interval '1 second', date '2026-03-06', null,
             timestamptz '2026-03-06 06:00:00+00' + (g % 86000) * interval '1 second', 'bench'
      from generate_series(1, ${extraRows}) g
      join lateral (select balance_id from ledger.balances order by balance_id offset (g % (select count(*) from ledger.balances)) limit 1) b on true`.execute(database.db);
    global.gc?.();
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().heapUsed); }, 20);
    const config = loadPipelineConfig({ baseDir: dir, env: {}, input: { ledger: { dataDir: 'memory://' }, archive: { dir: 'archive' }, program: { firstFileDate: '2026-03-07' } } });
    const started = process.hrtime.bigint();
    const result = await runFileDate({ config, ledger: database, state: database, clock: fixedClock('2026-03-07T07:00:00Z'), logger: silentLogger(), connectRemote: () => Promise.reject(new Error('no upload in the bench')) }, parseFileDate('2026-03-07'), { upload: false });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(sampler);
    if (result.outcome !== 'ok') throw new Error(result.message);
    const rows = result.built.reduce((sum, f) => sum + f.rows, 0);
    return { rows, seconds, rowsPerSecond: Math.round(rows / seconds), heapPeakMb: Math.round((peak - baseline) / 1e5) / 10 };
  } finally {
    await database.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const [small, large] = sizes.length >= 2 ? sizes : [50_000, 400_000];
const a = await measure(small!);
const b = await measure(large!);
for (const [label, m] of [['small', a], ['large', b]] as const) {
  console.log(`${label}: ${m.rows} rows in ${m.seconds.toFixed(1)} s = ${m.rowsPerSecond} rows/s, heap peak +${m.heapPeakMb} MB`);
}
const failures: string[] = [];
if (b.rowsPerSecond < TARGET_ROWS_PER_SECOND) failures.push(`throughput ${b.rowsPerSecond} rows/s is under the target ${TARGET_ROWS_PER_SECOND}`);
if (b.heapPeakMb - a.heapPeakMb > TARGET_HEAP_GROWTH_MB) failures.push(`heap peak grew by ${(b.heapPeakMb - a.heapPeakMb).toFixed(1)} MB from ${a.rows} to ${b.rows} rows (target: under ${TARGET_HEAP_GROWTH_MB} MB)`);
console.log(failures.length ? `bench: FAILED: ${failures.join('; ')}` : 'bench: ok (throughput and flat memory within targets)');
process.exitCode = failures.length ? 1 : 0;
