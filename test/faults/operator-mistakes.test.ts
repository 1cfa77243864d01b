import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { parseFileDate } from '../../core/file-date.js';
import { acknowledgeDate } from '../../jobs/acknowledge-date.js';
import { backfill } from '../../jobs/backfill.js';
import { runFileDate } from '../../jobs/run-file-date.js';
import { faultTierUnavailable, openRig, type Rig } from './support/fault-rig.js';
import { cleanRunBaseline, day, sendInOrder, withScenario } from './support/scenario.js';

const unavailable = faultTierUnavailable();
if (unavailable) console.warn(`skipping the operator-mistakes tier: ${unavailable}`);

async function recorded(rig: Rig): Promise<{ files: number; runs: number }> {
  const files = await sql<{ n: number }>`select count(*)::int as n from lead_etl.file`.execute(rig.state.db);
  const runs = await sql<{ n: number }>`select count(*)::int as n from lead_etl.run`.execute(rig.state.db);
  return { files: files.rows[0]!.n, runs: runs.rows[0]!.n };
}

/**
 * Sent means received (issue 8): whatever an operator runs, in whatever order, Lead ends up with exactly
 * the rows a clean in-order run sends. Scripted mistakes first (a future date, a date before Day 0, a
 * later date first, a date twice, a backfill beside a run of the same date), then the dates in order.
 */
describe.skipIf(unavailable !== undefined)('operator mistakes, on real PostgreSQL and OpenSSH', () => {
  const dates = [day(0), day(1), day(2)];
  const baseline = cleanRunBaseline(4, dates);

  it('a future date, a date before Day 0, a later date first, a date twice and a backfill beside a run leave Lead exactly what a clean run does', async () => {
    const after = await withScenario(baseline.templates, async (parts) => {
      const rig = await openRig(parts.spec);
      try {
        const { ctx, clock } = rig;
        // A typo: a date whose activity day has not even begun. Refused before anything is recorded.
        await expect(runFileDate(ctx, parseFileDate('2027-03-06'))).rejects.toMatchObject({ code: 'DATE_REFUSED', message: expect.stringContaining('upload.settleMinutes') });
        // A date before Day 0.
        await expect(runFileDate(ctx, parseFileDate('2026-03-01'))).rejects.toMatchObject({ code: 'DATE_REFUSED', message: expect.stringContaining('program.firstFileDate') });
        await expect(backfill(ctx, parseFileDate('2026-03-04'), day(1))).rejects.toMatchObject({ code: 'DATE_REFUSED' });
        expect(await recorded(rig)).toEqual({ files: 0, runs: 0 });

        // A later date first: checked in a dry run, nothing recorded, so it holds nothing back from Day 0.
        const early = await runFileDate(ctx, day(2));
        expect(early.outcome).toBe('waiting');
        expect(early.message).toContain(`${day(1)} was never sent`);
        expect(early.problemCount, JSON.stringify(early.problems.slice(0, 3))).toBe(0);
        expect(await recorded(rig)).toEqual({ files: 0, runs: 0 });

        // Day 0, twice.
        expect((await runFileDate(ctx, day(0))).uploaded).toHaveLength(4);
        expect(await runFileDate(ctx, day(0))).toMatchObject({ outcome: 'ok', built: [], uploaded: [] });
        await acknowledgeDate(ctx.state, clock, day(0), { outcome: 'validated', source: 'operator' });

        // A backfill beside a run of the same date: the date's lock lets one act; the other is told to wait.
        let release!: () => void;
        let paused!: () => void;
        const isPaused = new Promise<void>((resolve) => (paused = resolve));
        const other = await openRig(parts.spec, {
          phase: (name) => (name === 'archived' ? (paused(), new Promise<void>((resolve) => (release = resolve))) : undefined),
        });
        try {
          const running = runFileDate(other.ctx, day(1));
          await isPaused;
          await expect(backfill(ctx, day(0), day(2))).rejects.toMatchObject({ code: 'LOCK_HELD' });
          release();
          expect((await running).uploaded).toHaveLength(4);
        } finally {
          await other.close();
        }
        await acknowledgeDate(ctx.state, clock, day(1), { outcome: 'validated', source: 'operator' });
        const carried = await backfill(ctx, day(0), day(2));
        expect(carried.done).toBe(3);
        await acknowledgeDate(ctx.state, clock, day(2), { outcome: 'validated', source: 'operator' });
      } finally {
        await rig.close();
      }
      // The week in order afterwards finds nothing left to send.
      await sendInOrder(parts.spec, dates);
    });
    expect(after).toEqual(baseline.clean);
  }, 180_000);
});
