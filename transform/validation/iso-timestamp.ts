import { daysInMonth, digits, isDigit } from '../timestamp-text.js';

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
  const at = canonical(text);
  if (at === undefined) return parseAny(text);
  return Number.isNaN(at) ? { localDate: text.slice(0, 10) } : { epochMs: at, localDate: text.slice(0, 10) };
}

/**
 * parseIsoTimestamp's instant alone, with nothing allocated for the shape lead-etl writes: undefined
 * when the text is not a timestamp, NaN when it names no instant (no UTC offset). The format check and
 * the instants of stage 3 and 4 ask it of every row's timestamps.
 */
export function isoInstant(text: string): number | undefined {
  const at = canonical(text);
  if (at !== undefined) return at;
  const parsed = parseAny(text);
  return parsed === undefined ? undefined : parsed.epochMs ?? Number.NaN;
}

/**
 * The shape lead-etl itself writes (`2026-03-05T09:30:00-06:00`, `...Z`, a fraction of a second, or no
 * offset at all), read from the characters with no regex and no Date: most timestamps a file carries.
 * Anything else, a wrong value included, is left to parseAny, so this only ever answers what it would.
 * Years before 100 are left to it too: Date.UTC reads them as 19xx. The answer is the instant, NaN for
 * a text with no offset, undefined for one left to parseAny: a number, so that a row's timestamps cost
 * no object each (the local date is the text's first ten characters).
 */
function canonical(text: string): number | undefined {
  const length = text.length;
  if (length < 19 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  let at = 19;
  let millis = 0;
  if (at < length && text.charCodeAt(at) === 46) {
    const start = at + 1;
    at = start;
    while (at < length && at - start < 10 && isDigit(text.charCodeAt(at))) at += 1;
    const count = at - start;
    if (count < 1 || count > 9) return undefined;
    millis = (text.charCodeAt(start) - 48) * 100 + (count > 1 ? (text.charCodeAt(start + 1) - 48) * 10 : 0) + (count > 2 ? text.charCodeAt(start + 2) - 48 : 0);
  }
  if (at === length) return Number.NaN;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  if (at + 1 === length && text.charCodeAt(at) === 90) return utc;
  const sign = text.charCodeAt(at);
  if (at + 6 !== length || (sign !== 43 && sign !== 45) || text.charCodeAt(at + 3) !== 58) return undefined;
  const offsetHours = digits(text, at + 1, 2);
  const offsetMinutes = digits(text, at + 4, 2);
  if (offsetHours < 0 || offsetHours > 23 || offsetMinutes < 0 || offsetMinutes > 59) return undefined;
  return utc - (offsetHours * 60 + offsetMinutes) * (sign === 45 ? -60_000 : 60_000);
}

/** Every form Lead's files may carry, and the judgement of a wrong one. */
function parseAny(text: string): IsoTimestamp | undefined {
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
