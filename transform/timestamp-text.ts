import { DateTime, Info, type Zone } from 'luxon';

/**
 * Writes an instant as Lead's ISO 8601 text in the file's zone (`2026-03-05T09:30:00-06:00`, milliseconds
 * only when there are some), exactly as luxon's `setZone(zone).toISO({ suppressMilliseconds: true })`
 * writes it, without a luxon DateTime per cell: every Financial row has two or three timestamps, and this
 * is the hottest path of mapping.
 *
 * luxon still decides everything that is not arithmetic: the zone's offset comes from luxon's zone, asked
 * once per distinct UTC hour (twice: at its first and last millisecond; an hour whose two answers differ
 * holds a transition, and each instant in it is asked for itself), so DST days (23 and 25 hours, the
 * repeated 01:00) come out as luxon has them. Whatever the fast reading does not cover (a text without
 * seconds, a lower-case `t`, a year past 9999, an offset with seconds) goes through luxon itself.
 */
export interface TimestampProblem {
  readonly rule: string;
  readonly message: string;
}

/** The text, or the rule the value breaks. Nothing but the text is allocated for a good value. */
export type TimestampFormatter = (value: unknown) => string | TimestampProblem;

// PostgreSQL writes an offset with seconds for a zone's local mean time (`-05:50:36`, before 1883).
const HAS_OFFSET = /(Z|[+-]\d{2}(:?\d{2}(:\d{2})?)?)$/i;
const INFINITE = /^[+-]?infinity$/i;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Caches hold distinct hours and offsets, not rows: a bound keeps a file of scattered instants flat. */
const CACHE_LIMIT = 8192;

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

const formatters = new Map<string, TimestampFormatter>();

/** The formatter for one zone, made once per zone name. */
export function timestampFormatter(zoneName: string): TimestampFormatter {
  let formatter = formatters.get(zoneName);
  if (!formatter) {
    formatter = createFormatter(zoneName);
    formatters.set(zoneName, formatter);
  }
  return formatter;
}

/** The reading and writing the fast path stands in for, kept for what it does not cover. */
function withLuxon(value: unknown, zoneName: string): string | TimestampProblem {
  let instant: DateTime;
  if (value instanceof Date) {
    instant = DateTime.fromJSDate(value);
  } else if (typeof value === 'string') {
    instant = DateTime.fromISO(value.trim().replace(' ', 'T'), { setZone: true });
  } else {
    return { rule: 'timestamp.type', message: `expected a timestamp, got ${typeof value}` };
  }
  if (!instant.isValid) return { rule: 'timestamp.format', message: `"${String(value)}" is not an ISO 8601 timestamp` };
  return instant.setZone(zoneName).toISO({ suppressMilliseconds: true })!;
}

