import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  activityWindow, addDays, asOfInstant, currentFileDate, dueAt, fileDateForInstant, parseFileDate,
} from '../../core/file-date.js';

describe('file dates and America/Chicago activity windows', () => {
  it('gives the file dated T the whole Central day T-1, as a half-open window of instants', () => {
    const window = activityWindow(parseFileDate('2026-06-16'));
    expect(window.activityDate).toBe('2026-06-15');
    expect(window.start.toUTC().toISO()).toBe('2026-06-15T05:00:00.000Z');
    expect(window.end.toUTC().toISO()).toBe('2026-06-16T05:00:00.000Z');
    expect(window.hours).toBe(24);
  });

  it('has 23 hours on the March DST change (2026-03-08)', () => {
    const window = activityWindow(parseFileDate('2026-03-09'));
    expect(window.activityDate).toBe('2026-03-08');
    expect(window.hours).toBe(23);
    expect(window.start.toISO()).toBe('2026-03-08T00:00:00.000-06:00');
    expect(window.end.toISO()).toBe('2026-03-09T00:00:00.000-05:00');
  });

  it('has 25 hours on the November DST change (2026-11-01)', () => {
    const window = activityWindow(parseFileDate('2026-11-02'));
    expect(window.hours).toBe(25);
    expect(window.start.toISO()).toBe('2026-11-01T00:00:00.000-05:00');
    expect(window.end.toISO()).toBe('2026-11-02T00:00:00.000-06:00');
  });

  it('leaves no gap and no overlap between consecutive windows across DST', () => {
    let date = parseFileDate('2026-03-01');
    for (let i = 0; i < 300; i += 1) {
      const next = addDays(date, 1);
      expect(activityWindow(date).end.toMillis()).toBe(activityWindow(next).start.toMillis());
      date = next;
    }
  });

  it('places an instant in the file of the next Central day, including the repeated 1 a.m. hour', () => {
    const firstOneAm = DateTime.fromISO('2026-11-01T06:30:00Z'); // 01:30 CDT
    const secondOneAm = DateTime.fromISO('2026-11-01T07:30:00Z'); // 01:30 CST
    expect(fileDateForInstant(firstOneAm)).toBe('2026-11-02');
    expect(fileDateForInstant(secondOneAm)).toBe('2026-11-02');
    expect(fileDateForInstant(DateTime.fromISO('2026-11-02T05:59:59Z'))).toBe('2026-11-02');
    expect(fileDateForInstant(DateTime.fromISO('2026-11-02T06:00:00Z'))).toBe('2026-11-03');
  });

  it('stamps snapshots with the last second of T-1 and knows the 06:00 CT deadline on T+1', () => {
    const window = activityWindow(parseFileDate('2026-03-09'));
    expect(asOfInstant(window).toISO()).toBe('2026-03-08T23:59:59.000-05:00');
    expect(dueAt(parseFileDate('2026-03-09')).toISO()).toBe('2026-03-10T06:00:00.000-05:00');
    expect(currentFileDate(DateTime.fromISO('2026-03-09T04:00:00Z'))).toBe('2026-03-08');
  });

  it('refuses dates that are not real calendar dates', () => {
    expect(() => parseFileDate('2026-02-29')).toThrow(/not a calendar date/);
    expect(() => parseFileDate('2026-3-1')).toThrow(/not a calendar date/);
    expect(parseFileDate('2028-02-29')).toBe('2028-02-29');
  });
});
