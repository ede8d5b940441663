/**
 * Date and time to ISO 8601 in UTC: `YYYY-MM-DDTHH:MM:SSZ`, with `.sss` when
 * the value has a non-zero fraction of a second (kept to the millisecond,
 * finer digits are cut off).
 *
 * Accepted forms (after the base text cleaning):
 * - a date in any form of date-parse.ts (ISO, numeric with the column's or job's
 *   order, month names), then `T`, a space, a comma or `at`, then a time
 *   `H:MM`, `H:MM:SS`, `H:MM:SS.fff` with an optional `AM`/`PM` (`a.m.`,
 *   `pm`), or `H AM|PM`; then optionally a zone. A date alone is midnight.
 *   `2024-03-04T17:05:00+01:00`, `2024-03-04 17:05`, `July 4, 1979 5:05 PM`,
 *   `Mon, 04 Mar 2024 17:05:00 +0100`, `Mon Mar 04 2024 17:05:00 GMT+0100
 *   (Central European Standard Time)`, `2024-03-04 17:05:00 +0000 UTC`;
 * - ISO basic format: `20240304T170500Z`;
 * - Unix time: 10 digits (seconds, optionally with a fraction) or 13 digits
 *   (milliseconds): `1709571900`, `1709571900123`;
 * - Excel serial date-times (1900 system, see date-parse.ts): `45355.7118055556`,
 *   a wall time in the job's zone like any value without a zone.
 *
 * Zones written after the time (offsets, abbreviations, IANA names), and how
 * a wall time in a zone becomes an instant across DST changes: see
 * datetime-zone.ts. A value without a zone is a wall time in
 * `NormalizeOptions.timeZone` (default UTC), which takes the same forms
 * (normally an IANA name).
 *
 * Errors: an unknown zone (in the value or the option) is unknown_time_zone;
 * an ambiguous day/month order is ambiguous_date (like the date type: the
 * remedy is the same, setting the date order); anything else is
 * invalid_datetime with the reason in the message.
 */

import { cleanText } from '../clean-text.ts';
import type { CellResult, ColumnTypeDefinition, NormalizeOptions } from '../column-type.ts';
import { ERROR_CODES } from '../errors.ts';
import { excelSerialToDate, formatDate, pad, parseDate } from './date-parse.ts';
import { parseZone, wallMs, type Zone, zonedToUtc } from './datetime-zone.ts';

/** Cells longer than this are not date-times; checking first bounds all work on huge cells. */
const MAX_INPUT = 120;
const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

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

/** Quotes user input for a message, cut short so a huge value cannot bloat the report. */
function quote(s: string): string {
  return s.length > 40 ? `'${s.slice(0, 40)}…'` : `'${s}'`;
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

export const datetimeType: ColumnTypeDefinition<'datetime'> = {
  type: 'datetime',
  sqlType: 'timestamptz',
  contextFree: true,
  formulaSafe: false,
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