function createFormatter(zoneName: string): TimestampFormatter {
  const zone: Zone = Info.normalizeZone(zoneName);
  const fast = zone.isValid;
  // luxon writes `Z` only for a fixed zone at offset 0 (UTC), and `+00:00` for an IANA zone at offset 0.
  const zulu = zone.isUniversal;
  const offsetByHour = new Map<number, number>();
  const offsetText = new Map<number, string>();
  const hourPrefix = new Map<number, string>();

  // A file's timestamps mostly fall in the same few hours: the last answer of each cache is kept at
  // hand, so the usual cell asks no map.
  let lastHour = Number.NaN;
  let lastHourOffset = 0;
  const offsetAt = (epochMs: number): number => {
    const hour = Math.floor(epochMs / HOUR_MS);
    if (hour === lastHour) return lastHourOffset;
    let offset = offsetByHour.get(hour);
    if (offset === undefined) {
      const first = zone.offset(hour * HOUR_MS);
      const last = zone.offset(hour * HOUR_MS + HOUR_MS - 1);
      if (first !== last) return zone.offset(epochMs);
      if (offsetByHour.size >= CACHE_LIMIT) offsetByHour.clear();
      offsetByHour.set(hour, first);
      offset = first;
    }
    lastHour = hour;
    lastHourOffset = offset;
    return offset;
  };

  let lastOffset = Number.NaN;
  let lastSuffix = '';
  const suffixFor = (offset: number): string => {
    if (offset === lastOffset) return lastSuffix;
    let text = offsetText.get(offset);
    if (text === undefined) {
      const abs = Math.abs(offset);
      text = zulu && offset === 0 ? 'Z' : `${offset < 0 ? '-' : '+'}${TWO_DIGITS[Math.trunc(abs / 60)]}:${TWO_DIGITS[abs % 60]}`;
      if (offsetText.size >= CACHE_LIMIT) offsetText.clear();
      offsetText.set(offset, text);
    }
    lastOffset = offset;
    lastSuffix = text;
    return text;
  };

  let lastLocalHour = Number.NaN;
  let lastPrefix = '';
  /** `YYYY-MM-DDTHH:` of a local hour (local epoch milliseconds / 1 hour). */
  const prefixFor = (localHour: number): string => {
    if (localHour === lastLocalHour) return lastPrefix;
    let text = hourPrefix.get(localHour);
    if (text === undefined) {
      const days = Math.floor(localHour / 24);
      const { year, month, day } = civilFromDays(days);
      text = `${year < 1000 ? String(year).padStart(4, '0') : year}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}T${TWO_DIGITS[localHour - days * 24]}:`;
      if (hourPrefix.size >= CACHE_LIMIT) hourPrefix.clear();
      hourPrefix.set(localHour, text);
    }
    lastLocalHour = localHour;
    lastPrefix = text;
    return text;
  };

  const write = (epochMs: number): string | undefined => {
    const offset = offsetAt(epochMs);
    if (!Number.isInteger(offset) || Math.abs(offset) >= 100 * 60) return undefined;
    const local = epochMs + offset * 60_000;
    // Years 1 to 9999 only: luxon writes others with a sign and six digits.
    if (local < FIRST_MS || local >= LAST_MS) return undefined;
    const localHour = Math.floor(local / HOUR_MS);
    const inHour = local - localHour * HOUR_MS;
    const minute = Math.floor(inHour / 60_000);
    const second = Math.floor((inHour - minute * 60_000) / 1000);
    const millis = inHour - minute * 60_000 - second * 1000;
    const seconds = millis === 0 ? TWO_DIGITS[second]! : `${TWO_DIGITS[second]}.${THREE_DIGITS[millis]}`;
    return `${prefixFor(localHour)}${TWO_DIGITS[minute]}:${seconds}${suffixFor(offset)}`;
  };

  return (value) => {
    if (value instanceof Date) {
      const epochMs = value.getTime();
      return (fast && Number.isFinite(epochMs) ? write(epochMs) : undefined) ?? withLuxon(value, zoneName);
    }
    if (typeof value === 'string') {
      const text = value.trim();
      // The usual text is read at once; only what it does not cover is looked at more closely.
      const epochMs = fast ? readIsoInstant(text) : undefined;
      if (epochMs !== undefined) return write(epochMs) ?? withLuxon(new Date(epochMs), zoneName);
      if (INFINITE.test(text)) return { rule: 'timestamp.format', message: `"${value}" is not an instant Lead can take` };
      if (!HAS_OFFSET.test(text)) {
        return { rule: 'timestamp.offset', message: `"${value}" has no UTC offset; return timestamptz so the instant is unambiguous` };
      }
      return withLuxon(value, zoneName);
    }
    return withLuxon(value, zoneName);
  };
}

const FIRST_MS = daysFromCivil(1, 1, 1) * DAY_MS;
const LAST_MS = daysFromCivil(10000, 1, 1) * DAY_MS;

/**
 * The instant of `YYYY-MM-DD[T ]HH:MM:SS[.fraction](Z|±HH[[:]MM])`, the shape PostgreSQL and Lead's files
 * write, read the way luxon's fromISO reads it (milliseconds: the fraction's first three digits, floored);
 * undefined for any other shape or an out-of-range field, which luxon then judges. PostgreSQL's offset
 * with seconds (`±HH:MM:SS`), which luxon does not read, is read here too, as pg read it into a Date;
 * neither it nor a space for the `T` is with `luxonShapesOnly`, for a caller that must find invalid
 * what luxon's fromISO finds invalid.
 */
