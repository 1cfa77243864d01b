import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql, type Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseFileDate, type FileDate } from '../../core/file-date.js';
import { acknowledgeDate } from '../../jobs/acknowledge-date.js';
import { runFileDate } from '../../jobs/run-file-date.js';
import { migrateStateStore, recordBuiltFiles } from '../../load/state/state-store.js';
import { createSubmittedRowSpool, spoolDirOf, trackedColumnsOf } from '../../load/state/submitted-row-spool.js';
import { fixedClock } from '../../core/clock.js';
import { recordIdColumnsOf, type FileTypeSpec } from '../../transform/file-type-spec.js';
import { fileTypeById } from '../../transform/file-types/registry.js';
import { canonicalHash } from '../../transform/submission-rules.js';
import { databaseKinds, freshDatabase, type FreshDatabase } from '../support/databases.js';
import { DAY0, startPipeline, type PipelineFixture } from '../support/pipeline.js';

const DEPOSIT = ['customer', 'customer_relationship', 'accounts', 'cards', 'balances', 'transactions', 'non_posted_transactions', 'transactions_update'];

const day = (n: number): FileDate => parseFileDate(DateTime.fromISO(DAY0).plus({ days: n }).toISODate()!);

interface Recorded {
  record_id: string;
  content_hash: string | null;
  effective_at: string | null;
  terminal: boolean;
  tracked: Record<string, string> | null;
}

async function recordedRows(db: Kysely<any>, fileId: string): Promise<Recorded[]> {
  const { rows } = await sql<{ record_id: string; content_hash: string | null; effective_at: Date | string | null; terminal: boolean; tracked: unknown }>`
    select record_id, content_hash, effective_at, terminal, tracked from lead_etl.submitted_record where file_id = ${fileId} order by record_id`.execute(db);
  return rows.map((r) => ({
    record_id: r.record_id,
    content_hash: r.content_hash === null ? null : String(r.content_hash),
    effective_at: r.effective_at === null ? null : DateTime.fromJSDate(r.effective_at instanceof Date ? r.effective_at : new Date(String(r.effective_at))).toMillis().toString(),
    terminal: Boolean(r.terminal),
    tracked: (typeof r.tracked === 'string' ? JSON.parse(r.tracked) : r.tracked) as Record<string, string> | null,
  }));
}

/** What the state store must hold for each row of an archived file, worked out here from a parse of the file. */
function expectedRows(spec: FileTypeSpec, archivePath: string, tracked: readonly string[]): Recorded[] {
  const lines = parse(readFileSync(archivePath, 'utf8'), { delimiter: '|', from_line: 2 }) as string[][];
  const at = (name: string) => spec.columns.findIndex((c) => c.name === name);
  return lines.map((values) => {
    const kept = tracked.filter((name) => at(name) >= 0);
    const when = spec.effectiveAtColumn ? values[at(spec.effectiveAtColumn)] ?? '' : '';
    return {
      record_id: recordIdColumnsOf(spec).map((name) => values[at(name)] ?? '').join('/'),
      content_hash: spec.rule === 'full-overwrite' ? canonicalHash(spec, values) : null,
      effective_at: when === '' ? null : DateTime.fromISO(when).toMillis().toString(),
      terminal: spec.terminal ? spec.terminal.values.includes(values[at(spec.terminal.column)] ?? '') : false,
      tracked: kept.length > 0 ? Object.fromEntries(kept.map((name) => [name, values[at(name)] ?? ''])) : null,
    };
  }).sort((a, b) => (a.record_id < b.record_id ? -1 : a.record_id > b.record_id ? 1 : 0));
}

describe.each(databaseKinds)('what the state store records of each file on %s', (kind) => {
  let pipeline: PipelineFixture | undefined;
  afterEach(async () => {
    await pipeline?.dispose();
    pipeline = undefined;
  });

  it('is exactly the rows of the archived file, with a hash only where full-overwrite compares content, and no spool left behind', async () => {
    pipeline = await startPipeline(kind, { days: 3, config: { program: { fileTypes: DEPOSIT } } });
    const { ctx } = pipeline;
    const specs = ctx.config.program.files.map((t) => t.spec);
    const seen = new Set<string>();
    for (let i = 0; i < 3; i += 1) {
      const result = await runFileDate(ctx, day(i));
      expect(result, `${result.message} ${JSON.stringify(result.problems)}`).toMatchObject({ outcome: 'ok', problemCount: 0 });
      for (const file of result.built) {
        const spec = fileTypeById(file.fileType as never);
        const expected = expectedRows(spec, file.archivePath, trackedColumnsOf(spec, specs));
        expect(expected.length, `${file.name}: rows`).toBe(file.rows);
        expect(await recordedRows(ctx.state.db, file.id), file.name).toEqual(expected);
        if (file.rows > 0) seen.add(file.fileType);
      }
      await acknowledgeDate(ctx.state, pipeline.clock, day(i), { outcome: 'validated', source: 'test' });
    }
    // The cases above were there to compare: full-overwrite, new-only with the column Transactions Update
    // tracks, and a snapshot recorded without a hash.
    expect([...seen]).toEqual(expect.arrayContaining(['accounts', 'balances', 'customer', 'transactions']));
    expect(trackedColumnsOf(fileTypeById('transactions'), specs)).toEqual(['settlement_date']);
    const building = await readdir(join(ctx.config.archive.dir, '.building')).catch(() => []);
    expect(building.filter((name) => name.endsWith('.records'))).toEqual([]);
  });

  it('leaves no spool after a dry run', async () => {
    pipeline = await startPipeline(kind, { days: 2 });
    const result = await runFileDate(pipeline.ctx, day(1));
    // Day 1 before Lead validated Day 0 is checked in a dry run that records nothing.
    expect(result.outcome).toBe('waiting');
    expect(result.notices.length, 'the dry run built the files').toBeGreaterThan(0);
    const building = await readdir(join(pipeline.ctx.config.archive.dir, '.building')).catch(() => []);
    expect(building.filter((name) => name.endsWith('.records'))).toEqual([]);
    const { rows } = await sql<{ n: string }>`select count(*) as n from lead_etl.submitted_record`.execute(pipeline.ctx.state.db);
    expect(Number(rows[0]!.n)).toBe(0);
  });
});

