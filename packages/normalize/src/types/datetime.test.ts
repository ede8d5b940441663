import { describe, expect, it } from 'vitest';
import type { DateOrder, NormalizeOptions } from '../column-type.ts';
import { ERROR_CODES } from '../errors.ts';
import { datetimeType } from './datetime.ts';

const base: NormalizeOptions = { phoneRegion: 'US' };
const datetime = (raw: string, timeZone?: string, dateOrder?: DateOrder) =>
  datetimeType.normalize(raw, { ...base, timeZone, dateOrder }, {});

describe('datetime: valid (UTC default)', () => {
  const cases: [raw: string, expected: string][] = [
    ['2024-03-04 17:05 PST', '2024-03-05T01:05:00Z'], // SPEC example
    ['2024-03-04T17:05:00Z', '2024-03-04T17:05:00Z'],
    ['2024-03-04t17:05:00z', '2024-03-04T17:05:00Z'],
    ['2024-03-04T17:05:00+01:00', '2024-03-04T16:05:00Z'],
    ['2024-03-04T17:05:00-05:00', '2024-03-04T22:05:00Z'],
    ['2024-03-04T17:05:00+0530', '2024-03-04T11:35:00Z'],
    ['2024-03-04T17:05:00+05', '2024-03-04T12:05:00Z'],
    ['2024-03-04T17:05:00\u221205:00', '2024-03-04T22:05:00Z'], // Unicode minus
    ['2024-03-04T23:30:00-05:00', '2024-03-05T04:30:00Z'], // crosses midnight
    ['2024-03-04T00:30:00+01:00', '2024-03-03T23:30:00Z'],
    ['2024-12-31T23:30:00-01:00', '2025-01-01T00:30:00Z'],
    ['2024-03-04 17:05:00', '2024-03-04T17:05:00Z'],
    ['2024-03-04 17:05', '2024-03-04T17:05:00Z'],
    ['2024-03-04T17:05', '2024-03-04T17:05:00Z'],
    ['2024-3-4 7:05', '2024-03-04T07:05:00Z'],
    ['2024-03-04, 17:05', '2024-03-04T17:05:00Z'],
    ['2024-03-04 at 17:05', '2024-03-04T17:05:00Z'],
    ['  2024-03-04   17:05  ', '2024-03-04T17:05:00Z'],
    // fractions
    ['2024-03-04T17:05:00.5Z', '2024-03-04T17:05:00.500Z'],
    ['2024-03-04T17:05:00.123Z', '2024-03-04T17:05:00.123Z'],
    ['2024-03-04T17:05:00.123456789Z', '2024-03-04T17:05:00.123Z'], // cut to ms
    ['2024-03-04T17:05:00.1239Z', '2024-03-04T17:05:00.123Z'], // cut, not rounded
    ['2024-03-04T17:05:00.000Z', '2024-03-04T17:05:00Z'],
    ['2024-03-04T17:05:00.0001Z', '2024-03-04T17:05:00Z'],
    ['2024-03-04 17:05:00,250', '2024-03-04T17:05:00.250Z'],
    // 12-hour clock
    ['2024-03-04 5:05 PM', '2024-03-04T17:05:00Z'],
    ['2024-03-04 5:05PM', '2024-03-04T17:05:00Z'],
    ['2024-03-04 5:05 pm', '2024-03-04T17:05:00Z'],
    ['2024-03-04 5:05 p.m.', '2024-03-04T17:05:00Z'],
    ['2024-03-04 5:05:30 AM', '2024-03-04T05:05:30Z'],
    ['2024-03-04 12:00 AM', '2024-03-04T00:00:00Z'],
    ['2024-03-04 12:30 AM', '2024-03-04T00:30:00Z'],
    ['2024-03-04 12:00 PM', '2024-03-04T12:00:00Z'],
    ['2024-03-04 12:30 pm', '2024-03-04T12:30:00Z'],
    ['2024-03-04 5 PM', '2024-03-04T17:00:00Z'],
    ['2024-03-04 5pm', '2024-03-04T17:00:00Z'],
    ['2024-03-04 5:05 PM PST', '2024-03-05T01:05:00Z'],
    ['2024-03-04 5:05 PM +01:00', '2024-03-04T16:05:00Z'],
    ['2024-03-04 24:00', '2024-03-05T00:00:00Z'], // ISO end of day
    // abbreviations (fixed offsets)
    ['2024-03-04 17:05 UTC', '2024-03-04T17:05:00Z'],
    ['2024-03-04 17:05 GMT', '2024-03-04T17:05:00Z'],
    ['2024-03-04 17:05 Z', '2024-03-04T17:05:00Z'],
    ['2024-03-04 17:05 utc', '2024-03-04T17:05:00Z'],
    ['2024-03-04 17:05 EST', '2024-03-04T22:05:00Z'],
    ['2024-03-04 17:05 EDT', '2024-03-04T21:05:00Z'],
    ['2024-03-04 17:05 CST', '2024-03-04T23:05:00Z'],
    ['2024-03-04 17:05 CDT', '2024-03-04T22:05:00Z'],
    ['2024-03-04 17:05 MST', '2024-03-05T00:05:00Z'],
    ['2024-03-04 17:05 MDT', '2024-03-04T23:05:00Z'],
    ['2024-03-04 17:05 PDT', '2024-03-05T00:05:00Z'],
    ['2024-07-04 17:05 PST', '2024-07-05T01:05:00Z'], // PST means -08:00 even in summer
    ['2024-03-04 17:05 CET', '2024-03-04T16:05:00Z'],
    ['2024-03-04 17:05 CEST', '2024-03-04T15:05:00Z'],
    ['2024-07-04 17:05 BST', '2024-07-04T16:05:00Z'],
    ['2024-03-04 17:05 JST', '2024-03-04T08:05:00Z'],
    ['2024-03-04 17:05 AEST', '2024-03-04T07:05:00Z'],
    ['2024-03-04 17:05 AEDT', '2024-03-04T06:05:00Z'],
    ['2024-03-04 17:05 (PST)', '2024-03-05T01:05:00Z'],
    ['2024-03-04 17:05 GMT+1', '2024-03-04T16:05:00Z'],
    ['2024-03-04 17:05 UTC-05:00', '2024-03-04T22:05:00Z'],
    ['2024-03-04 17:05 GMT+05:45', '2024-03-04T11:20:00Z'],
    ['2024-03-04 17:05:00 +0000 UTC', '2024-03-04T17:05:00Z'], // Go's time.String()
    // IANA names
    ['2024-03-04 17:05 America/Los_Angeles', '2024-03-05T01:05:00Z'],
    ['2024-07-04 17:05 America/Los_Angeles', '2024-07-05T00:05:00Z'], // PDT in July
    ['2024-03-04 17:05 america/los_angeles', '2024-03-05T01:05:00Z'],
    ['2024-03-04 17:05 US/Pacific', '2024-03-05T01:05:00Z'],
    ['2024-03-04 17:05 Europe/Paris', '2024-03-04T16:05:00Z'],
    ['2024-03-04 17:05 (Europe/Paris)', '2024-03-04T16:05:00Z'],
    ['2024-03-04 17:05 Asia/Kolkata', '2024-03-04T11:35:00Z'],
    ['2024-03-04 17:05 Asia/Kathmandu', '2024-03-04T11:20:00Z'],
    ['2024-03-04 17:05 Etc/GMT+5', '2024-03-04T22:05:00Z'], // POSIX sign: GMT+5 is UTC-5
    ['2024-03-04 17:05 America/Argentina/Buenos_Aires', '2024-03-04T20:05:00Z'],
    // other date forms
    ['July 4, 1979 5:05 PM', '1979-07-04T17:05:00Z'],
    ['4 Jul 1992 17:05', '1992-07-04T17:05:00Z'],
    ['4th of July 1979 at 9:00 am', '1979-07-04T09:00:00Z'],
    ['04.07.1985 17:05', '1985-07-04T17:05:00Z'],
    ['1988/7/4 17:05', '1988-07-04T17:05:00Z'],
    ['12/25/1970 10:00 PM', '1970-12-25T22:00:00Z'],
    ['Mon, 04 Mar 2024 17:05:00 +0100', '2024-03-04T16:05:00Z'], // RFC 2822
    ['Mon, 04 Mar 2024 17:05:00 GMT', '2024-03-04T17:05:00Z'], // HTTP date
    ['Mon Mar 04 2024 17:05:00 GMT+0100 (Central European Standard Time)', '2024-03-04T16:05:00Z'], // JavaScript Date#toString
    ['4. März 2024 um 17:05', '2024-03-04T17:05:00Z'],
    ['4 de julio de 1979 17:05', '1979-07-04T17:05:00Z'],
    ['20240304T170500Z', '2024-03-04T17:05:00Z'], // ISO basic
    ['20240304T1705+0100', '2024-03-04T16:05:00Z'],
    ['20240304T170500.250Z', '2024-03-04T17:05:00.250Z'],
    // date only: midnight
    ['2024-03-04', '2024-03-04T00:00:00Z'],
    ['July 4, 1979', '1979-07-04T00:00:00Z'],
    ['45355', '2024-03-04T00:00:00Z'],
    // Unix time and Excel serials
    ['1709571900', '2024-03-04T17:05:00Z'],
    ['1709571900.25', '2024-03-04T17:05:00.250Z'],
    ['1709571900123', '2024-03-04T17:05:00.123Z'],
    ['1000000000', '2001-09-09T01:46:40Z'],
    ['0000000000', '1970-01-01T00:00:00Z'],
    ['45355.7118055556', '2024-03-04T17:05:00Z'],
    ['45355.5', '2024-03-04T12:00:00Z'],
    ['45355.999999999', '2024-03-05T00:00:00Z'], // rounds to the millisecond
    // range ends
    ['0001-01-01 00:00', '0001-01-01T00:00:00Z'],
    ['0001-01-01 00:30 +00:30', '0001-01-01T00:00:00Z'],
    ['9999-12-31 23:59:59.999', '9999-12-31T23:59:59.999Z'],
  ];
  it.each(cases)('%j -> %j', (raw, expected) => {
    expect(datetime(raw)).toEqual({ ok: true, value: expected });
  });
});

