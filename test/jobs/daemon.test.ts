import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { addDays, parseFileDate, type FileDate } from '../../core/file-date.js';
import type { AckSource } from '../../load/ack-source.js';
import type { Workflow } from '../../transform/file-type-spec.js';
import { startDaemon, type Ticker } from '../../jobs/daemon.js';
import { listFiles } from '../../load/state/state-store.js';
import { databaseKinds } from '../support/databases.js';
import { startPipeline, type PipelineFixture } from '../support/pipeline.js';

/**
 * The daemon over a week that crosses the end of DST in America/Chicago (2026-11-01, a 25-hour day),
 * with an injected clock and ticks driven by the test, and Lead played by an acknowledgement source that
 * validates whatever was uploaded.
 */
const FIRST_FILE_DATE = parseFileDate('2026-10-29');
const DATES = Array.from({ length: 8 }, (_, i) => addDays(FIRST_FILE_DATE, i));

const manualTicker = (): Ticker => ({ start: () => undefined, stop: async () => undefined });

/** Lead, played by the test: every uploaded workflow of every date is validated, in Lead's words. */
function leadValidatesEverything(pipeline: PipelineFixture): AckSource {
  return {
    name: 'test-lead',
    async poll() {
      const uploaded = (await listFiles(pipeline.ctx.state.db)).filter((f) => f.status === 'uploaded');
      const groups = new Map<string, typeof uploaded>();
      for (const f of uploaded) {
        const workflow = pipeline.ctx.config.program.files.find((t) => t.spec.id === f.fileType)!.spec.workflow;
        groups.set(`${f.fileDate}|${workflow}`, [...(groups.get(`${f.fileDate}|${workflow}`) ?? []), f]);
      }
      return [...groups.entries()].map(([key, files]) => {
        const [fileDate, workflow] = key.split('|') as [FileDate, Workflow];
        const text = `✅ ${fileDate} ${workflow[0]!.toUpperCase()}${workflow.slice(1)} files processed successfully: ${files.map((f) => f.name).join(', ')}`;
        return { outcome: 'validated' as const, fileDate, workflow, files: files.map((f) => f.name), ts: `${Date.now()}`, text };
      });
    },
  };
}

function sentFiles(root: string): string[] {
  return ['accounts', 'balances', 'transactions', 'non_posted_transactions']
    .flatMap((folder) => (existsSync(join(root, folder)) ? readdirSync(join(root, folder)) : []))
    .sort();
}

