import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { isCalendarDate, isoInstantMillis, readIsoInstant, timestampFormatter } from '../../transform/timestamp-text.js';

/** What lead-etl wrote before the fast path, and still writes for what the fast path leaves to luxon. */
function luxon(value: Date | string, zone: string): string | undefined {
  const instant = value instanceof Date ? DateTime.fromJSDate(value) : DateTime.fromISO(value.trim().replace(' ', 'T'), { setZone: true });
  return instant.isValid ? instant.setZone(zone).toISO({ suppressMilliseconds: true })! : undefined;
}

const chicago = timestampFormatter('America/Chicago');
const HOUR = 3_600_000;

describe('timestamps written without a DateTime per cell', () => {
  it('writes the 23-hour day of spring forward: 01:59:59 CST is followed by 03:00:00 CDT', () => {
    // 2026-03-08 in Chicago: 02:00 CST (08:00Z) becomes 03:00 CDT.
    expect(chicago(new Date('2026-03-08T07:59:59.000Z'))).toBe('2026-03-08T01:59:59-06:00');
    expect(chicago(new Date('2026-03-08T08:00:00.000Z'))).toBe('2026-03-08T03:00:00-05:00');
    expect(chicago(new Date('2026-03-08T05:59:59.999Z'))).toBe('2026-03-07T23:59:59.999-06:00');
    expect(chicago(new Date('2026-03-09T04:59:59.000Z'))).toBe('2026-03-08T23:59:59-05:00');
  });

  it('writes the 25-hour day of fall back, the repeated 01:00 hour once in each offset', () => {
    // 2026-11-01 in Chicago: 02:00 CDT (07:00Z) becomes 01:00 CST, so 01:30 happens twice.
    expect(chicago(new Date('2026-11-01T06:30:00.000Z'))).toBe('2026-11-01T01:30:00-05:00');
    expect(chicago(new Date('2026-11-01T06:59:59.999Z'))).toBe('2026-11-01T01:59:59.999-05:00');
    expect(chicago(new Date('2026-11-01T07:00:00.000Z'))).toBe('2026-11-01T01:00:00-06:00');
    expect(chicago(new Date('2026-11-01T07:30:00.000Z'))).toBe('2026-11-01T01:30:00-06:00');
    expect(chicago('2026-11-01T01:30:00-05:00')).toBe('2026-11-01T01:30:00-05:00');
    expect(chicago('2026-11-01 07:30:00+00')).toBe('2026-11-01T01:30:00-06:00');
  });

  it('writes every second of the two DST days of 2026 as luxon does, in Chicago and at a half-hour zone', () => {
    const zones = ['America/Chicago', 'America/St_Johns', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC', 'Etc/UTC'];
    for (const zone of zones) {
      const format = timestampFormatter(zone);
      for (const day of ['2026-03-08T00:00:00-06:00', '2026-11-01T00:00:00-05:00', '2026-04-05T00:00:00+10:00', '2026-10-04T00:00:00+10:30']) {
        const start = DateTime.fromISO(day).toMillis();
        for (let ms = start - HOUR; ms < start + 27 * HOUR; ms += 997_003) {
          const value = new Date(ms);
          expect(format(value), `${zone} ${value.toISOString()}`).toBe(luxon(value, zone));
        }
      }
    }
  });

  it('reads every shape of text the ledger writes as luxon reads it', () => {
    const texts = [
      '2026-03-05T09:30:00-06:00', '2026-03-05T09:30:00Z', '2026-03-05 15:30:00+00', '2026-03-05 15:30:00.123456+00',
      '2026-03-05T09:30:00.5-06:00', '2026-03-05T09:30:00.05-0600', '2026-03-05T09:30:00.999999999+05:45', '2026-03-05T09:30:00-00:30',
      '2026-03-05T23:59:59.001+14:00', '1969-12-31T23:59:59.999Z', '0050-06-01T12:00:00Z', '2024-02-29T12:00:00+01:00',
      '  2026-03-05T09:30:00-06:00 ', '2026-03-05t09:30:00z', '2026-03-05T09:30-06:00', '2026-03-05T0930-06:00',
      '2026-02-30T09:30:00Z', '2026-03-05T24:00:00Z', '2026-03-05T09:60:00Z', '2026-03-05T09:30:60Z', '2025-02-29T00:00:00Z',
      '9999-12-31T23:59:59-01:00', '2026-03-05T09:30:00,5Z', '2026-03-05T09:30:00.Z', '2026-03-05T09:30:00+5:00', '2026-13-01T00:00:00Z',
    ];
    for (const zone of ['America/Chicago', 'UTC', 'Asia/Kathmandu']) {
      const format = timestampFormatter(zone);
      for (const text of texts) {
        const expected = luxon(text, zone);
        const written = format(text);
        const rule = /(Z|[+-]\d{2}(:?\d{2})?)$/i.test(text.trim()) ? 'timestamp.format' : 'timestamp.offset';
        if (expected === undefined || rule === 'timestamp.offset') expect(written, `${zone} ${text}`).toMatchObject({ rule });
        else expect(written, `${zone} ${text}`).toBe(expected);
      }
    }
  });

  it('agrees with luxon on instants spread over two centuries, as dates and as text', () => {
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647);
    const formats = ['America/Chicago', 'America/New_York', 'Europe/London', 'Asia/Kolkata', 'UTC'].map((zone) => [zone, timestampFormatter(zone)] as const);
    const from = Date.UTC(1905, 0, 1);
    const span = Date.UTC(2105, 0, 1) - from;
    for (let i = 0; i < 3000; i += 1) {
      const ms = from + Math.floor((next() / 2147483647) * span) - (i % 3 === 0 ? (next() % 1000) : 0);
      const date = new Date(i % 2 === 0 ? ms - (ms % 1000) : ms);
      for (const [zone, format] of formats) {
        expect(format(date), `${zone} ${date.toISOString()}`).toBe(luxon(date, zone));
        const text = DateTime.fromJSDate(date).setZone(['UTC+3', 'America/Denver', 'UTC'][i % 3]!).toISO()!;
        expect(format(text), `${zone} ${text}`).toBe(luxon(text, zone));
      }
    }
  });

  it('refuses text without an offset and values that are not timestamps', () => {
    expect(chicago('2026-03-05T09:30:00')).toMatchObject({ rule: 'timestamp.offset' });
    expect(chicago(12)).toMatchObject({ rule: 'timestamp.type' });
    expect(chicago(new Date(Number.NaN))).toMatchObject({ rule: 'timestamp.format' });
    expect(readIsoInstant('2026-03-05T09:30:00-06:00')).toBe(Date.UTC(2026, 2, 5, 15, 30));
    expect(readIsoInstant('2026-03-05 15:30:00.123456+00')).toBe(Date.UTC(2026, 2, 5, 15, 30, 0, 123));
    expect(readIsoInstant('2026-03-05T09:30-06:00')).toBeUndefined();
  });

  it('reads an instant as luxon fromISO does, NaN where luxon finds the text invalid (issue 10: the submission rules use it)', () => {
    const texts = [
      '2026-03-05T09:30:00-06:00', '2026-03-05T09:30:00.5-06:00', '2026-03-05T09:30:00.123456789-06:00', '2026-03-05T15:30:00.000Z',
      '2026-03-05T09:30:00-0600', '2026-03-05T09:30:00-06', '2026-03-05T09:30:00+14:00', '2026-02-29T09:30:00Z', '2024-02-29T23:59:59.999Z',
      '0001-01-01T00:00:00Z', '9999-12-31T23:59:59+00:00', '2026-03-08T02:30:00-06:00', '2026-11-01T01:30:00-05:00',
      // Shapes luxon reads differently from readIsoInstant, or not at all: luxon's answer either way.
      '2026-03-05 09:30:00-06:00', '2026-03-05T09:30:00-05:50:36', '2026-03-05t09:30:00Z', '2026-03-05T09:30:00z', '2026-03-05T09:30:00,5Z',
      '2026-03-05T09:30-06:00', '2026-03-05T09:30:00', '2026-03-05T24:00:00Z', '2026-03-05T09:30:00+24:00', '20260305T093000Z',
      '+012026-03-05T09:30:00Z', '2026-03-05T09:30:00Z[America/Chicago]', '', 'bogus', '2026-13-05T09:30:00Z', ' 2026-03-05T09:30:00Z',
    ];
    for (const text of texts) expect(isoInstantMillis(text), text).toBe(DateTime.fromISO(text).toMillis());
  });

  it('knows calendar dates as luxon does', () => {
    for (const text of ['2024-02-29', '2025-02-29', '2026-04-31', '2026-12-31', '0000-01-01', '2026-00-10', '2026-1-10', '1900-02-29', '2000-02-29']) {
      expect(isCalendarDate(text), text).toBe(DateTime.fromISO(text).isValid && /^\d{4}-\d{2}-\d{2}$/.test(text));
    }
  });

  it('knows calendar dates as the format check did with Date (issue 10: the check now uses this one)', () => {
    const withDate = (value: string) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
      const time = Date.parse(`${value}T00:00:00Z`);
      return !Number.isNaN(time) && new Date(time).toISOString().startsWith(value);
    };
    const texts = ['2026-03-05 ', ' 2026-03-05', '2026-03-05\n', '2026/03/05', '20260305', '2026-3-05', '+02026-03-05', '٢٠٢٦-03-05'];
    for (const year of ['0000', '0004', '0099', '0100', '1900', '2000', '2024', '2026', '9999']) {
      for (let month = 0; month <= 13; month += 1) {
        for (let day = 0; day <= 32; day += 1) texts.push(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
      }
    }
    for (const text of texts) expect(isCalendarDate(text), text).toBe(withDate(text));
  });
});