describe('datetime: the job time zone', () => {
  const cases: [raw: string, zone: string, expected: string][] = [
    ['2024-03-04 17:05', 'America/Los_Angeles', '2024-03-05T01:05:00Z'],
    ['2024-07-04 17:05', 'America/Los_Angeles', '2024-07-05T00:05:00Z'],
    ['2024-03-04 17:05', 'Europe/Berlin', '2024-03-04T16:05:00Z'],
    ['2024-07-04 17:05', 'Europe/Berlin', '2024-07-04T15:05:00Z'],
    ['2024-03-04 17:05', 'Asia/Tokyo', '2024-03-04T08:05:00Z'],
    ['2024-03-04 17:05', 'UTC', '2024-03-04T17:05:00Z'],
    ['2024-03-04 17:05', ' europe/berlin ', '2024-03-04T16:05:00Z'],
    ['2024-03-04 17:05', '+02:00', '2024-03-04T15:05:00Z'],
    ['2024-03-04 17:05', '', '2024-03-04T17:05:00Z'], // empty: UTC
    ['2024-03-04', 'Europe/Berlin', '2024-03-03T23:00:00Z'], // midnight local
    ['45355.5', 'America/New_York', '2024-03-04T17:00:00Z'],
    // a zone in the value wins over the job's
    ['2024-03-04 17:05 UTC', 'Asia/Tokyo', '2024-03-04T17:05:00Z'],
    ['2024-03-04T17:05:00+01:00', 'America/Los_Angeles', '2024-03-04T16:05:00Z'],
    ['2024-03-04 17:05 Europe/Paris', 'Asia/Tokyo', '2024-03-04T16:05:00Z'],
    // Unix time is UTC by definition
    ['1709571900', 'Asia/Tokyo', '2024-03-04T17:05:00Z'],
  ];
  it.each(cases)('%j in %j -> %j', (raw, zone, expected) => {
    expect(datetime(raw, zone)).toEqual({ ok: true, value: expected });
  });
});