export function readIsoInstant(text: string, luxonShapesOnly = false): number | undefined {
  if (text.length < 20) return undefined;
  const year = digits(text, 0, 4);
  const month = text.charCodeAt(4) === 45 ? digits(text, 5, 2) : -1;
  const day = text.charCodeAt(7) === 45 ? digits(text, 8, 2) : -1;
  const separator = text.charCodeAt(10);
  if (separator !== 84 /* T */ && (separator !== 32 /* space */ || luxonShapesOnly)) return undefined;
  const hour = digits(text, 11, 2);
  const minute = text.charCodeAt(13) === 58 ? digits(text, 14, 2) : -1;
  const second = text.charCodeAt(16) === 58 ? digits(text, 17, 2) : -1;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    return undefined;
  }
  let i = 19;
  let millis = 0;
  if (text.charCodeAt(i) === 46 /* . */) {
    const start = i + 1;
    i = start;
    while (i < text.length && isDigit(text.charCodeAt(i))) i += 1;
    if (i === start || i - start > 30) return undefined;
    // Up to microseconds (all PostgreSQL writes), the first three digits are luxon's floored
    // milliseconds exactly (checked for every fraction of one to six digits); longer ones go its way.
    millis = i - start <= 6
      ? (text.charCodeAt(start) - 48) * 100 + (i - start > 1 ? (text.charCodeAt(start + 1) - 48) * 10 : 0) + (i - start > 2 ? text.charCodeAt(start + 2) - 48 : 0)
      : Math.floor(parseFloat(`0.${text.slice(start, i)}`) * 1000);
  }
  let offset: number;
  if (text.charCodeAt(i) === 90 /* Z */ && i + 1 === text.length) {
    offset = 0;
  } else {
    const sign = text.charCodeAt(i);
    if (sign !== 43 && sign !== 45) return undefined;
    const hours = digits(text, i + 1, 2);
    let rest = i + 3;
    if (text.charCodeAt(rest) === 58) rest += 1;
    const minutes = rest === text.length ? 0 : digits(text, rest, 2);
    let seconds = 0;
    if (rest + 2 < text.length) {
      if (luxonShapesOnly || text.charCodeAt(rest - 1) !== 58 || text.charCodeAt(rest + 2) !== 58 || rest + 5 !== text.length) return undefined;
      seconds = digits(text, rest + 3, 2);
      if (seconds < 0 || seconds > 59) return undefined;
    } else if (rest !== text.length && rest + 2 !== text.length) {
      return undefined;
    }
    if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return undefined;
    offset = (sign === 45 ? -1 : 1) * ((hours * 60 + minutes) * 60 + seconds);
  }
  const local = daysFromCivil(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
  return local - offset * 1000;
}

/**
 * `DateTime.fromISO(text).toMillis()` (NaN for a text luxon finds invalid) without a DateTime for the
 * texts lead-etl writes and stores; any other shape is luxon's to read.
 */
export function isoInstantMillis(text: string): number {
  const millis = readIsoInstant(text, true);
  return millis !== undefined ? millis : DateTime.fromISO(text).toMillis();
}

export const isDigit = (code: number) => code >= 48 && code <= 57;

/** The number written by `count` ASCII digits at `at`, or -1. */
export function digits(text: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i += 1) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return -1;
    n = n * 10 + code - 48;
  }
  return n;
}

const isLeap = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
const MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
export const daysInMonth = (year: number, month: number) => (month === 2 && isLeap(year) ? 29 : MONTH_DAYS[month]!);

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's civil_from_days). */
function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Whether `YYYY-MM-DD` text is a calendar date (the Gregorian calendar luxon uses); no Date, no DateTime. */
export function isCalendarDate(text: string): boolean {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return false;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  return year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}
