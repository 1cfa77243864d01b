import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { faultTierUnavailable, locksReleased, openRig, pickUp, runCrashChild } from './support/fault-rig.js';
import { cleanRunBaseline, day, sendInOrder, withScenario } from './support/scenario.js';

const unavailable = faultTierUnavailable();
if (unavailable) console.warn(`skipping the crash-point fault tier: ${unavailable}`);

/**
 * kill -9 at each named phase of a run (issue 8), with and without Lead's pickup moving the files away
 * before the restart: after the operator runs the dates again, the server, the archive and the state
 * store hold exactly what a clean run leaves, and no version reached Lead twice.
 */
describe.skipIf(unavailable !== undefined)('kill -9 at every phase, on real PostgreSQL and OpenSSH', () => {
  const dates = [day(0), day(1)];
  const baseline = cleanRunBaseline(3, dates);

  beforeAll(() => {
    expect(Object.keys(baseline.clean.server)).toHaveLength(8);
    expect(baseline.clean.files.every((f) => f.status === 'validated')).toBe(true);
  });

  it.each([
    { phase: 'extract', nth: 1, pickup: false },
    { phase: 'archived', nth: 1, pickup: false },
    { phase: 'mid-upload', nth: 2, pickup: false },
    { phase: 'mid-upload', nth: 2, pickup: true },
    { phase: 'renamed', nth: 2, pickup: false },
    { phase: 'renamed', nth: 2, pickup: true },
    { phase: 'acknowledge', nth: 1, pickup: true },
  ])('killed at $phase (#$nth), picked up before the restart: $pickup', async ({ phase, nth, pickup }) => {
    let warnedRuns = 0;
    const after = await withScenario(baseline.templates, async (parts) => {
      const child = await runCrashChild({ spec: parts.spec, steps: [{ run: day(0) }, { ack: day(0) }, { run: day(1) }], killAt: { phase, nth } });
      expect(child.signal, child.stderr).toBe('SIGKILL');
      await locksReleased(parts.stateName);
      if (pickup) await pickUp(parts.server.rootDir, parts.processedDir);
      await sendInOrder(parts.spec, dates);
      const rig = await openRig(parts.spec);
      try {
        // The killed run is closed as failed by the next run of its date, never left without an outcome.
        const open = await sql<{ n: number }>`select count(*)::int as n from lead_etl.run where outcome is null`.execute(rig.state.db);
        expect(open.rows[0]!.n).toBe(0);
        const interrupted = await sql<{ n: number }>`select count(*)::int as n from lead_etl.run where summary like 'interrupted%'`.execute(rig.state.db);
        warnedRuns = interrupted.rows[0]!.n;
      } finally {
        await rig.close();
      }
    });
    expect(after.server).toEqual(baseline.clean.server);
    expect(after.leftovers).toEqual([]);
    expect(after.archive).toEqual(baseline.clean.archive);
    expect(after.files).toEqual(baseline.clean.files);
    expect(warnedRuns).toBe(phase === 'acknowledge' ? 0 : 1);
  }, 120_000);
});
