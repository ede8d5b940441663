/**
 * Date and time to ISO 8601 in UTC: `YYYY-MM-DDTHH:MM:SSZ`, with `.sss` when
 * the value has a non-zero fraction of a second (kept to the millisecond,
 * finer digits are cut off).
 *
 * Accepted forms (after the base text cleaning):
 * - a date in any form of date.ts (ISO, numeric with the column's or job's
 *   order, month names), then `T`, a space, a comma or `at`, then a time
 *   `H:MM`, `H:MM:SS`, `H:MM:SS.fff` with an optional `AM`/`PM` (`a.m.`,
 *   `pm`), or `H AM|PM`; then optionally a zone. A date alone is midnight.
 *   `2024-03-04T17:05:00+01:00`, `2024-03-04 17:05`, `July 4, 1979 5:05 PM`,
 *   `Mon, 04 Mar 2024 17:05:00 +0100`, `Mon Mar 04 2024 17:05:00 GMT+0100
 *   (Central European Standard Time)`, `2024-03-04 17:05:00 +0000 UTC`;
 * - ISO basic format: `20240304T170500Z`;
 * - Unix time: 10 digits (seconds, optionally with a fraction) or 13 digits
 *   (milliseconds): `1709571900`, `1709571900123`;
 * - Excel serial date-times (1900 system, see date.ts): `45355.7118055556`,
 *   a wall time in the job's zone like any value without a zone.
 *
 * Zones written after the time:
 * - `Z`, numeric offsets `+01:00`, `+0100`, `+01`, `-5`, with or without a
 *   `UTC`/`GMT` prefix (`GMT+1`, `UTC-05:30`);
 * - common abbreviations, read as the fixed offset they name (`PST` is always
 *   -08:00, even in July; `CET` is +01:00): UTC, GMT, UT, Z, WET, WEST, BST
 *   (British Summer Time), CET, CEST, MET, MEST, EET, EEST, MSK, EST, EDT,
 *   CST, CDT (North American Central), MST, MDT, PST, PDT, AKST, AKDT, HST,
 *   NST, NDT, SAST, WIB, SGT, HKT, AWST, JST, KST, ACST, ACDT, AEST, AEDT,
 *   NZST, NZDT. `IST` (India, Israel or Ireland) and `AST` (Atlantic or
 *   Arabia) are ambiguous and reported as unknown_time_zone;
 * - IANA zone names, any case (`America/Los_Angeles`, `europe/paris`, links
 *   such as `US/Pacific`), in parentheses or not.
 * An offset followed by a name (`+0100 (CET)`, `+0000 UTC`) uses the offset.
 *
 * A value without a zone is a wall time in `NormalizeOptions.timeZone`
 * (default UTC), which takes the same forms (normally an IANA name). The
 * zone's offset comes from Intl.DateTimeFormat (Node's full ICU time zone
 * data). Wall times that a DST change makes ambiguous or impossible are
 * resolved like Temporal's and java.time's default ("compatible"):
 * - a repeated time (fall back, e.g. 01:30 on 2024-11-03 in New York) is
 *   the earlier instant, the one still on summer time (05:30Z);
 * - a skipped time (spring forward, e.g. 02:30 on 2024-03-10 in New York) is
 *   moved forward by the length of the gap (03:30 EDT, 07:30Z), i.e. read
 *   with the offset in force before the change.
 *
 * Errors: an unknown zone (in the value or the option) is unknown_time_zone;
 * an ambiguous day/month order is ambiguous_date (like the date type: the
 * remedy is the same, setting the date order); anything else is
 * invalid_datetime with the reason in the message.
 */
import { type CalendarDate, excelSerialToDate, formatDate, pad, parseDate } from './date.ts';
import { ERROR_CODES } from './errors.ts';
import { cleanText } from './text.ts';
import type { CellResult, ColumnTypeDefinition, NormalizeOptions } from './types.ts';

/** Cells longer than this are not date-times; checking first bounds all work on huge cells. */
const MAX_INPUT = 120;
const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
/** Offsets beyond this are not offsets of any zone. */
const MAX_OFFSET_HOURS = 18;

