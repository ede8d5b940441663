/**
 * The zones of the datetime type (datetime.ts): the zone written after a
 * time, and the instant a wall time in a zone is.
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
 */

import type { CalendarDate } from './date-parse.ts';
import { ABBREVIATIONS, AMBIGUOUS_ABBREVIATIONS } from './datetime-zone-data.ts';

const MS_PER_DAY = 86_400_000;
/** Offsets beyond this are not offsets of any zone. */
const MAX_OFFSET_HOURS = 18;

// Anchored patterns without nested quantifiers: linear time.
const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g;
const TRAILING_COMMENT = /^([^()]*?)\s*\(([^()]*)\)$/;
const OFFSET_THEN_NAME = /^([+-]\d{1,2}(?::?\d{2})?)\s+[A-Za-z]{1,5}$/;
const OFFSET = /^(?:(?:UTC|GMT|UT)\s?)?([+-])(\d{1,2})(?::?(\d{2}))?$/i;
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]*$/;
const LETTERS_ONLY = /^[A-Za-z]+$/;

export type Zone =
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
export function parseZone(text: string): Zone {
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
export function wallMs(
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
export function zonedToUtc(formatter: Intl.DateTimeFormat, local: number): number {
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