describe('datetime: DST gaps and overlaps', () => {
  const cases: [raw: string, zone: string, expected: string, note: string][] = [
    // New York, spring forward 2024-03-10 02:00 -> 03:00
    ['2024-03-10 01:59', 'America/New_York', '2024-03-10T06:59:00Z', 'before the gap'],
    ['2024-03-10 02:00', 'America/New_York', '2024-03-10T07:00:00Z', 'gap start = 03:00 EDT'],
    ['2024-03-10 02:30', 'America/New_York', '2024-03-10T07:30:00Z', 'in the gap: 03:30 EDT'],
    ['2024-03-10 03:00', 'America/New_York', '2024-03-10T07:00:00Z', 'after the gap'],
    // New York, fall back 2024-11-03 02:00 -> 01:00
    ['2024-11-03 00:59', 'America/New_York', '2024-11-03T04:59:00Z', 'before the overlap'],
    ['2024-11-03 01:00', 'America/New_York', '2024-11-03T05:00:00Z', 'repeated: the EDT one'],
    ['2024-11-03 01:30', 'America/New_York', '2024-11-03T05:30:00Z', 'repeated: the EDT one'],
    ['2024-11-03 01:59:59', 'America/New_York', '2024-11-03T05:59:59Z', 'repeated: the EDT one'],
    ['2024-11-03 02:00', 'America/New_York', '2024-11-03T07:00:00Z', 'after the overlap'],
    // Berlin
    ['2024-03-31 02:30', 'Europe/Berlin', '2024-03-31T01:30:00Z', 'in the gap: 03:30 CEST'],
    ['2024-10-27 02:30', 'Europe/Berlin', '2024-10-27T00:30:00Z', 'repeated: the CEST one'],
    ['2024-10-27 03:00', 'Europe/Berlin', '2024-10-27T02:00:00Z', 'after the overlap'],
    // Southern hemisphere: Sydney falls back in April
    ['2024-04-07 02:30', 'Australia/Sydney', '2024-04-06T15:30:00Z', 'repeated: the AEDT one'],
    ['2024-10-06 02:30', 'Australia/Sydney', '2024-10-05T16:30:00Z', 'in the gap: 03:30 AEDT'],
    // Lord Howe Island moves its clocks by 30 minutes
    ['2024-10-06 02:15', 'Australia/Lord_Howe', '2024-10-05T15:45:00Z', 'in the 30-minute gap'],
    // a zone in the value, not the job
    ['2024-03-10 02:30 America/New_York', 'UTC', '2024-03-10T07:30:00Z', 'gap, zone in value'],
  ];
  it.each(cases)('%j in %s -> %j (%s)', (raw, zone, expected) => {
    expect(datetime(raw, zone)).toEqual({ ok: true, value: expected });
  });
});