// Anchored patterns without nested quantifiers: linear time.
const EPOCH_SECONDS = /^(\d{10})(?:\.(\d{1,9}))?$/;
const EPOCH_MILLISECONDS = /^\d{13}$/;
const EXCEL_DATETIME = /^(\d{1,5})\.(\d{1,15})$/;
const ISO_BASIC =
  /^(\d{4})(\d{2})(\d{2})[Tt](\d{2})(\d{2})(\d{2})?(?:[.,](\d{1,9}))?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;
/** A clock time, with the separator that joins it to the date before it. */
const TIME =
  /(?:(?<=\d)[Tt]|[\s,]+(?:at\s+|@\s*|um\s+|à\s+)?|^)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?/;
/** An hour with AM/PM and no minutes: `5 PM`, `5pm`. */
const HOUR_ONLY = /[\s,]+(?:at\s+|@\s*)?(\d{1,2})\s?([AaPp])\.?\s?[Mm]\.?(?![A-Za-z])/;
const MERIDIEM = /^\s?([AaPp])\.?\s?[Mm]\.?(?![A-Za-z])/;
const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g;
const TRAILING_COMMENT = /^([^()]*?)\s*\(([^()]*)\)$/;
const OFFSET_THEN_NAME = /^([+-]\d{1,2}(?::?\d{2})?)\s+[A-Za-z]{1,5}$/;
const OFFSET = /^(?:(?:UTC|GMT|UT)\s?)?([+-])(\d{1,2})(?::?(\d{2}))?$/i;
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]*$/;
const LETTERS_ONLY = /^[A-Za-z]+$/;

/** Fixed-offset abbreviations, in minutes east of UTC. */
const ABBREVIATIONS: ReadonlyMap<string, number> = new Map(
  Object.entries({
    UTC: 0,
    GMT: 0,
    UT: 0,
    Z: 0,
    WET: 0,
    WEST: 60,
    BST: 60,
    CET: 60,
    CEST: 120,
    MET: 60,
    MEST: 120,
    EET: 120,
    EEST: 180,
    MSK: 180,
    SAST: 120,
    EST: -300,
    EDT: -240,
    CST: -360,
    CDT: -300,
    MST: -420,
    MDT: -360,
    PST: -480,
    PDT: -420,
    AKST: -540,
    AKDT: -480,
    HST: -600,
    NST: -210,
    NDT: -150,
    WIB: 420,
    SGT: 480,
    HKT: 480,
    AWST: 480,
    JST: 540,
    KST: 540,
    ACST: 570,
    ACDT: 630,
    AEST: 600,
    AEDT: 660,
    NZST: 720,
    NZDT: 780,
  }),
);

const AMBIGUOUS_ABBREVIATIONS: Readonly<Record<string, string>> = {
  IST: 'India, Israel or Ireland',
  AST: 'Atlantic or Arabia',
};

type Zone =
  | { kind: 'offset'; minutes: number }
  | { kind: 'iana'; formatter: Intl.DateTimeFormat }
  | { kind: 'unknown'; message: string }
  | { kind: 'invalid'; message: string };

/**
 * Formatters by zone name. Constructing one costs far more than a parse, so
 * they are kept (bounded); a cache does not change any result.
 */
const FORMATTERS = new Map<string, Intl.DateTimeFormat>();
const MAX_FORMATTERS = 200;

function formatterFor(name: string): Intl.DateTimeFormat | undefined {
  const cached = FORMATTERS.get(name);
  if (cached !== undefined) return cached;
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return undefined;
  }
  if (FORMATTERS.size >= MAX_FORMATTERS) FORMATTERS.clear();
  FORMATTERS.set(name, formatter);
  return formatter;
}

/** Quotes user input for a message, cut short so a huge value cannot bloat the report. */
function quote(s: string): string {
  return s.length > 40 ? `'${s.slice(0, 40)}…'` : `'${s}'`;
}

