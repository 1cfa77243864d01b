import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { silentLogger } from '../../core/log.js';
import { EXIT, runCli } from '../../jobs/cli.js';
import { runFileDate } from '../../jobs/run-file-date.js';
import { REFERENCE_LEDGER_QUERIES_DIR } from '../../reference-program/paths.js';
import {
  bringDatabaseBack, CLOCK, DAY0, faultTierUnavailable, FILE_TYPES, openRig, takeDatabaseAway, type RigSpec,
} from './support/fault-rig.js';
import { cleanRunBaseline, day, sendInOrder, withScenario, type ScenarioParts } from './support/scenario.js';
import type { RunPhase } from '../../jobs/job-context.js';

const unavailable = faultTierUnavailable();
if (unavailable) console.warn(`skipping the database outage tier: ${unavailable}`);

async function runs(spec: RigSpec): Promise<Array<{ outcome: string | null; summary: string | null }>> {
  const rig = await openRig(spec);
  try {
    const rows = await sql<{ outcome: string | null; summary: string | null }>`select outcome, summary from lead_etl.run order by started_at, run_id`.execute(rig.state.db);
    return rows.rows;
  } finally {
    await rig.close();
  }
}

/**
 * The ledger or the state database taken away for real (ALLOW_CONNECTIONS false and every session
 * terminated) at the start, mid-extract, or between the rename and its commit (issue 8): one line naming
 * the database and the cause, no unhandled 'error' event (vitest fails the file on one), the run row
 * closed as failed whenever the state store can be reached, and a run once it is back converges.
 */
describe.skipIf(unavailable !== undefined)('database outages, on real PostgreSQL', () => {
  const dates = [day(0), day(1)];
  const baseline = cleanRunBaseline(3, dates);

  it.each([
    { database: 'ledger', at: 'start', code: 'LEDGER_UNREACHABLE', closed: true },
    { database: 'ledger', at: 'extract', code: 'LEDGER_UNREACHABLE', closed: true },
    { database: 'state', at: 'start', code: 'STATE_UNREACHABLE', closed: false },
    { database: 'state', at: 'extract', code: 'STATE_UNREACHABLE', closed: false },
    { database: 'state', at: 'renamed', code: 'STATE_UNREACHABLE', closed: false },
  ] as const)('the $database database lost at $at: $code in one line; the run converges once it is back', async ({ database, at, code, closed }) => {
    const after = await withScenario(baseline.templates, async (parts: ScenarioParts) => {
      const name = database === 'ledger' ? parts.ledgerName : parts.stateName;
      let taken = false;
      const takeAway = async () => {
        taken = true;
        await takeDatabaseAway(name);
      };
      const rig = await openRig(parts.spec, {
        async phase(phase: RunPhase) {
          if (phase === at && !taken) await takeAway();
        },
      });
      let failure: { code?: string; message: string } | undefined;
      try {
        if (at === 'start') await takeAway();
        await runFileDate(rig.ctx, day(0));
      } catch (error) {
        failure = { code: (error as { code?: string }).code, message: (error as Error).message };
      } finally {
        await rig.close();
        await bringDatabaseBack(name);
      }
      expect(taken).toBe(true);
      expect(failure?.code, failure?.message).toBe(code);
      expect(failure!.message).toContain(`the ${database} database`);
      expect(failure!.message).not.toContain('\n');
      expect(failure!.message).not.toMatch(/migrate/);
      const recorded = await runs(parts.spec);
      if (at !== 'start' || database === 'ledger') {
        expect(recorded).toHaveLength(1);
        expect(recorded[0]!.outcome).toBe(closed ? 'failed' : null);
      }
      await sendInOrder(parts.spec, dates);
      // Every run has an outcome now: the next run of the date closed the one its outage left open.
      expect((await runs(parts.spec)).every((r) => r.outcome !== null)).toBe(true);
    });
    expect(after).toEqual(baseline.clean);
  }, 120_000);

  it('the command line says which database is unreachable and why, exit 1, and "migrate" only for a missing schema', async () => {
    await withScenario(baseline.templates, async (parts) => {
      const config = join(parts.spec.archiveDir, 'lead-etl.json');
      writeFileSync(config, JSON.stringify({
        program: { name: 'fault-deposit', profile: 'deposit', firstFileDate: DAY0, fileTypes: FILE_TYPES },
        ledger: { driver: 'postgres', url: parts.spec.ledgerUrl },
        state: { driver: 'postgres', url: parts.spec.stateUrl },
        queries: { dir: REFERENCE_LEDGER_QUERIES_DIR },
        archive: { dir: parts.spec.archiveDir },
        sftp: { host: parts.spec.sftp.host, port: parts.spec.sftp.port, username: parts.spec.sftp.username, hostKeyFingerprint: parts.spec.sftp.hostKeyFingerprint, remoteRoot: parts.spec.sftp.remoteRoot },
        log: { level: 'silent' },
      }));
      const cli = async (args: string[]) => {
        const out: string[] = [];
        const err: string[] = [];
        const code = await runCli(args, {
          stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: { LEAD_ETL_SFTP_PRIVATE_KEY: parts.spec.sftp.privateKey },
          clock: fixedClock(CLOCK), logger: silentLogger(),
        });
        return { code, stdout: out.join(''), stderr: err.join('') };
      };

      await takeDatabaseAway(parts.stateName);
      const stateDown = await cli(['run', '--config', config, '--date', DAY0]);
      await bringDatabaseBack(parts.stateName);
      expect(stateDown.code).toBe(EXIT.failed);
      expect(stateDown.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stateDown.stderr).toMatch(/^lead-etl run: STATE_UNREACHABLE: cannot reach the state database postgres:\/\/.*not currently accepting connections.*state\.url/);
      expect(stateDown.stderr).not.toContain('migrate');

      await takeDatabaseAway(parts.ledgerName);
      const ledgerDown = await cli(['run', '--config', config, '--date', DAY0]);
      await bringDatabaseBack(parts.ledgerName);
      expect(ledgerDown.code).toBe(EXIT.failed);
      expect(ledgerDown.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(ledgerDown.stderr).toMatch(/^lead-etl run: LEDGER_UNREACHABLE: cannot reach the ledger database postgres:\/\/.*ledger\.url/);

      const rig = await openRig(parts.spec);
      try {
        await sql`drop schema lead_etl cascade`.execute(rig.state.db);
      } finally {
        await rig.close();
      }
      const unmigrated = await cli(['run', '--config', config, '--date', DAY0]);
      expect(unmigrated.code).toBe(EXIT.failed);
      expect(unmigrated.stderr).toMatch(/STATE_SCHEMA: .*run `lead-etl migrate`/);
      expect((await cli(['migrate', '--config', config])).code).toBe(EXIT.ok);
    });
  }, 120_000);
});