describe('datetime: day/month order', () => {
  it('uses the order like the date type', () => {
    expect(datetime('03/04/2024 10:00', undefined, 'DMY')).toEqual({
      ok: true,
      value: '2024-04-03T10:00:00Z',
    });
    expect(datetime('03/04/2024 10:00', undefined, 'MDY')).toEqual({
      ok: true,
      value: '2024-03-04T10:00:00Z',
    });
    expect(datetime('12/25/1970 10:00', undefined, 'DMY')).toEqual({
      ok: true,
      value: '1970-12-25T10:00:00Z',
    });
  });

  it('reports an undecided order as ambiguous_date', () => {
    expect(datetime('03/04/2024 10:00')).toMatchObject({
      ok: false,
      code: ERROR_CODES.ambiguousDate,
    });
  });
});

describe('datetime: unknown time zones', () => {
  const cases: [raw: string, zone: string | undefined, reason: string][] = [
    ['2024-03-04 17:05 IST', undefined, 'IST is ambiguous (India, Israel or Ireland)'],
    ['2024-03-04 17:05 AST', undefined, 'AST is ambiguous'],
    ['2024-03-04 17:05 XYZ', undefined, "'XYZ' is not a known abbreviation"],
    ['2024-03-04 17:05 Mars/Olympus_Mons', undefined, "'Mars/Olympus_Mons' is not a known zone"],
    ['2024-03-04 17:05 (Foo/Bar)', undefined, "'Foo/Bar' is not a known zone"],
    ['2024-03-04 17:05', 'Mars/Olympus_Mons', "the job's time zone: 'Mars/Olympus_Mons' is not"],
    ['2024-03-04 17:05', 'IST', "the job's time zone: the abbreviation IST is ambiguous"],
    [
      '2024-03-04 17:05',
      'Europe Berlin',
      "the job's time zone: 'Europe Berlin' is not a known zone",
    ],
    ['2024-03-04', 'Nowhere/Land', "the job's time zone"],
  ];
  it.each(cases)('%j (zone %j): %s', (raw, zone, reason) => {
    const result = datetime(raw, zone);
    expect(result).toMatchObject({ ok: false, code: ERROR_CODES.unknownTimeZone });
    if (!result.ok) {
      expect(result.message).toContain(reason);
      expect(result.message.startsWith('Unknown time zone: ')).toBe(true);
    }
  });

  it('an unknown job zone does not matter when the value has its own', () => {
    expect(datetime('2024-03-04T17:05:00Z', 'Mars/Olympus_Mons')).toEqual({
      ok: true,
      value: '2024-03-04T17:05:00Z',
    });
  });
});