describe.each(databaseKinds)('the daemon on %s', (kind) => {
  let pipeline: PipelineFixture | undefined;
  afterEach(async () => {
    await pipeline?.dispose();
    pipeline = undefined;
  });

  async function start() {
    pipeline = await startPipeline(kind, {
      days: DATES.length, firstActivityDate: '2026-10-28', startAt: '2026-10-29T04:00:00Z',
      config: { program: { firstFileDate: FIRST_FILE_DATE }, workflows: { waitForPrevious: true } },
    });
    return pipeline;
  }

  it('sends every date of the November DST week exactly once, in order, each after its build time, catching up after a restart', async () => {
    const p = await start();
    const sources = [leadValidatesEverything(p)];
    let daemon = await startDaemon(p.ctx, { ticker: manualTicker(), ackSources: sources, httpPort: 0 });
    const end = DateTime.fromISO('2026-11-05T12:00:00Z');
    let ticks = 1; // startDaemon ticks once at once
    let restarted = false;
    // Every tick of the second daemon runs (none skipped or doubled): its count is ours.
    while (p.clock.now() < end) {
      p.clock.advance({ minutes: 30 });
      // The daemon dies for a day and a half mid-week, across the DST change; the next one catches up.
      if (!restarted && p.clock.now() >= DateTime.fromISO('2026-10-31T12:00:00Z')) {
        await daemon.close();
        p.clock.set('2026-11-02T01:00:00Z');
        daemon = await startDaemon(p.ctx, { ticker: manualTicker(), ackSources: sources, httpPort: 0 });
        restarted = true;
        ticks = 1;
        continue;
      }
      await daemon.tick();
      ticks += 1;
    }
    expect(daemon.status).toMatchObject({ ticks, skipped: 0, lastTickOk: true });
    await daemon.close();

    expect(sentFiles(p.sftp.rootDir)).toEqual(DATES.flatMap((d) => ['accounts', 'balances', 'non_posted_transactions', 'transactions'].map((t) => `${d}_${t}_V1.csv`)).sort());
    const files = await listFiles(p.ctx.state.db);
    expect(files.every((f) => f.status === 'validated' && f.version === 1)).toBe(true);
    for (const date of DATES) {
      const buildTime = DateTime.fromISO(`${date}T00:30`, { zone: 'America/Chicago' });
      for (const f of files.filter((file) => file.fileDate === date)) {
        expect(Date.parse(f.uploadedAt!), `${f.name} uploaded before ${buildTime.toISO()}`).toBeGreaterThanOrEqual(buildTime.toMillis());
      }
    }
    // Dates went out in order.
    const firstUpload = (d: FileDate) => Math.min(...files.filter((f) => f.fileDate === d).map((f) => Date.parse(f.uploadedAt!)));
    for (let i = 1; i < DATES.length; i += 1) expect(firstUpload(DATES[i]!)).toBeGreaterThanOrEqual(firstUpload(DATES[i - 1]!));
  });

  it('runs every tick and sends every date exactly once over the March DST week (a 23-hour day)', async () => {
    const first = parseFileDate('2026-03-05');
    const dates = Array.from({ length: 7 }, (_, i) => addDays(first, i));
    pipeline = await startPipeline(kind, {
      days: dates.length, firstActivityDate: '2026-03-04', startAt: '2026-03-05T05:00:00Z',
      config: { program: { firstFileDate: first }, workflows: { waitForPrevious: true } },
    });
    const p = pipeline;
    const daemon = await startDaemon(p.ctx, { ticker: manualTicker(), ackSources: [leadValidatesEverything(p)], httpPort: 0 });
    let ticks = 1;
    // Ticks every 20 minutes of real time across 2026-03-08, when 02:00-03:00 CT does not exist.
    while (p.clock.now() < DateTime.fromISO('2026-03-11T12:00:00Z')) {
      p.clock.advance({ minutes: 20 });
      await daemon.tick();
      ticks += 1;
    }
    await daemon.close();
    expect(daemon.status).toMatchObject({ ticks, skipped: 0, lastTickOk: true });
    expect(sentFiles(p.sftp.rootDir)).toEqual(dates.flatMap((d) => ['accounts', 'balances', 'non_posted_transactions', 'transactions'].map((t) => `${d}_${t}_V1.csv`)).sort());
    const files = await listFiles(p.ctx.state.db);
    expect(files.every((f) => f.status === 'validated' && f.version === 1)).toBe(true);
  });

  it('answers health and readiness over HTTP', async () => {
    const p = await start();
    const daemon = await startDaemon(p.ctx, { ticker: manualTicker(), httpPort: 0 });
    try {
      const health = await fetch(`http://127.0.0.1:${daemon.httpPort}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', ticks: 1 });
      expect((await fetch(`http://127.0.0.1:${daemon.httpPort}/readyz`)).status).toBe(200);
    } finally {
      await daemon.close();
    }
  });

  it('alerts once, not on every tick, when a date is not uploaded shortly before its deadline', async () => {
    const p = await start();
    const posted: string[] = [];
    // No Lead answers: the second date waits, so its deadline (06:00 CT on T+1) approaches.
    const daemon = await startDaemon(p.ctx, { ticker: manualTicker(), httpPort: 0, post: async (_url, message) => { posted.push(message.text); } });
    try {
      for (let i = 0; i < 130; i += 1) {
        p.clock.advance({ minutes: 30 });
        await daemon.tick();
      }
    } finally {
      await daemon.close();
    }
    const late = (await listFiles(p.ctx.state.db)).length;
    expect(late).toBeGreaterThan(0);
    const { sql } = await import('kysely');
    const alerts = await sql<{ key: string }>`select key from lead_etl.notification order by key`.execute(p.ctx.state.db);
    expect(alerts.rows.map((r) => r.key)).toContain(`upload-late:${DATES[1]}`);
    expect(alerts.rows.map((r) => r.key)).toContain(`acknowledgement-overdue:${DATES[0]}`);
    expect(new Set(alerts.rows.map((r) => r.key)).size).toBe(alerts.rows.length);
  });

  it.runIf(kind === 'postgres')('two daemons on one state store send every file exactly once', async () => {
    const p = await start();
    const sources = [leadValidatesEverything(p)];
    const a = await startDaemon(p.ctx, { ticker: manualTicker(), ackSources: sources, httpPort: 0 });
    const b = await startDaemon(p.ctx, { ticker: manualTicker(), ackSources: sources, httpPort: 0 });
    try {
      for (let i = 0; i < 16 * 8; i += 1) {
        p.clock.advance({ minutes: 90 });
        await Promise.all([a.tick(), b.tick()]);
      }
    } finally {
      await a.close();
      await b.close();
    }
    expect(a.status.skipped + b.status.skipped).toBeGreaterThan(0);
    const files = await listFiles(p.ctx.state.db);
    expect(files.map((f) => f.version)).toEqual(files.map(() => 1));
    expect(sentFiles(p.sftp.rootDir)).toHaveLength(DATES.length * 4);
  });
});
