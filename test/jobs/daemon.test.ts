import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, watch } from 'node:fs';
import { copyFile, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { addDays, parseFileDate, type FileDate } from '../../core/file-date.js';
import type { AckSource } from '../../load/ack-source.js';
import type { Workflow } from '../../transform/file-type-spec.js';
import { startDaemon, type RunningDaemon, type Ticker } from '../../jobs/daemon.js';
import { openSftpSession } from '../../load/sftp-session.js';
import { listFiles } from '../../load/state/state-store.js';
import type { Logger } from '../../core/log.js';
import { databaseKinds } from '../support/databases.js';
import { fingerprintOf, opensshUnavailable, startOpensshServer } from '../support/openssh-server.js';
import { capturingLogger } from '../support/sftp.js';
import { startPipeline, type PipelineFixture } from '../support/pipeline.js';

/**
 * The daemon over a week that crosses the end of DST in America/Chicago (2026-11-01, a 25-hour day),
 * with an injected clock and ticks driven by the test, and Lead played by an acknowledgement source that
 * validates whatever was uploaded.
 */
const FIRST_FILE_DATE = parseFileDate('2026-10-29');
const DATES = Array.from({ length: 8 }, (_, i) => addDays(FIRST_FILE_DATE, i));

const sshdMissing = opensshUnavailable();

/** /metrics as `name{labels}` -> value, for the samples of lead-etl's own metrics. */
async function metricsOf(base: string): Promise<Record<string, number>> {
  const response = await fetch(`${base}/metrics`);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples: Record<string, number> = {};
  for (const line of (await response.text()).split('\n')) {
    const match = /^(lead_etl_(?:files|ticks|last_tick|lease|next_deadline|problems|alerts)\S*) (\S+)$/.exec(line);
    if (match) samples[match[1]!] = Number(match[2]);
  }
  return samples;
}

/** Resolves once the file's text matches: an event (the file changed), not a sleep. */
function logSays(file: string, pattern: RegExp, ms = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const watcher = watch(file);
    const timer = setTimeout(() => { watcher.close(); reject(new Error(`${file} never matched ${pattern}`)); }, ms);
    const check = () => void readFile(file, 'utf8').then((text) => {
      if (!pattern.test(text)) return;
      clearTimeout(timer);
      watcher.close();
      resolve();
    }, () => undefined);
    watcher.on('change', check);
  });
}

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

