import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { parseFileDate, type FileDate } from '../../core/file-date.js';
import { acknowledgeDate } from '../../jobs/acknowledge-date.js';
import { rerunDate } from '../../jobs/rerun-date.js';
import { runFileDate } from '../../jobs/run-file-date.js';
import { filesForDate, moveFile } from '../../load/state/state-store.js';
import { databaseKinds } from '../support/databases.js';
import { checkSentFiles, readSentFiles } from '../support/lead-file-check.js';
import { DAY0, startPipeline, type PipelineFixture } from '../support/pipeline.js';

const date = (text: string) => parseFileDate(text);
const day = (n: number): FileDate => {
  const d = new Date(`${DAY0}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return date(d.toISOString().slice(0, 10));
};

function remoteFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(path.slice(root.length));
    }
  };
  walk(root);
  return out.sort();
}

describe.each(databaseKinds)('running file dates on %s', (kind) => {
  let pipeline: PipelineFixture | undefined;
  afterEach(async () => {
    await pipeline?.dispose();
    pipeline = undefined;
  });

  it('sends every file type of each day in order, and the files pass an independent check of Lead rules and the roll-forward', async () => {
    pipeline = await startPipeline(kind, { days: 5 });
    for (let i = 0; i < 5; i += 1) {
      const result = await runFileDate(pipeline.ctx, day(i));
      expect(result, `${result.message} ${JSON.stringify(result.problems)}`).toMatchObject({ outcome: 'ok', problemCount: 0 });
      expect(result.uploaded.map((f) => f.fileType).sort()).toEqual(['accounts', 'balances', 'non_posted_transactions', 'transactions']);
      await acknowledgeDate(pipeline.ctx.state, pipeline.clock, day(i), { outcome: 'validated', source: 'test' });
    }
    const files = remoteFiles(pipeline.sftp.rootDir);
    expect(files).toHaveLength(20);
    expect(files).toContain(`/balances/${day(2)}_balances_V1.csv`);
    expect(files.every((f) => /^\/(accounts|balances|transactions|non_posted_transactions)\/\d{4}-\d{2}-\d{2}_[a-z_]+_V1\.csv$/.test(f))).toBe(true);
    expect(checkSentFiles(pipeline.sftp.rootDir)).toEqual([]);
    const sent = readSentFiles(pipeline.sftp.rootDir);
    expect(sent.filter((f) => f.token === 'transactions').every((f) => f.rows.length > 0)).toBe(true);

    // What the server holds is byte for byte what the archive holds, and what the state store recorded.
    const recorded = await filesForDate(pipeline.ctx.state.db, day(2));
    for (const file of recorded) {
      expect(readFileSync(join(pipeline.sftp.rootDir, file.remotePath))).toEqual(readFileSync(file.archivePath));
      expect(readFileSync(`${file.archivePath}.sha256`, 'utf8')).toBe(`${file.sha256}  ${file.name}\n`);
      expect(file.status).toBe('validated');
    }
  });

  it('running a date again uploads nothing twice', async () => {
    pipeline = await startPipeline(kind, { days: 2 });
    const first = await runFileDate(pipeline.ctx, day(0));
    expect(first.uploaded).toHaveLength(4);
    const before = remoteFiles(pipeline.sftp.rootDir).map((f) => [f, statSync(join(pipeline!.sftp.rootDir, f)).mtimeMs]);
    const again = await runFileDate(pipeline.ctx, day(0));
    expect(again).toMatchObject({ outcome: 'ok', built: [], uploaded: [] });
    expect(again.message).toMatch(/nothing to send/);
    expect(remoteFiles(pipeline.sftp.rootDir).map((f) => [f, statSync(join(pipeline!.sftp.rootDir, f)).mtimeMs])).toEqual(before);
    expect((await filesForDate(pipeline.ctx.state.db, day(0))).map((f) => f.version)).toEqual([1, 1, 1, 1]);
  });

  it('a date whose turn has not come is checked in a dry run and waits: nothing built or recorded until the previous date is validated (issue 8)', async () => {
    pipeline = await startPipeline(kind, { days: 3 });
    await runFileDate(pipeline.ctx, day(0));
    const waiting = await runFileDate(pipeline.ctx, day(1));
    expect(waiting.outcome).toBe('waiting');
    expect(waiting.message).toContain(`Lead has not validated ${day(0)}`);
    expect(waiting.message).toContain('nothing was built or recorded');
    expect(waiting.message).toContain('a dry run of its files found nothing Lead would reject');
    expect(waiting.built).toEqual([]);
    expect(await filesForDate(pipeline.ctx.state.db, day(1))).toEqual([]);
    const runs = await sql<{ n: number }>`select count(*)::int as n from lead_etl.run where file_date = ${day(1)}`.execute(pipeline.ctx.state.db);
    expect(runs.rows[0]!.n).toBe(0);
    expect(existsSync(join(pipeline.dir, 'archive', day(1)))).toBe(false);
    expect(remoteFiles(pipeline.sftp.rootDir).filter((f) => f.includes(day(1)))).toEqual([]);

    await acknowledgeDate(pipeline.ctx.state, pipeline.clock, day(0), { outcome: 'validated', source: 'test' });
    const sent = await runFileDate(pipeline.ctx, day(1));
    expect(sent).toMatchObject({ outcome: 'ok' });
    expect(sent.built).toHaveLength(4);
    expect(sent.uploaded.map((f) => f.name).sort()).toEqual(sent.built.map((f) => f.name).sort());
  });

  it('refuses a server whose host key does not match the pinned fingerprint, and sends nothing', async () => {
    pipeline = await startPipeline(kind, { days: 1 });
    const pinnedElsewhere = pipeline.withConfig({ sftp: { hostKeyFingerprint: 'SHA256:PWqq5lPPd0zWCawxwSnqOkyy168esipmaPy2t3H1uFE' } as never });
    await expect(runFileDate(pinnedElsewhere, day(0))).rejects.toMatchObject({ code: 'SFTP_HOST_KEY_MISMATCH' });
    expect(remoteFiles(pipeline.sftp.rootDir)).toEqual([]);
    expect((await filesForDate(pipeline.ctx.state.db, day(0))).map((f) => f.status)).toEqual(['built', 'built', 'built', 'built']);
    const retried = await runFileDate(pipeline.ctx, day(0));
    expect(retried.uploaded).toHaveLength(4);
  });

  it('finishes an upload an interrupted run left: recorded when already on the server, re-sent when not', async () => {
    pipeline = await startPipeline(kind, { days: 1 });
    const built = await runFileDate(pipeline.ctx, day(0), { upload: false });
    const [accounts, balances] = ['accounts', 'balances'].map((t) => built.built.find((f) => f.fileType === t)!);
    // Crash 1: the accounts file was renamed into place but the run died before recording it.
    await moveFile(pipeline.ctx.state.db, await moveFile(pipeline.ctx.state.db, accounts!, 'built', 'uploading', pipeline.clock, { uploadTempName: `.${accounts!.name}.0123456789abcdef.part` }), 'uploading', 'renaming', pipeline.clock);
    const remoteAccounts = join(pipeline.sftp.rootDir, accounts!.remotePath);
    mkdirSync(dirname(remoteAccounts), { recursive: true });
    writeFileSync(remoteAccounts, readFileSync(accounts!.archivePath));
    // Crash 2: the balances upload died before the rename; only a temp file is left on the server.
    await moveFile(pipeline.ctx.state.db, balances!, 'built', 'uploading', pipeline.clock, { uploadTempName: `.${balances!.name}.deadbeef.part` });
    const remoteBalancesDir = join(pipeline.sftp.rootDir, dirname(balances!.remotePath));
    mkdirSync(remoteBalancesDir, { recursive: true });
    writeFileSync(join(remoteBalancesDir, `.${balances!.name}.deadbeef.part`), 'half');

    const resumed = await runFileDate(pipeline.ctx, day(0));
    expect(resumed.outcome).toBe('ok');
    const files = await filesForDate(pipeline.ctx.state.db, day(0));
    expect(files.every((f) => f.status === 'uploaded')).toBe(true);
    expect(remoteFiles(pipeline.sftp.rootDir)).toEqual(files.map((f) => f.remotePath).sort());
    expect(readFileSync(join(pipeline.sftp.rootDir, balances!.remotePath))).toEqual(readFileSync(balances!.archivePath));
  });

  it('a bad ledger row names file type, record, column and rule, and nothing of the workflow is archived or sent', async () => {
    pipeline = await startPipeline(kind, { days: 1 });
    const db = pipeline.ctx.ledger.db;
    const victim = await sql<{ entry_id: string }>`select entry_id from ledger.ledger_entries order by entry_id limit 1`.execute(db);
    const id = victim.rows[0]!.entry_id;
    await sql`update ledger.ledger_entries set amount = amount + 0.001 where entry_id = ${id}`.execute(db);

    const result = await runFileDate(pipeline.ctx, day(0));
    expect(result.outcome).toBe('failed');
    expect(result.problems).toContainEqual(expect.objectContaining({ fileType: 'transactions', recordId: id, column: 'amount', rule: 'money.precision' }));
    expect(result.message).toContain('financial');
    expect(remoteFiles(pipeline.sftp.rootDir).filter((f) => !f.startsWith('/accounts/'))).toEqual([]);
    const recorded = await filesForDate(pipeline.ctx.state.db, day(0));
    expect(recorded.map((f) => f.fileType)).toEqual(['accounts']);
    const problems = await sql<{ rule: string; record_id: string }>`select rule, record_id from lead_etl.run_problem`.execute(pipeline.ctx.state.db);
    expect(problems.rows).toContainEqual({ rule: 'money.precision', record_id: id });
  });

  it('writes a header-only file for a type with nothing to send that day', async () => {
    pipeline = await startPipeline(kind, { days: 1 });
    await sql`delete from ledger.pending_entries`.execute(pipeline.ctx.ledger.db);
    const result = await runFileDate(pipeline.ctx, day(0));
    const nonPosted = result.built.find((f) => f.fileType === 'non_posted_transactions')!;
    expect(nonPosted.rows).toBe(0);
    const content = readFileSync(join(pipeline.sftp.rootDir, nonPosted.remotePath), 'utf8');
    expect(content.split('\n')).toEqual([expect.stringMatching(/^transaction_id\|balance_id\|/), '']);
  });
});

describe.each(databaseKinds)('a rejected file on %s', (kind) => {
  it('waits for the operator, whose rerun rebuilds it from the ledger as it is now and sends it as the next version; the other files and V1 stay as they were', async () => {
    const pipeline = await startPipeline(kind, { days: 2 });
    try {
      await runFileDate(pipeline.ctx, day(0));
      await acknowledgeDate(pipeline.ctx.state, pipeline.clock, day(0), { outcome: 'rejected', source: 'test', note: 'bad row', fileTypes: ['balances'] });
      // Left alone, the rejected file waits for a person: the same data would only be rejected again.
      const waiting = await runFileDate(pipeline.ctx, day(0));
      expect(waiting.outcome).toBe('waiting');
      expect(waiting.message).toContain(`Lead rejected the balances file(s) of ${day(0)}; fix the cause, then \`lead-etl rerun --date ${day(0)}\``);
      expect(waiting.uploaded).toEqual([]);
      const { result: rerun } = await rerunDate(pipeline.ctx, day(0));
      expect(rerun.outcome, rerun.message).toBe('ok');
      expect(rerun.uploaded.map((f) => f.name)).toEqual([`${day(0)}_balances_V2.csv`]);
      const files = remoteFiles(pipeline.sftp.rootDir).filter((f) => f.startsWith('/balances/'));
      expect(files).toEqual([`/balances/${day(0)}_balances_V1.csv`, `/balances/${day(0)}_balances_V2.csv`]);
      const state = await filesForDate(pipeline.ctx.state.db, day(0));
      expect(state.map((f) => [f.fileType, f.version, f.status]).sort()).toEqual([
        ['accounts', 1, 'uploaded'], ['balances', 1, 'rejected'], ['balances', 2, 'uploaded'],
        ['non_posted_transactions', 1, 'uploaded'], ['transactions', 1, 'uploaded'],
      ]);
    } finally {
      await pipeline.dispose();
    }
  });
});

