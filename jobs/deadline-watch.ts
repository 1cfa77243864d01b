import type { DateTime } from 'luxon';
import { addDays, dueAt, type FileDate } from '../core/file-date.js';
import type { Alert } from '../load/notify.js';
import { filesForDate, listFiles, liveFile } from '../load/state/state-store.js';
import type { JobContext } from './job-context.js';
import { dateRefusal } from './sendable-date.js';

/**
 * What a person must hear about, computed from the state store alone on every tick: a date not uploaded
 * shortly before Lead's 06:00 CT deadline, an upload Lead has not answered, a rejection nobody has rerun.
 * Recent dates only: alerts about a backfill of old dates help nobody.
 */
const WATCHED_DAYS = 7;

export async function findAlerts(ctx: JobContext, now: DateTime, dueDates: readonly FileDate[]): Promise<Alert[]> {
  const { config } = ctx;
  const recent = dueDates.slice(-WATCHED_DAYS);
  if (recent.length === 0) return [];
  const files = await listFiles(ctx.state.db, { from: recent[0]!, to: recent.at(-1)! });
  const outbound = config.program.files.filter((t) => (t.spec.direction ?? 'outbound') === 'outbound' && t.spec.id !== 'sales_response');
  const alerts: Alert[] = [];
  const minutesSince = (iso: string) => (now.toMillis() - Date.parse(iso)) / 60_000;

  for (const date of recent) {
    const ofDate = files.filter((f) => f.fileDate === date);
    const deadline = dueAt(date, config.program.timeZone);
    const notSent = outbound.filter((t) => !['uploaded', 'validated'].includes(liveFile(ofDate, t.spec.id)?.status ?? ''));
    if (notSent.length > 0 && now >= deadline.minus({ minutes: config.deadlines.uploadMarginMinutes })) {
      alerts.push({
        key: `upload-late:${date}`, kind: 'upload-late', fileDate: date,
        text: `:warning: lead-etl: the files dated ${date} (${notSent.map((t) => t.spec.id).join(', ')}) are not uploaded and Lead's deadline is ${deadline.toFormat("yyyy-LL-dd HH:mm ZZZZ")}. Check \`lead-etl status --date ${date}\`.`,
      });
    }
    const waiting = ofDate.filter((f) => f.status === 'uploaded' && f.uploadedAt && minutesSince(f.uploadedAt) >= config.deadlines.acknowledgementMinutes);
    if (waiting.length > 0) {
      alerts.push({
        key: `acknowledgement-overdue:${date}`, kind: 'acknowledgement-overdue', fileDate: date,
        text: `:hourglass: lead-etl: Lead has not answered for ${waiting.map((f) => f.name).join(', ')} (uploaded ${config.deadlines.acknowledgementMinutes}+ minutes ago); the next date waits. Record Lead's answer with \`lead-etl ack --date ${date} --validated\` or \`--rejected --file TYPE\`.`,
      });
    }
    for (const rejected of ofDate.filter((f) => f.status === 'rejected')) {
      if (liveFile(ofDate, rejected.fileType)) continue;
      if (!rejected.acknowledgedAt || minutesSince(rejected.acknowledgedAt) < config.deadlines.rejectionMinutes) continue;
      alerts.push({
        key: `rejection-waiting:${rejected.name}`, kind: 'rejection-waiting', fileDate: date,
        text: `:x: lead-etl: Lead rejected ${rejected.name}${rejected.reason ? ` (${rejected.reason})` : ''} and no new version has been sent. Fix the cause, then \`lead-etl rerun --date ${date}\`.`,
      });
    }
  }
  return alerts;
}

/** The dates the schedule owes by `now`: from Day 0 to the newest date whose build time has come. */
export function dueDates(ctx: JobContext, now: DateTime): FileDate[] {
  const first = ctx.config.program.firstFileDate as FileDate | undefined;
  if (!first) return [];
  const local = now.setZone(ctx.config.program.timeZone);
  const [hour, minute] = ctx.config.schedule.buildAfter.split(':').map(Number) as [number, number];
  const today = local.toISODate() as FileDate;
  const newest = local.hour * 60 + local.minute >= hour * 60 + minute ? today : addDays(today, -1);
  const dates: FileDate[] = [];
  for (let date = first; date <= newest; date = addDays(date, 1)) dates.push(date);
  // A date whose activity day has not settled (upload.settleMinutes) is not due yet, whatever buildAfter says.
  return dates.filter((date) => dateRefusal(ctx.config, now, date) === undefined);
}

/**
 * The date whose deadline comes next: the oldest due date whose files are not all uploaded (walking back
 * from the newest, so a tick stays cheap after months), else the date the schedule builds next.
 */
export async function nextDeadlineDate(ctx: JobContext, now: DateTime, dates: readonly FileDate[] = dueDates(ctx, now)): Promise<FileDate | undefined> {
  const first = ctx.config.program.firstFileDate as FileDate | undefined;
  if (!first) return undefined;
  const outbound = ctx.config.program.files.filter((t) => (t.spec.direction ?? 'outbound') === 'outbound' && t.spec.id !== 'sales_response');
  let oldestUnsent: FileDate | undefined;
  for (let i = dates.length - 1; i >= 0; i -= 1) {
    const files = await filesForDate(ctx.state.db, dates[i]!);
    const sent = outbound.every((t) => ['uploaded', 'validated'].includes(liveFile(files, t.spec.id)?.status ?? ''));
    if (sent) break;
    oldestUnsent = dates[i]!;
  }
  return oldestUnsent ?? (dates.length > 0 ? addDays(dates.at(-1)!, 1) : first);
}