describe('datetime: invalid', () => {
  const cases: [raw: string, reason: string][] = [
    ['17:05', 'a time without a date'],
    ['5 PM', 'not a recognized date'],
    ['2024-02-30 10:00', 'February 2024 has only 29 days'],
    ['31/02/2000 10:00', 'February 2000 has only 29 days'],
    ['2023-02-29T10:00:00Z', '2023 is not a leap year'],
    ['2024-03-04 25:00', 'there is no hour 25'],
    ['2024-03-04 24:30', 'there is no hour 24'],
    ['2024-03-04 17:60', 'there is no minute 60'],
    ['2024-03-04 23:59:60', 'leap seconds are not supported'],
    ['2024-03-04 13:05 PM', 'the hour 13 does not go with PM'],
    ['2024-03-04 0:30 PM', 'the hour 0 does not go with PM'],
    ['2024-03-04 17:05 +25:00', "'+25:00' is not a valid UTC offset"],
    ['2024-03-04 17:05 +01:75', 'is not a valid UTC offset'],
    ['2024-03-04 17:05 hello world', "unexpected 'hello world' after the time"],
    ['2024-03-04 17:05 17:06', "unexpected '17:06' after the time"],
    ['hello 17:05', 'not a recognized date'],
    ['hello', 'not a recognized date'],
    ['2024-03-04 noon', 'not a recognized date'],
    ['123456789', 'not a recognized date'], // 9 digits: neither Unix time nor a serial
    ['12345678901', 'not a recognized date'],
    ['1985', 'looks like a year alone'],
    ['60.5', '1900-02-29, a day that does not exist'],
    ['99999999999999', 'not a recognized date'],
    ['9999-12-31 23:30 -01:00', 'the year is out of range'],
    ['0001-01-01 00:30 +01:00', 'the year is out of range'],
    ['x'.repeat(500), 'too long'],
  ];
  it.each(cases)('%j: %s', (raw, reason) => {
    const result = datetime(raw);
    expect(result).toMatchObject({ ok: false, code: ERROR_CODES.invalidDatetime });
    if (!result.ok) {
      expect(result.message).toContain(reason);
      expect(result.message.startsWith('Not a valid date and time: ')).toBe(true);
    }
  });

  it('never throws, whatever the input', () => {
    const odd = [
      '\u0000',
      '::',
      '1:1',
      '2024-03-04T',
      '2024-03-04 17:05 /',
      '2024-03-04 17:05 ()',
      '2024-03-04 17:05 +',
      'T17:05',
      '\ud800 17:05',
      `2024-03-04 17:05 ${'A/'.repeat(100)}`,
    ];
    for (const raw of odd) {
      expect(() => datetime(raw)).not.toThrow();
      expect(() => datetime(raw, 'Europe/Berlin')).not.toThrow();
    }
  });
});

describe('datetime: looksLike', () => {
  it.each([
    '2024-03-04 17:05 PST',
    '2024-03-04T17:05:00Z',
    '2024-03-04T17:05:00.123+01:00',
    '03/04/2024 10:00',
    'July 4, 1979 5:05 PM',
    'Mon, 04 Mar 2024 17:05:00 +0100',
    '2024-03-04 5pm',
    '20240304T170500Z',
    '1709571900',
    '1709571900123',
  ])('%j looks like a date-time', (raw) => {
    expect(datetimeType.looksLike?.(raw)).toBe(true);
  });

  it.each([
    '2024-03-04', // a date
    'July 4, 1979',
    '17:05', // a time
    '4155552671', // a US phone number (no area code starts with 1)
    '45355.7118',
    '12:30 hello',
    'hello 12:30',
    'Meeting at 5pm',
    '',
  ])('%j does not', (raw) => {
    expect(datetimeType.looksLike?.(raw)).toBe(false);
  });
});

describe('datetime: definition', () => {
  it('is the datetime type with header keys as synonyms', () => {
    expect(datetimeType.type).toBe('datetime');
    for (const synonym of datetimeType.headerSynonyms) expect(synonym).toMatch(/^[a-z0-9]+$/);
    expect(new Set(datetimeType.headerSynonyms).size).toBe(datetimeType.headerSynonyms.length);
    for (const key of ['datetime', 'timestamp', 'createdat', 'updatedat', 'time', 'occurredat']) {
      expect(datetimeType.headerSynonyms).toContain(key);
    }
  });
});