/** Slack's incoming-webhook endpoint, played locally: it keeps what was posted and refuses the first post. */
async function startWebhookReceiver() {
  const bodies: { contentType: string | undefined; body: string }[] = [];
  let refused = false;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => { body += chunk.toString(); });
    req.on('end', () => {
      bodies.push({ contentType: req.headers['content-type'], body });
      if (!refused) {
        refused = true;
        res.writeHead(500).end('internal_error');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
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

  async function start(options: { logger?: Logger } = {}) {
    pipeline = await startPipeline(kind, {
      ...options, days: DATES.length, firstActivityDate: '2026-10-28', startAt: '2026-10-29T04:00:00Z',
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

  it('answers health, readiness and metrics over HTTP, and lets a tick in progress finish when stopped', async () => {
    const p = await start();
    const daemon = await startDaemon(p.ctx, { ticker: manualTicker(), httpPort: 0 });
    let finished = false;
    try {
      const health = await fetch(`http://127.0.0.1:${daemon.httpPort}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', ticks: 1 });
      const ready = await fetch(`http://127.0.0.1:${daemon.httpPort}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ ready: true, lease: 'this replica' });
      expect(await metricsOf(`http://127.0.0.1:${daemon.httpPort}`)).toMatchObject({ 'lead_etl_ticks_total{outcome="ok"}': 1, lead_etl_last_tick_ok: 1 });
      // A stop (SIGTERM) while a date is being sent: close() waits for the tick.
      p.clock.set('2026-10-29T06:00:00Z');
      void daemon.tick().then(() => { finished = true; });
    } finally {
      await daemon.close();
    }
    expect(finished).toBe(true);
    expect(sentFiles(p.sftp.rootDir)).toEqual(['2026-10-29_accounts_V1.csv']);
  });

  it("alerts once through Slack's webhook client, retrying one Slack refused, and without a channel logs once what each date waits for", async () => {
    const log = capturingLogger('info');
    const p = await start({ logger: log.logger });
    const webhook = await startWebhookReceiver();
    // The webhook URL is a secret held in config; here it is a local receiver that refuses the first post.
    const ctx = { ...p.ctx, config: { ...p.ctx.config, notify: { slackWebhookUrl: `${webhook.url}/services/T000/B000/secret-path` } } };
    // No Lead answers: the second date waits, so its deadline (06:00 CT on T+1) approaches.
    const daemon = await startDaemon(ctx, { ticker: manualTicker(), httpPort: 0 });
    try {
      for (let i = 0; i < 130; i += 1) {
        p.clock.advance({ minutes: 30 });
        await daemon.tick();
      }
    } finally {
      await daemon.close();
      await webhook.close();
    }
    const { sql } = await import('kysely');
    const alerts = await sql<{ key: string; text: string }>`select key, text from lead_etl.notification order by key`.execute(p.ctx.state.db);
    expect(alerts.rows.map((r) => r.key)).toContain(`upload-late:${DATES[1]}`);
    expect(alerts.rows.map((r) => r.key)).toContain(`acknowledgement-overdue:${DATES[0]}`);
    expect(new Set(alerts.rows.map((r) => r.key)).size).toBe(alerts.rows.length);
    // Every alert reached Slack once; the one refused (HTTP 500) was posted again on the next tick.
    expect(webhook.bodies.map((b) => b.contentType)).toEqual(webhook.bodies.map(() => 'application/json'));
    const texts = webhook.bodies.map((b) => (JSON.parse(b.body) as { text: string }).text);
    expect([...new Set(texts)].sort()).toEqual(alerts.rows.map((r) => r.text).sort());
    expect(texts.length).toBe(alerts.rows.length + 1);
    expect(texts.filter((t) => t === texts[0])).toHaveLength(2);
    expect(log.lines.join('\n')).not.toContain('secret-path');

    const waits = log.lines.map((l) => JSON.parse(l) as { msg: string; waitingFor?: string; fileDate?: string }).filter((l) => l.waitingFor);
    expect(waits.map((w) => w.msg)).toEqual([
      // The status picture's words: the log and `lead-etl status` say the same.
      `${DATES[0]} Compliance: waiting for Lead's answer: record it with \`lead-etl ack --date ${DATES[0]} --workflow compliance --validated\` (or \`--rejected --file TYPE --reason TEXT\`); no Slack channel is configured to read it from`,
    ]);
  });

  // Once per suite, on the most real database at hand (PostgreSQL's advisory lock is then the lease).
  it.skipIf(sshdMissing !== undefined || kind !== databaseKinds.at(-1))('is not ready while ticks fail on a wrong host key, says why, counts the failures, and is ready again once the server shows the pinned key', async () => {
    const p = await start();
    const sshd = await startOpensshServer();
    let daemon: RunningDaemon | undefined;
    try {
      // The pin names a key Lead's (real OpenSSH) server does not present yet.
      const pinnedKey = join(sshd.dir, 'pinned_ed25519');
      const made = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', pinnedKey], { encoding: 'utf8' });
      expect(made.status, made.stderr).toBe(0);
      const sftp = {
        host: sshd.host, port: sshd.port, username: sshd.username, privateKey: sshd.clientPrivateKey, hostKeyFingerprint: fingerprintOf(`${pinnedKey}.pub`),
        remoteRoot: sshd.rootDir, connectTimeoutMs: 10_000, operationTimeoutMs: 10_000, closeTimeoutMs: 2_000,
      };
      const ctx = { ...p.ctx, config: { ...p.ctx.config, sftp }, connectRemote: () => openSftpSession(sftp, p.ctx.logger) };
      p.clock.set('2026-10-29T06:00:00Z'); // after the first date's build time (00:30 CT)
      daemon = await startDaemon(ctx, { ticker: manualTicker(), httpPort: 0 });
      await daemon.tick();
      const base = `http://127.0.0.1:${daemon.httpPort}`;

      const notReady = await fetch(`${base}/readyz`);
      expect(notReady.status).toBe(503);
      const why = (await notReady.json()) as Record<string, unknown>;
      expect(why).toMatchObject({ ready: false, lastErrorCode: 'SFTP_HOST_KEY_MISMATCH', consecutiveFailures: 2, lastTickOk: false, lease: 'this replica' });
      expect(why.reason).toContain(`presented host key ${sshd.hostKeyFingerprint}, but ${sftp.hostKeyFingerprint} is configured`);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const failing = await metricsOf(base);
      expect(failing).toMatchObject({
        'lead_etl_ticks_total{outcome="failed"}': 2, 'lead_etl_ticks_total{outcome="ok"}': 0, lead_etl_last_tick_ok: 0, lead_etl_lease_held: 1,
        'lead_etl_files_built_total{file_type="accounts",workflow="compliance"}': 1, 'lead_etl_files_built_total{file_type="balances",workflow="financial"}': 1,
        // 06:00Z on 10-29 to 06:00 CDT on 10-30 (11:00Z): 29 hours.
        'lead_etl_next_deadline_minutes{file_date="2026-10-29"}': 29 * 60,
      });
      expect(Object.keys(failing).filter((k) => k.startsWith('lead_etl_files_uploaded_total{'))).toEqual([]);

      // Lead's server now presents the pinned key: sshd re-reads its host key on SIGHUP, on the same port.
      await copyFile(pinnedKey, join(sshd.dir, 'host_ed25519'));
      await copyFile(`${pinnedKey}.pub`, join(sshd.dir, 'host_ed25519.pub'));
      const restarted = logSays(join(sshd.dir, 'sshd.log'), /Received SIGHUP[\s\S]*Server listening on/);
      process.kill(sshd.pid, 'SIGHUP');
      await restarted;
      await daemon.tick();
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ ready: true, lastTickOk: true, consecutiveFailures: 0 });
      expect(await metricsOf(base)).toMatchObject({
        'lead_etl_ticks_total{outcome="failed"}': 2, 'lead_etl_ticks_total{outcome="ok"}': 1, lead_etl_last_tick_ok: 1,
        'lead_etl_files_uploaded_total{file_type="accounts",workflow="compliance"}': 1,
      });
      expect(readdirSync(join(sshd.rootDir, 'accounts'))).toEqual(['2026-10-29_accounts_V1.csv']);
    } finally {
      await daemon?.close();
      await sshd.dispose();
    }
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
    // Each replica's metrics say how often the other held the lease, and who held it last.
    for (const d of [a, b]) {
      const ticks = (await d.metrics.registry.getSingleMetric('lead_etl_ticks_total')!.get()).values;
      expect(ticks.find((v) => v.labels.outcome === 'skipped')?.value).toBe(d.status.skipped);
      const held = (await d.metrics.registry.getSingleMetric('lead_etl_lease_held')!.get()).values[0]?.value;
      expect(held).toBe(d.status.lease === 'this replica' ? 1 : 0);
    }
    const files = await listFiles(p.ctx.state.db);
    expect(files.map((f) => f.version)).toEqual(files.map(() => 1));
    expect(sentFiles(p.sftp.rootDir)).toHaveLength(DATES.length * 4);
  });
});