describe.each(databaseKinds)('the spool of submitted records on %s', (kind) => {
  let fresh: FreshDatabase;
  let dir: string;
  beforeAll(async () => {
    fresh = await freshDatabase(kind);
    await migrateStateStore(fresh.database.db);
    dir = await mkdtemp(join(tmpdir(), 'lead-etl-spool-'));
  });
  afterAll(async () => {
    await fresh?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('carries any text through COPY unchanged: tabs, backslashes, line ends, quotes, non-ASCII', async () => {
    const spec = fileTypeById('accounts');
    const ids = ['acc\twith tab', 'acc\\back\\slash', 'acc\nnew\rline', 'acc "quoted" |pipe|', 'acc ünïcødé ✓ 🏦', '\\N', 'plain'];
    const clock = fixedClock('2026-12-01T12:00:00Z');
    const status = spec.columns.findIndex((c) => c.name === 'status');
    const idAt = spec.columns.findIndex((c) => c.name === spec.recordIdColumn);
    const rows = ids.map((id, i) => spec.columns.map((c, at) => (at === idAt ? id : at === status ? (i % 2 ? 'closed' : 'active') : c.name === 'effective_at' ? '2026-03-05T10:00:00-06:00' : `${c.name} ${id}`)));
    const spool = createSubmittedRowSpool(spec, [], spoolDirOf(dir, 'run-1'));
    const passed: string[][] = [];
    for await (const batch of spool.tap((async function* () { yield rows.slice(0, 3); yield rows.slice(3); })())) passed.push(...batch);
    expect(passed).toEqual(rows);
    await sql`insert into lead_etl.run (run_id, command, started_at) values ('run-1', 'test', now())`.execute(fresh.database.db);
    const [file] = await recordBuiltFiles(fresh.database.db, 'run-1', [{
      fileDate: parseFileDate('2026-03-06'), fileType: 'accounts', version: 1, name: '2026-03-06_accounts_V1.csv', sha256: 'a'.repeat(64),
      rows: rows.length, bytes: 100, archivePath: '/nowhere', remotePath: '/accounts/2026-03-06_accounts_V1.csv',
    }], clock, async (trx, files) => {
      expect(await spool.copyInto(trx, files[0]!.id)).toBe(rows.length);
    });
    const recorded = await recordedRows(fresh.database.db, file!.id);
    expect(recorded.map((r) => r.record_id).sort()).toEqual([...ids].sort());
    for (const r of recorded) {
      const values = rows[ids.indexOf(r.record_id)]!;
      expect(r).toEqual({ record_id: r.record_id, content_hash: canonicalHash(spec, values), effective_at: String(Date.parse('2026-03-05T10:00:00-06:00')), terminal: values[status] === 'closed', tracked: null });
    }
    expect(await readdir(spoolDirOf(dir, 'run-1'))).toEqual([]);
  });
});

describe('canonicalHash', () => {
  // The hash as 0002 first stored it: the state store compares new rows against it, so it never changes.
  const reference = (spec: FileTypeSpec, values: readonly string[]) => {
    const excluded = new Set(['generated_at', 'effective_at', ...(spec.hashExcludes ?? [])]);
    const pairs = spec.columns.map((c, i) => [c.name, values[i] ?? ''] as const).filter(([name]) => !excluded.has(name));
    return createHash('sha256').update(JSON.stringify(pairs)).digest('hex');
  };

  it('is the sha256 of the JSON of the [column, value] pairs, for any text', () => {
    for (const id of ['customer', 'accounts', 'cards', 'authorized_users', 'customer_relationship'] as const) {
      const spec = fileTypeById(id);
      const samples = [
        spec.columns.map(() => ''),
        spec.columns.map((c, i) => `${c.name} "quoted" \\ back\tslash\n${i} ünï ✓ 🏦 \u0001 \u2028`),
        spec.columns.map((_, i) => String(i)).slice(0, 3),
      ];
      for (const values of samples) expect(canonicalHash(spec, values), id).toBe(reference(spec, values));
    }
  });
});
