/**
 * Reads an ISO 8601 date and time as Lead's files carry it (`2026-03-05T09:30:00-06:00`, `...Z`,
 * fractions of a second) without a date library: every Financial row has two or three timestamps, and
 * this is the validator's hottest path. Calendar and clock ranges are checked, so `2026-02-30T...` or
 * `T24:00` are not timestamps.
 */
export interface IsoTimestamp {
  /** The instant in epoch milliseconds; undefined when the text has no UTC offset (it names no instant). */
  readonly epochMs?: number;
  /** The calendar date as written, before any shift by the offset. */
  readonly localDate: string;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)?$/;

export function parseIsoTimestamp(text: string): IsoTimestamp | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const second = Number(m[6] ?? 0);
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC rolls 30 February over into March: a day the month does not have shows up as another date.
  if (new Date(utc).getUTCDate() !== day) return undefined;
  const localDate = `${m[1]}-${m[2]}-${m[3]}`;
  if (m[8]) return { epochMs: utc, localDate };
  if (!m[9]) return { localDate };
  const offsetHours = Number(m[10]);
  const offsetMinutes = Number(m[11] ?? 0);
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const offset = (offsetHours * 60 + offsetMinutes) * (m[9] === '-' ? -1 : 1);
  return { epochMs: utc - offset * 60_000, localDate };
}