/** Reads a zone: offset, abbreviation or IANA name. */
function parseZone(text: string): Zone {
  let s = text.trim().replace(DASHES, '-');
  const comment = TRAILING_COMMENT.exec(s);
  if (comment) s = comment[1] !== '' ? (comment[1] ?? '') : (comment[2] ?? '').trim();
  const offsetThenName = OFFSET_THEN_NAME.exec(s);
  if (offsetThenName) s = offsetThenName[1] ?? '';
  const offset = OFFSET.exec(s);
  if (offset) {
    const [, sign, hours = '', minutes = '0'] = offset;
    const h = Number(hours);
    const m = Number(minutes);
    if (h > MAX_OFFSET_HOURS || m > 59) {
      return { kind: 'invalid', message: `${quote(s)} is not a valid UTC offset` };
    }
    return { kind: 'offset', minutes: (sign === '-' ? -1 : 1) * (h * 60 + m) };
  }
  const upper = s.toUpperCase();
  const fixed = ABBREVIATIONS.get(upper);
  if (fixed !== undefined) return { kind: 'offset', minutes: fixed };
  const ambiguous = AMBIGUOUS_ABBREVIATIONS[upper];
  if (ambiguous !== undefined) {
    return {
      kind: 'unknown',
      message: `the abbreviation ${upper} is ambiguous (${ambiguous}); use an offset or an IANA zone name`,
    };
  }
  if (!ZONE_NAME.test(s))
    return { kind: 'invalid', message: `unexpected ${quote(s)} after the time` };
  // Short letter-only names are abbreviations: ICU would accept some of them
  // as legacy zone IDs with surprising meanings (BST as Asia/Dhaka).
  if (LETTERS_ONLY.test(s) && s.length <= 5) {
    return { kind: 'unknown', message: `${quote(s)} is not a known abbreviation` };
  }
  const formatter = formatterFor(s);
  if (formatter === undefined)
    return { kind: 'unknown', message: `${quote(s)} is not a known zone` };
  return { kind: 'iana', formatter };
}

/** Milliseconds since the epoch of a wall time read as UTC (years 0-99 too). */
function wallMs(
  date: CalendarDate,
  hour: number,
  minute: number,
  second: number,
  ms: number,
): number {
  const d = new Date(0);
  d.setUTCFullYear(date.year, date.month - 1, date.day);
  d.setUTCHours(hour, minute, second, ms);
  return d.getTime();
}

/** The zone's offset (ms east of UTC) at an instant. */
function offsetAt(formatter: Intl.DateTimeFormat, instant: number): number {
  const whole = instant - (((instant % 1000) + 1000) % 1000);
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let beforeChrist = false;
  for (const part of formatter.formatToParts(new Date(whole))) {
    const n = Number(part.value);
    switch (part.type) {
      case 'year':
        year = n;
        break;
      case 'month':
        month = n;
        break;
      case 'day':
        day = n;
        break;
      case 'hour':
        hour = n;
        break;
      case 'minute':
        minute = n;
        break;
      case 'second':
        second = n;
        break;
      case 'era':
        beforeChrist = part.value.startsWith('B');
        break;
      default:
        break;
    }
  }
  if (beforeChrist) year = 1 - year;
  return wallMs({ year, month, day }, hour, minute, second, 0) - whole;
}

/**
 * The instant of a wall time in an IANA zone. Tries the offsets in force a
 * day before and a day after; a repeated wall time takes the earlier
 * instant, a skipped one the offset from before the change (see the module
 * comment).
 */
function zonedToUtc(formatter: Intl.DateTimeFormat, local: number): number {
  const before = offsetAt(formatter, local - MS_PER_DAY);
  const after = offsetAt(formatter, local + MS_PER_DAY);
  const first = local - before;
  const second = local - after;
  const firstFits = offsetAt(formatter, first) === before;
  const secondFits = offsetAt(formatter, second) === after;
  if (firstFits && secondFits) return Math.min(first, second);
  if (firstFits) return first;
  if (secondFits) return second;
  return first;
}

