import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPipelineConfig } from '../../jobs/pipeline-config.js';
import { fixedClock } from '../../core/clock.js';
import { addDays, parseFileDate } from '../../core/file-date.js';
import { silentLogger } from '../../core/log.js';
import { startDaemon, type Ticker } from '../../jobs/daemon.js';
import type { JobContext } from '../../jobs/job-context.js';
import { rerunDate } from '../../jobs/rerun-date.js';
import { slackAcknowledgements } from '../../load/slack-acknowledgements.js';
import { openSftpSession } from '../../load/sftp-session.js';
import { generateKeyPair } from '../../core/ssh-keys.js';
import { listFiles, liveFile } from '../../load/state/state-store.js';
import { startLeadSandbox } from '../../sandbox/lead-sandbox.js';
import { parseRejectFault } from '../../sandbox/reject-faults.js';
import { ledgerDatabase } from '../support/databases.js';
import { checkSentFiles } from '../support/lead-file-check.js';

/**
 * The unattended week, rehearsed: the daemon (injected clock, ticks driven here) sends seven file dates
 * to the local Lead sandbox and reads Lead's answers from the sandbox's channel through the same reader
 * it uses for Slack. The sandbox rejects Balances on Day 2; the daemon waits, an operator runs `rerun`,
 * which sends only that file as V2, the sandbox validates, and Days 3 to 6 follow in order.
 */
const DAY0 = parseFileDate('2026-03-06');
const DATES = Array.from({ length: 7 }, (_, i) => addDays(DAY0, i));
const CORE = ['accounts', 'balances', 'transactions', 'non_posted_transactions'];
const manualTicker = (): Ticker => ({ start: () => undefined, stop: async () => undefined });

describe('a rehearsed week: the daemon against the Lead sandbox', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('waits on the rejection, sends only the rerun V2, then the rest of the week in order, each file once', async () => {
    // The reference ledger and the migrated state store.
    const db = await ledgerDatabase('pglite', { days: DATES.length, seed: 42, firstActivityDate: '2026-03-05' });
    cleanups.push(() => db.dispose());
    const dir = await mkdtemp(join(tmpdir(), 'lead-etl-week-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const clock = fixedClock('2026-03-06T05:00:00Z');
    const logger = silentLogger();
    const key = generateKeyPair();
    const input = { program: { firstFileDate: DAY0, fileTypes: CORE }, ledger: { dataDir: 'memory://' }, archive: { dir: 'archive' } };
    const files = loadPipelineConfig({ baseDir: dir, env: {}, input }).program.files;
    const sandbox = await startLeadSandbox({
      dir: join(dir, 'lead'), files, clock, logger, authorizedPublicKeys: [key.publicKey], day0: DAY0, quietSeconds: 0,
      faults: [parseRejectFault('2:balances', CORE)],
    });
    cleanups.push(() => sandbox.close());
    const config = loadPipelineConfig({
      baseDir: dir,
      env: { LEAD_ETL_SFTP_PRIVATE_KEY: key.privateKey, LEAD_ETL_SLACK_BOT_TOKEN: sandbox.channel.token },
      input: {
        ...input,
        sftp: { host: sandbox.sftp.host, port: sandbox.sftp.port, username: sandbox.sftp.username, hostKeyFingerprint: sandbox.sftp.hostKeyFingerprint },
        acknowledgements: { slack: { channel: sandbox.channel.id, baseUrl: sandbox.channel.url } },
      },
    });
    const ctx: JobContext = { config, ledger: db.database, state: db.database, clock, logger, connectRemote: () => openSftpSession(config.sftp!, logger) };
    const slack = config.acknowledgements.slack!;
    const channel = slackAcknowledgements({ name: 'lead-sandbox', baseUrl: slack.baseUrl, token: slack.token, channel: slack.channel, db: db.database.db, clock, logger, specs: files.map((t) => t.spec) });
    const daemon = await startDaemon(ctx, { ticker: manualTicker(), ackSources: [channel], httpPort: 0 });
    cleanups.push(() => daemon.close());

    let reran = false;
    let sentDay3BeforeRerun = false;
    for (let hour = 0; hour < 24 * 8 && !(await weekValidated()); hour += 1) {
      clock.advance({ hours: 1 });
      await sandbox.processPending();
      await daemon.tick();
      const all = await listFiles(db.database.db);
      const rejected = all.find((f) => f.status === 'rejected');
      if (rejected && !reran) {
        if (all.some((f) => f.fileDate === DATES[3] && f.uploadedAt)) sentDay3BeforeRerun = true;
        // The operator, told by the daemon's alert, fixes nothing in the ledger and reruns the date.
        if (!liveFile(all.filter((f) => f.fileDate === rejected.fileDate), rejected.fileType)) {
          const { result } = await rerunDate(ctx, rejected.fileDate);
          expect(result.uploaded.map((f) => f.name)).toEqual([`${DATES[2]}_balances_V2.csv`]);
          reran = true;
        }
      }
    }
    const debug = (await listFiles(db.database.db)).map((f) => `${f.name}:${f.status}`).join(' ') + ' | ' + sandbox.messages().map((m) => m.text).join(' || ') + ' | ' + JSON.stringify(daemon.status);
    expect(reran, debug).toBe(true);
    expect(sentDay3BeforeRerun).toBe(false);
    expect(await weekValidated()).toBe(true);

    const root = sandbox.sftp.rootDir;
    for (const type of CORE) {
      const expected = DATES.map((d) => `${d}_${type}_V1.csv`);
      if (type === 'balances') expected.push(`${DATES[2]}_balances_V2.csv`);
      expect(readdirSync(join(root, type)).sort(), type).toEqual(expected.sort());
    }
    expect(checkSentFiles(root)).toEqual([]);
    expect(daemon.status.lastTickOk).toBe(true);

    async function weekValidated(): Promise<boolean> {
      const all = await listFiles(db.database.db);
      return DATES.every((date) => CORE.every((type) => liveFile(all.filter((f) => f.fileDate === date), type)?.status === 'validated'));
    }
  });
});
