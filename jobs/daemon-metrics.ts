import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Clock } from '../core/clock.js';
import { dueAt, type FileDate } from '../core/file-date.js';
import { parseLeadFileName } from '../transform/lead-file-name.js';
import type { ProgramFileType } from '../transform/program-file-types.js';
import type { TickReport } from './reconcile.js';

/**
 * What the daemon tells Prometheus (`/metrics`, prom-client, text format). Each daemon has its own
 * registry, so two in one process (the tests) keep their counts apart. Counts are of this process's
 * life, as Prometheus expects; the state store stays the record of what was sent.
 *
 * - lead_etl_files_built_total, _uploaded_total, _validated_total, _rejected_total {file_type, workflow}
 * - lead_etl_problems_total: rows the pre-flight checks found wrong (nothing of their workflow was sent)
 * - lead_etl_alerts_total {kind}
 * - lead_etl_ticks_total {outcome: ok | failed | skipped}, lead_etl_tick_duration_seconds
 * - lead_etl_last_tick_ok (1/0), lead_etl_last_tick_timestamp_seconds
 * - lead_etl_lease_held: 1 when this replica held the program's lease on its last tick, 0 when another did
 * - lead_etl_next_deadline_minutes {file_date}: minutes until Lead's 06:00 CT deadline of the oldest date
 *   not yet uploaded (negative once missed), worked out at scrape time
 */
export interface DaemonMetrics {
  readonly registry: Registry;
  tickDone(report: TickReport, seconds: number): void;
  tickFailed(seconds: number): void;
  tickSkipped(): void;
  /** The date whose deadline is next, from the last tick. */
  nextDeadline(fileDate: FileDate | undefined): void;
}

export function daemonMetrics(options: { readonly clock: Clock; readonly timeZone: string; readonly files: readonly ProgramFileType[] }): DaemonMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lead_etl_' });
  const fileLabels = ['file_type', 'workflow'] as const;
  const counter = (name: string, help: string) => new Counter({ name, help, labelNames: fileLabels, registers: [registry] });
  const built = counter('lead_etl_files_built_total', 'Files built, checked and archived');
  const uploaded = counter('lead_etl_files_uploaded_total', 'Files uploaded to Lead (renamed into place and verified)');
  const validated = counter('lead_etl_files_validated_total', 'Files Lead answered validated');
  const rejected = counter('lead_etl_files_rejected_total', 'Files Lead answered rejected');
  const problems = new Counter({ name: 'lead_etl_problems_total', help: 'Rows the pre-flight checks found wrong; nothing of their workflow was sent', registers: [registry] });
  const alerts = new Counter({ name: 'lead_etl_alerts_total', help: 'Alerts raised (once per event)', labelNames: ['kind'], registers: [registry] });
  const ticks = new Counter({ name: 'lead_etl_ticks_total', help: 'Daemon ticks by outcome: ok, failed, skipped (another replica held the lease)', labelNames: ['outcome'], registers: [registry] });
  const duration = new Histogram({ name: 'lead_etl_tick_duration_seconds', help: 'How long a tick that held the lease took', buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900], registers: [registry] });
  const lastOk = new Gauge({ name: 'lead_etl_last_tick_ok', help: '1 when the last tick that held the lease went through, 0 when it failed', registers: [registry] });
  const lastAt = new Gauge({ name: 'lead_etl_last_tick_timestamp_seconds', help: 'When the last tick that held the lease ran (Unix time)', registers: [registry] });
  const lease = new Gauge({ name: 'lead_etl_lease_held', help: "1 when this replica held the program's lease on its last tick, 0 when another replica did", registers: [registry] });
  let deadlineDate: FileDate | undefined;
  new Gauge({
    name: 'lead_etl_next_deadline_minutes',
    help: "Minutes until Lead's deadline (06:00 CT on T+1) of the oldest date not yet uploaded; negative once missed",
    labelNames: ['file_date'],
    registers: [registry],
    collect() {
      this.reset();
      if (deadlineDate) this.set({ file_date: deadlineDate }, Math.round(dueAt(deadlineDate, options.timeZone).diff(options.clock.now(), 'minutes').minutes));
    },
  });
  for (const outcome of ['ok', 'failed', 'skipped']) ticks.inc({ outcome }, 0);

  const specs = options.files.map((t) => t.spec);
  const workflowOf = (fileType: string) => options.files.find((t) => t.spec.id === fileType)?.spec.workflow ?? 'unknown';
  const count = (metric: Counter<'file_type' | 'workflow'>, fileType: string) => metric.inc({ file_type: fileType, workflow: workflowOf(fileType) });
  const ran = (ok: boolean, seconds: number) => {
    ticks.inc({ outcome: ok ? 'ok' : 'failed' });
    duration.observe(seconds);
    lastOk.set(ok ? 1 : 0);
    lastAt.set(options.clock.now().toSeconds());
    lease.set(1);
  };

  return {
    registry,
    tickDone(report, seconds) {
      for (const run of report.runs) {
        for (const f of run.built) count(built, f.fileType);
        for (const f of run.uploaded) count(uploaded, f.fileType);
        problems.inc(run.problemCount);
      }
      for (const failure of report.failures) for (const f of failure.built ?? []) count(built, f.fileType);
      for (const answers of report.answers) {
        for (const v of answers.validated) for (const name of v.files) count(validated, parseLeadFileName(name, specs)?.spec.id ?? 'unknown');
        for (const r of answers.rejected) for (const fileType of r.fileTypes) count(rejected, fileType);
      }
      for (const alert of report.alerts) alerts.inc({ kind: alert.kind });
      ran(report.failures.length === 0, seconds);
    },
    tickFailed(seconds) {
      ran(false, seconds);
    },
    tickSkipped() {
      ticks.inc({ outcome: 'skipped' });
      lease.set(0);
    },
    nextDeadline(fileDate) {
      deadlineDate = fileDate;
    },
  };
}