/** `YYYY-MM-DDTHH:MM:SS[.sss]Z`, or undefined outside years 1-9999. */
function formatInstant(instant: number): string | undefined {
  const d = new Date(instant);
  const year = d.getUTCFullYear();
  if (Number.isNaN(year) || year < 1 || year > 9999) return undefined;
  const date = formatDate({ year, month: d.getUTCMonth() + 1, day: d.getUTCDate() });
  const ms = d.getUTCMilliseconds();
  const fraction = ms === 0 ? '' : `.${pad(ms, 3)}`;
  return `${date}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${fraction}Z`;
}

function invalid(reason: string): CellResult {
  return {
    ok: false,
    code: ERROR_CODES.invalidDatetime,
    message: `Not a valid date and time: ${reason}`,
  };
}

function unknownZone(reason: string): CellResult {
  return { ok: false, code: ERROR_CODES.unknownTimeZone, message: `Unknown time zone: ${reason}` };
}

function done(instant: number): CellResult {
  const value = formatInstant(instant);
  return value === undefined ? invalid('the year is out of range (1-9999)') : { ok: true, value };
}

/** Milliseconds from up to 9 fraction digits (cut, not rounded). */
function fractionMs(digits: string | undefined): number {
  return digits === undefined ? 0 : Number(digits.padEnd(3, '0').slice(0, 3));
}

/** The wall time (as UTC ms) converted from the value's zone or the job's. */
function toUtc(local: number, zoneText: string, options: NormalizeOptions): CellResult {
  let zone: Zone;
  if (zoneText === '') {
    const name = options.timeZone?.trim() || 'UTC';
    zone = parseZone(name);
    if (zone.kind === 'unknown') return unknownZone(`the job's time zone: ${zone.message}`);
    if (zone.kind === 'invalid') {
      return unknownZone(`the job's time zone: ${quote(name)} is not a known zone`);
    }
  } else {
    zone = parseZone(zoneText);
  }
  switch (zone.kind) {
    case 'offset':
      return done(local - zone.minutes * MS_PER_MINUTE);
    case 'iana':
      return done(zonedToUtc(zone.formatter, local));
    case 'unknown':
      return unknownZone(zone.message);
    case 'invalid':
      return invalid(zone.message);
  }
}