describe.each(databaseKinds)("Lead's workflow order on %s", (kind) => {
  it('sends compliance, then financial once compliance validated, and the next date once the whole date validated', async () => {
    const pipeline = await startPipeline(kind, { days: 2, config: { workflows: { waitForPrevious: true } } });
    try {
      const { ctx, clock } = pipeline;
      const first = await runFileDate(ctx, day(0));
      expect(first.outcome).toBe('waiting');
      expect(first.uploaded.map((f) => f.fileType)).toEqual(['accounts']);
      expect(first.message).toContain(`the financial files of ${day(0)} wait for Lead to validate the compliance files`);
      expect(first.built).toHaveLength(4);

      await acknowledgeDate(ctx.state, clock, day(0), { outcome: 'validated', source: 'test' });
      const second = await runFileDate(ctx, day(0));
      expect(second.outcome).toBe('ok');
      expect(second.uploaded.map((f) => f.fileType)).toEqual(['balances', 'transactions', 'non_posted_transactions']);

      const early = await runFileDate(ctx, day(1));
      expect(early.outcome).toBe('waiting');
      expect(early.uploaded).toEqual([]);
      await acknowledgeDate(ctx.state, clock, day(0), { outcome: 'validated', source: 'test' });
      expect((await runFileDate(ctx, day(1))).uploaded.map((f) => f.fileType)).toEqual(['accounts']);
    } finally {
      await pipeline.dispose();
    }
  });
});
