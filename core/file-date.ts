import { DateTime } from 'luxon';
import { LeadEtlError } from './errors.js';

/**
 * Lead's day rule: the file dated T carries the activity of T-1, where a day is the calendar day in
 * America/Chicago (CST/CDT). Every part of the pipeline speaks in these typed values instead of Dates,
 * so a DST day (23 or 25 hours) is handled once, here.
 */
export const LEAD_ZONE = 'America/Chicago';

declare const fileDateBrand: unique symbol;
/** A calendar date `YYYY-MM-DD` naming a Lead file (the delivery day T). */
export type FileDate = string & { readonly [fileDateBrand]: true };

export interface ActivityWindow {
  /** The date in the file name (T). */
  readonly fileDate: FileDate;
  /** The calendar day whose activity the file carries (T-1), `YYYY-MM-DD`. */
  readonly activityDate: string;
  readonly zone: string;
  /** First instant of T-1 in the zone (inclusive). */
  readonly start: DateTime;
  /** First instant of T in the zone (exclusive). */
  readonly end: DateTime;
  /** Length of the activity day: 24, or 23 / 25 on DST changes. */
  readonly hours: number;
}

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function parseFileDate(text: string, what = 'file date'): FileDate {
  const parsed = DATE_PATTERN.test(text) ? DateTime.fromISO(text, { zone: 'UTC' }) : undefined;
  if (!parsed?.isValid || parsed.toISODate() !== text) {
    throw new LeadEtlError('DATE_INVALID', `${what} "${text}" is not a calendar date in the form YYYY-MM-DD`);
  }
  return text as FileDate;
}

export function addDays(date: FileDate, days: number): FileDate {
  const next = DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate();
  if (next === null) throw new LeadEtlError('DATE_INVALID', `cannot add ${days} days to ${date}`);
  return next as FileDate;
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: FileDate, to: FileDate): number {
  return DateTime.fromISO(to, { zone: 'UTC' }).diff(DateTime.fromISO(from, { zone: 'UTC' }), 'days').days;
}

export function activityWindow(fileDate: FileDate, zone: string = LEAD_ZONE): ActivityWindow {
  const end = DateTime.fromISO(fileDate, { zone }).startOf('day');
  if (!end.isValid) throw new LeadEtlError('DATE_INVALID', `cannot place ${fileDate} in time zone ${zone}`);
  const start = end.minus({ days: 1 }).startOf('day');
  return {
    fileDate,
    activityDate: start.toISODate()!,
    zone,
    start,
    end,
    hours: end.diff(start, 'hours').hours,
  };
}

/** The file date whose window holds `instant` (activity on day D is reported in the file dated D+1). */
export function fileDateForInstant(instant: DateTime, zone: string = LEAD_ZONE): FileDate {
  return instant.setZone(zone).plus({ days: 1 }).toISODate() as FileDate;
}

/** The last whole second of the window: the "as of" stamp of a snapshot, still inside T-1. */
export function asOfInstant(window: ActivityWindow): DateTime {
  return window.end.minus({ seconds: 1 });
}

/** Lead's deadline for the files dated T: before 06:00 in the zone on T+1. */
export function dueAt(fileDate: FileDate, zone: string = LEAD_ZONE): DateTime {
  return DateTime.fromISO(fileDate, { zone }).plus({ days: 1 }).set({ hour: 6, minute: 0, second: 0, millisecond: 0 });
}

/** Today's file date in the zone: the newest date whose activity day has ended. */
export function currentFileDate(now: DateTime, zone: string = LEAD_ZONE): FileDate {
  return now.setZone(zone).toISODate() as FileDate;
}