interface ClockTime {
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

function clockTime(
  hour: number,
  minute: number,
  second: number,
  ms: number,
  meridiem: string | undefined,
): ClockTime | string {
  let h = hour;
  if (meridiem !== undefined) {
    const pm = meridiem.toLowerCase() === 'p';
    if (h > 12 || (h === 0 && pm)) return `the hour ${hour} does not go with ${pm ? 'PM' : 'AM'}`;
    if (h === 12) h = pm ? 12 : 0;
    else if (pm) h += 12;
  }
  if (minute > 59) return `there is no minute ${minute}`;
  if (second > 59) return `there is no second ${second} (leap seconds are not supported)`;
  if (h === 24 && minute === 0 && second === 0 && ms === 0) return { hour: 24, minute, second, ms };
  if (h > 23) return `there is no hour ${hour}`;
  return { hour: h, minute, second, ms };
}

/** The date before the time, read like the date type (an ambiguous order stays ambiguous_date). */
function readDatePart(text: string, options: NormalizeOptions, serials: boolean) {
  const parsed = parseDate(text, options.dateOrder, serials);
  if (parsed.ok) return parsed;
  if (parsed.kind === 'ambiguous') {
    return {
      error: {
        ok: false,
        code: ERROR_CODES.ambiguousDate,
        message: `Ambiguous date: ${parsed.message}`,
      } satisfies CellResult,
    };
  }
  return { error: invalid(parsed.message) };
}

/** Unix time, Excel serial date-time or ISO basic: the forms that are not date + time + zone. */
function readCompactForms(text: string, options: NormalizeOptions): CellResult | string {
  const seconds = EPOCH_SECONDS.exec(text);
  if (seconds) return done(Number(seconds[1]) * 1000 + fractionMs(seconds[2]));
  if (EPOCH_MILLISECONDS.test(text)) return done(Number(text));
  const serial = EXCEL_DATETIME.exec(text);
  if (serial) {
    const date = excelSerialToDate(Number(serial[1]));
    if (!date.ok) return invalid(date.message);
    const ms = Math.round(Number(`0.${serial[2]}`) * MS_PER_DAY);
    return toUtc(wallMs(date, 0, 0, 0, 0) + ms, '', options);
  }
  const basic = ISO_BASIC.exec(text);
  if (basic) {
    const [, y, mo, d, h, mi, s, fraction, zone] = basic;
    return `${y}-${mo}-${d}T${h}:${mi}${s === undefined ? '' : `:${s}`}${fraction === undefined ? '' : `.${fraction}`}${zone ?? ''}`;
  }
  return text;
}

/**
 * `2024-03-04 17:05 PST` -> `2024-03-05T01:05:00Z`; `2024-03-04T17:05:00+01:00`
 * -> `2024-03-04T16:05:00Z`; a value without a zone is in `options.timeZone`.
 */
function normalizeDatetime(raw: string, options: NormalizeOptions): CellResult {
  const cleaned = cleanText(raw);
  if (cleaned.length > MAX_INPUT) return invalid('too long to be a date and time');
  const compact = readCompactForms(cleaned, options);
  if (typeof compact !== 'string') return compact;
  const text = compact;

  let datePart: string;
  let clock: ClockTime | string;
  let rest: string;
  const time = TIME.exec(text);
  const hourOnly = time ? null : HOUR_ONLY.exec(text);
  if (time) {
    datePart = text.slice(0, time.index);
    rest = text.slice(time.index + time[0].length);
    const meridiem = MERIDIEM.exec(rest);
    if (meridiem) rest = rest.slice(meridiem[0].length);
    clock = clockTime(
      Number(time[1]),
      Number(time[2]),
      Number(time[3] ?? '0'),
      fractionMs(time[4]),
      meridiem?.[1],
    );
  } else if (hourOnly) {
    datePart = text.slice(0, hourOnly.index);
    rest = text.slice(hourOnly.index + hourOnly[0].length);
    clock = clockTime(Number(hourOnly[1]), 0, 0, 0, hourOnly[2]);
  } else {
    // A date alone: midnight.
    const date = readDatePart(text, options, true);
    if ('error' in date) return date.error;
    return toUtc(wallMs(date, 0, 0, 0, 0), '', options);
  }
  if (datePart.trim() === '') return invalid('a time without a date');
  if (typeof clock === 'string') return invalid(clock);
  const date = readDatePart(datePart, options, false);
  if ('error' in date) return date.error;
  const local = wallMs(date, clock.hour, clock.minute, clock.second, clock.ms);
  return toUtc(local, rest.trim(), options);
}

/**
 * A value has a date-time's shape: a date followed by a clock time, ISO
 * basic, or Unix time of 2001-09-09 to 2033-05-18 (10 or 13 digits starting
 * with 1, which no NANP phone number does).
 */
function looksLikeDatetime(raw: string): boolean {
  const text = cleanText(raw);
  if (text.length > MAX_INPUT) return false;
  if (/^1\d{9}$|^1\d{12}$/.test(text) || ISO_BASIC.test(text)) return true;
  const time = TIME.exec(text) ?? HOUR_ONLY.exec(text);
  if (!time || time.index === 0) return false;
  const date = parseDate(text.slice(0, time.index), undefined, false);
  return date.ok || date.kind !== 'unrecognized';
}

export const datetimeType: ColumnTypeDefinition = {
  type: 'datetime',
  normalize: normalizeDatetime,
  headerSynonyms: [
    'datetime',
    'datetimeutc',
    'timestamp',
    'timestamps',
    'timestamputc',
    'ts',
    'time',
    'createdat',
    'updatedat',
    'modifiedat',
    'deletedat',
    'createdtime',
    'creationtime',
    'timecreated',
    'lastmodified',
    'lastupdated',
    'occurredat',
    'eventtime',
    'eventtimestamp',
    'loggedat',
    'logtime',
    'sentat',
    'receivedat',
    'submittedat',
    'processedat',
    'publishedat',
    'startedat',
    'endedat',
    'completedat',
    'starttime',
    'endtime',
    'lastlogin',
    'lastloginat',
    'lastseen',
    'lastseenat',
    'zeitstempel',
    'horodatage',
  ],
  looksLike: looksLikeDatetime,
};
