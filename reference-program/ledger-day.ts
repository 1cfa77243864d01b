import { DateTime } from 'luxon';
import { activityWindow, addDays, type FileDate } from '../core/file-date.js';

/**
 * One local calendar day of simulated activity. Events are placed by seconds elapsed since the day's
 * first instant, never by wall-clock arithmetic, so a 23- or 25-hour DST day keeps every event inside
 * it: the day is exactly the window of the Lead file dated the day after.
 */
export interface LedgerDay {
  /** 0 for the first activity day. */
  readonly index: number;
  /** The local calendar date, `YYYY-MM-DD` (the T-1 of the file that carries it). */
  readonly date: FileDate;
  readonly start: DateTime;
  /** Length of the day in seconds: 86 400, or 82 800 / 90 000 on DST changes. */
  readonly seconds: number;
  /** ACH and wires only move Monday to Friday. (Federal holidays are not modelled.) */
  readonly isBusinessDay: boolean;
  /** ISO weekday, 1 = Monday. */
  readonly weekday: number;
  /** ISO week number, whose parity drives every-other-week payrolls. */
  readonly weekNumber: number;
  readonly dayOfMonth: number;
}

export function ledgerDay(firstDate: FileDate, index: number, zone: string): LedgerDay {
  const date = addDays(firstDate, index);
  const window = activityWindow(addDays(date, 1), zone);
  const calendar = DateTime.fromISO(date, { zone: 'UTC' });
  return {
    index,
    date,
    start: window.start,
    seconds: window.end.diff(window.start, 'seconds').seconds,
    isBusinessDay: isBusinessDate(date),
    weekday: calendar.weekday,
    weekNumber: calendar.weekNumber,
    dayOfMonth: calendar.day,
  };
}

export function instantAt(day: LedgerDay, second: number): DateTime {
  if (second < 0 || second >= day.seconds) throw new RangeError(`second ${second} is outside ${day.date}`);
  return day.start.plus({ seconds: second });
}

/**
 * Seconds from the start of the day to a local clock time. A time skipped by the spring-forward change
 * (02:30 on the 23-hour day) moves on to the next valid instant, as clocks do.
 */
export function secondAtLocalTime(day: LedgerDay, hour: number, minute = 0, second = 0): number {
  const local = day.start.set({ hour, minute, second, millisecond: 0 });
  return Math.min(Math.max(0, Math.round(local.diff(day.start, 'seconds').seconds)), day.seconds - 1);
}

/** The stored text of an instant: ISO 8601 with the zone's offset, to the second. */
export function isoInstant(instant: DateTime): string {
  return instant.toISO({ suppressMilliseconds: true })!;
}

export function isBusinessDate(date: FileDate): boolean {
  return DateTime.fromISO(date, { zone: 'UTC' }).weekday <= 5;
}

export function nextBusinessDate(date: FileDate): FileDate {
  let next = addDays(date, 1);
  while (!isBusinessDate(next)) next = addDays(next, 1);
  return next;
}
