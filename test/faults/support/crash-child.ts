import { parseFileDate } from '../../../core/file-date.js';
import { acknowledgeDate } from '../../../jobs/acknowledge-date.js';
import type { RunPhase } from '../../../jobs/job-context.js';
import { runFileDate } from '../../../jobs/run-file-date.js';
import { openRig, type ChildPlan } from './fault-rig.js';

/**
 * The crash child: runs the plan's steps on the rig and, through the pipeline's phase hook, SIGKILLs
 * itself the nth time the named phase is reached: nothing is flushed, closed or rolled back politely,
 * exactly as a kill -9 from outside would leave things.
 */
export async function main(plan: ChildPlan): Promise<void> {
  const seen = new Map<string, number>();
  const rig = await openRig(plan.spec, {
    phase(name: RunPhase) {
      const count = (seen.get(name) ?? 0) + 1;
      seen.set(name, count);
      if (name === plan.killAt.phase && count === plan.killAt.nth) process.kill(process.pid, 'SIGKILL');
    },
  });
  for (const step of plan.steps) {
    if ('run' in step) {
      const result = await runFileDate(rig.ctx, parseFileDate(step.run));
      process.stderr.write(`run ${step.run}: ${result.outcome}: ${result.message}\n`);
    } else {
      await acknowledgeDate(rig.ctx.state, rig.clock, parseFileDate(step.ack), { outcome: 'validated', source: 'fault-child' }, rig.ctx.hooks);
    }
  }
  await rig.close();
  process.stderr.write('finished without reaching the crash point\n');
}
