import { describe, expect, it } from 'vitest';
import type { DateOrder, NormalizeOptions } from '../column-type.ts';
import { ERROR_CODES } from '../errors.ts';
import { dateType, inferDateOrder } from './date.ts';
import { parseDate } from './date-parse.ts';

const options: NormalizeOptions = { phoneRegion: 'US' };
const date = (raw: string, dateOrder?: DateOrder) =>
  dateType.normalize(raw, { ...options, dateOrder }, {});

/** The birth_date column of contacts-sample.csv and its expected output (null: !error). */
const SAMPLE: [raw: string, expected: string | null][] = [
  ['1990-07-04', '1990-07-04'],
  ['04.07.1985', '1985-07-04'],
  ['July 4, 1979', '1979-07-04'],
  ['4 Jul 1992', '1992-07-04'],
  ['1988/7/4', '1988-07-04'],
  ['31/02/2000', null],
  ['2001-12-25', '2001-12-25'],
  ['12/25/1970', '1970-12-25'],
];

describe('date: contacts-sample.csv birth_date column', () => {
  // Whatever order the job infers or is given, the sample's values come out the same.
  for (const order of [undefined, 'DMY', 'MDY', 'YMD'] as const) {
    it.each(SAMPLE)(`order ${order ?? 'none'}: %j -> %j`, (raw, expected) => {
      const result = date(raw, order);
      if (expected === null)
        expect(result).toMatchObject({ ok: false, code: ERROR_CODES.invalidDate });
      else expect(result).toEqual({ ok: true, value: expected });
    });
  }

  it('inferDateOrder over the column: one day-first, one month-first value, a tie', () => {
    expect(inferDateOrder(SAMPLE.map(([raw]) => raw))).toEqual({
      order: undefined,
      confidence: 0,
      evidence: { DMY: 1, MDY: 1, YMD: 3 },
      ambiguous: false,
    });
  });
});

describe('date: valid', () => {
  const cases: [raw: string, expected: string][] = [
    // ISO and year-first numeric
    ['1990-07-04', '1990-07-04'],
    ['1990-7-4', '1990-07-04'],
    ['  1990-07-04 ', '1990-07-04'],
    ['1990-07-04T10:00:00Z', '1990-07-04'],
    ['1990-07-04T23:30:00-05:00', '1990-07-04'], // the date as written, no zone conversion
    ['1990-07-04 10:00', '1990-07-04'],
    ['1988/7/4', '1988-07-04'],
    ['2024.03.04', '2024-03-04'],
    ['2024 03 04', '2024-03-04'],
    ['2024 / 03 / 04', '2024-03-04'],
    ['2024\u201303\u201304', '2024-03-04'], // en dashes
    ['2000-02-29', '2000-02-29'], // leap year (divisible by 400)
    ['2024-02-29', '2024-02-29'],
    ['0001-01-01', '0001-01-01'],
    ['9999-12-31', '9999-12-31'],
    // year last, deciding by themselves
    ['12/25/1970', '1970-12-25'],
    ['31/12/2000', '2000-12-31'],
    ['25-12-1970', '1970-12-25'],
    ['12-25-1970', '1970-12-25'],
    ['4/4/2024', '2024-04-04'], // day = month: no ambiguity
    ['12/25/1970 10:00 PM', '1970-12-25'],
    // dotted: day first
    ['04.07.1985', '1985-07-04'],
    ['4.7.1985', '1985-07-04'],
    ['04.07.1985.', '1985-07-04'],
    ['04.07.85', '1985-07-04'],
    ['07.25.1985', '1985-07-25'], // decides by itself: 25 is the day
    // two-digit years
    ['25/12/70', '1970-12-25'],
    ['12/25/49', '2049-12-25'],
    ['12/25/50', '1950-12-25'],
    ['25/12/00', '2000-12-25'],
    ['99/12/31', '1999-12-31'], // 99 cannot be a day: year first
    ['31/12/99', '1999-12-31'],
    // month names
    ['July 4, 1979', '1979-07-04'],
    ['july 4 1979', '1979-07-04'],
    ['JULY 4, 1979', '1979-07-04'],
    ['Jul 4, 1979', '1979-07-04'],
    ['Jul. 4, 1979', '1979-07-04'],
    ['4 Jul 1992', '1992-07-04'],
    ['4-Jul-1992', '1992-07-04'],
    ['04-JUL-92', '1992-07-04'],
    ['4 July, 1992', '1992-07-04'],
    ['4th of July 1979', '1979-07-04'],
    ['the 4th of July, 1979', '1979-07-04'],
    ['July 4th, 1979', '1979-07-04'],
    ['1st January 2000', '2000-01-01'],
    ['January 2nd 2000', '2000-01-02'],
    ['3rd Mar 2000', '2000-03-03'],
    ['Jul-04-1979', '1979-07-04'],
    ['Thursday, July 4, 1979', '1979-07-04'], // the weekday is ignored (it was a Wednesday)
    ['Wed, 4 Jul 1979', '1979-07-04'],
    ['Thu Jul 04 1979', '1979-07-04'],
    ['2024-Mar-04', '2024-03-04'],
    ['1979 July 4', '1979-07-04'],
    ["Jul 4 '79", '1979-07-04'],
    ['Sept 9, 2001', '2001-09-09'],
    ['Sep 9 2001', '2001-09-09'],
    ['9 September 2001', '2001-09-09'],
    ['May 1, 2000', '2000-05-01'],
    ['Feb 29, 2024', '2024-02-29'],
    // other languages
    ['4 de julio de 1979', '1979-07-04'],
    ['4 jul. 1979', '1979-07-04'],
    ['1 de enero de 2000', '2000-01-01'],
    ['martes, 5 de marzo de 2024', '2024-03-05'],
    ['4 setiembre 2001', '2001-09-04'],
    ['1er août 2024', '2024-08-01'],
    ['le 14 juillet 1789', '1789-07-14'],
    ['3 févr. 2024', '2024-02-03'],
    ['3 juin 2024', '2024-06-03'],
    ['25 décembre 2000', '2000-12-25'],
    ['4. März 2024', '2024-03-04'],
    ['4. Maerz 2024', '2024-03-04'],
    ['4. Mrz. 2024', '2024-03-04'],
    ['Montag, 4. März 2024', '2024-03-04'],
    ['1. Mai 2024', '2024-05-01'],
    ['31. Dezember 1999', '1999-12-31'],
    ['3 Okt 2024', '2024-10-03'],
    ['4 maart 2024', '2024-03-04'],
    ['4 mrt 2024', '2024-03-04'],
    ['1 mei 2024', '2024-05-01'],
    ['woensdag 4 juli 1979', '1979-07-04'],
    // compact and Excel serials
    ['19900704', '1990-07-04'],
    ['20000229', '2000-02-29'],
    ['45355', '2024-03-04'],
    ['45355.0', '2024-03-04'],
    ['45355.00', '2024-03-04'],
    ['1', '1900-01-01'],
    ['59', '1900-02-28'],
    ['61', '1900-03-01'],
    ['25569', '1970-01-01'],
    ['36526', '2000-01-01'],
    ['3000', '1908-03-18'],
    ['99999', '2173-10-13'],
  ];
  it.each(cases)('%j -> %j', (raw, expected) => {
    expect(date(raw)).toEqual({ ok: true, value: expected });
  });
});

describe('date: day/month order', () => {
  const cases: [raw: string, order: DateOrder | undefined, expected: string | 'ambiguous'][] = [
    ['03/04/2024', 'DMY', '2024-04-03'], // SPEC example
    ['03/04/2024', 'MDY', '2024-03-04'],
    ['03/04/2024', undefined, 'ambiguous'],
    ['03/04/2024', 'YMD', 'ambiguous'], // the year is last: YMD says nothing about day and month
    ['03-04-2024', 'DMY', '2024-04-03'],
    ['3/4/24', 'MDY', '2024-03-04'],
    ['3/4/24', 'DMY', '2024-04-03'],
    ['03/04/24', 'YMD', '2003-04-24'],
    ['03/04/24', undefined, 'ambiguous'],
    ['04.07.1985', 'MDY', '1985-07-04'], // dotted stays day-first
    // a value that decides itself overrides the order
    ['12/25/1970', 'DMY', '1970-12-25'],
    ['25/12/1970', 'MDY', '1970-12-25'],
    ['1990-07-04', 'DMY', '1990-07-04'],
    ['1990-07-04', 'MDY', '1990-07-04'],
    ['July 4, 1979', 'DMY', '1979-07-04'],
    ['4 Jul 1992', 'MDY', '1992-07-04'],
  ];
  it.each(cases)('%j with %s -> %j', (raw, order, expected) => {
    const result = date(raw, order);
    if (expected === 'ambiguous') {
      expect(result).toMatchObject({ ok: false, code: ERROR_CODES.ambiguousDate });
    } else {
      expect(result).toEqual({ ok: true, value: expected });
    }
  });

  it('explains an ambiguous date', () => {
    expect(date('03/04/2024')).toEqual({
      ok: false,
      code: ERROR_CODES.ambiguousDate,
      message:
        "Ambiguous date: '03/04/2024' could be 3 April or 4 March 2024: the day/month order is not known (set the date order to DMY or MDY)",
    });
  });
});

describe('date: invalid', () => {
  const cases: [raw: string, reason: string][] = [
    ['31/02/2000', 'February 2000 has only 29 days, so there is no February 31'],
    ['2023-02-29', '2023 is not a leap year, so February 2023 has no day 29'],
    ['1900-02-29', '1900 is not a leap year'],
    ['2024-04-31', 'April 2024 has only 30 days'],
    ['2024-13-01', 'there is no month 13'],
    ['2024-00-10', 'there is no month 0'],
    ['2024-01-00', 'there is no day 0'],
    ['0000-01-01', 'the year 0 is out of range'],
    ['13/25/2000', 'neither 13 nor 25 can be a month'],
    ['32/12/2000', 'December 2000 has only 31 days'],
    ['Feb 30, 2024', 'February 2024 has only 29 days'],
    ['July 1979', 'a month and a year but no day'],
    ['19901304', 'not a valid YYYYMMDD date'],
    ['60', '1900-02-29, a day that does not exist'],
    ['0', 'the Excel serial 0 is not a date'],
    ['1985', 'looks like a year alone'],
    ['2024', 'looks like a year alone'],
    ['foo', 'not a recognized date'],
    ['03/2024', 'not a recognized date'],
    ['2024-03', 'not a recognized date'],
    ['1.5', 'not a recognized date'],
    ['45355.5', 'not a recognized date'], // a fraction is a time: datetime, not date
    ['123456', 'not a recognized date'],
    ['2024-03-04-05', 'not a recognized date'],
    ['03/04/2024/05', 'not a recognized date'],
    ['03/04-2024', 'not a recognized date'], // mixed separators
    ['2024/03/2024', 'two parts look like years'],
    ['123/04/2024', 'a 3-digit year is not supported'],
    ['1.2.3', 'the year must have 2 or 4 digits'], // a version number
    ['10.4.1', 'the year must have 2 or 4 digits'],
    ['1/2/3', 'the year must have 2 or 4 digits'],
    ['July 4 79 1', 'not a recognized date'],
    ['July August 4 1979', 'more than one month name'],
    ['Jui 4 2024', 'not a recognized date'], // juin or juillet?
    ['4 July 1', 'the year must have 2 or 4 digits'],
    ['4 July 123', 'the year must have 2 or 4 digits'],
    ['4 1979 July', 'not a recognized date'],
    ['Monday', 'not a recognized date'],
    ['x'.repeat(500), 'too long to be a date'],
  ];
  it.each(cases)('%j: %s', (raw, reason) => {
    const result = date(raw);
    expect(result).toMatchObject({ ok: false, code: ERROR_CODES.invalidDate });
    if (!result.ok) {
      expect(result.message).toContain(reason);
      expect(result.message.startsWith('Not a valid date: ')).toBe(true);
    }
  });

  it('never throws, whatever the input', () => {
    const odd = [
      '\u0000',
      '//',
      '..',
      '--',
      '-1',
      '1e5',
      'NaN',
      'Infinity',
      '١٢/٠٣/٢٠٢٤',
      '\ud800',
      '0x10',
    ];
    for (const raw of odd) expect(() => date(raw)).not.toThrow();
  });
});

describe('parseDate', () => {
  it('tells unrecognized, invalid and ambiguous apart', () => {
    expect(parseDate('hello', undefined)).toMatchObject({ ok: false, kind: 'unrecognized' });
    expect(parseDate('31/02/2000', undefined)).toMatchObject({ ok: false, kind: 'invalid' });
    expect(parseDate('03/04/2024', undefined)).toMatchObject({ ok: false, kind: 'ambiguous' });
    expect(parseDate('45355', undefined, false)).toMatchObject({ ok: false, kind: 'unrecognized' });
    expect(parseDate('45355', undefined)).toEqual({ ok: true, year: 2024, month: 3, day: 4 });
  });
});

describe('inferDateOrder', () => {
  it('one day-first value decides the column', () => {
    expect(inferDateOrder(['03/04/2024', '05/06/2024', '25/12/2024', ''])).toEqual({
      order: 'DMY',
      confidence: 1,
      evidence: { DMY: 1, MDY: 0, YMD: 0 },
      ambiguous: false,
    });
  });

  it('one month-first value decides the column', () => {
    expect(inferDateOrder(['03/04/2024', '12/25/2024', '1/31/99'])).toMatchObject({
      order: 'MDY',
      confidence: 1,
      evidence: { DMY: 0, MDY: 2, YMD: 0 },
    });
  });

  it('conflicting evidence: the majority, with its share as confidence', () => {
    const result = inferDateOrder(['25/12/2024', '13/01/2024', '31/01/2024', '12/25/2024']);
    expect(result).toEqual({
      order: 'DMY',
      confidence: 0.75,
      evidence: { DMY: 3, MDY: 1, YMD: 0 },
      ambiguous: false,
    });
  });

  it('nothing decides: ambiguous', () => {
    expect(inferDateOrder(['03/04/2024', '05/06/2024'])).toEqual({
      order: undefined,
      confidence: 0,
      evidence: { DMY: 0, MDY: 0, YMD: 0 },
      ambiguous: true,
    });
  });

  it('a tie with undecided values is ambiguous', () => {
    expect(inferDateOrder(['25/12/2024', '12/25/2024', '03/04/2024'])).toMatchObject({
      order: undefined,
      ambiguous: true,
    });
  });

  it('year-first values: YMD when nothing else decides', () => {
    expect(inferDateOrder(['2024-03-04', '1990/7/4', '99/12/31'])).toEqual({
      order: 'YMD',
      confidence: 1,
      evidence: { DMY: 0, MDY: 0, YMD: 3 },
      ambiguous: false,
    });
    // Year-first values do not compete with day/month evidence: they never need the order.
    expect(inferDateOrder(['2024-03-04', '2024-03-05', '25/12/2024'])).toMatchObject({
      order: 'DMY',
      confidence: 1,
      evidence: { DMY: 1, MDY: 0, YMD: 2 },
    });
    // Only year-first evidence leaves year-last values open.
    expect(inferDateOrder(['2024-03-04', '03/04/2024'])).toMatchObject({
      order: 'YMD',
      ambiguous: true,
    });
  });

  it('leaves out what does not need an order', () => {
    expect(
      inferDateOrder([
        'July 4, 1979',
        '04.07.1985',
        '45355',
        'junk',
        '13/25/2000',
        '4/4/2024',
        '  ',
      ]),
    ).toEqual({
      order: undefined,
      confidence: 0,
      evidence: { DMY: 0, MDY: 0, YMD: 0 },
      ambiguous: false,
    });
  });

  it('counts values with a time and any separator', () => {
    expect(inferDateOrder(['25-12-2024 10:00', '31 01 2024', '13.01.2024'])).toMatchObject({
      order: 'DMY',
      evidence: { DMY: 3, MDY: 0, YMD: 0 },
    });
  });

  it('takes any iterable, and its evidence adds up over chunks', () => {
    function* values() {
      yield '25/12/2024';
      yield '03/04/2024';
    }
    expect(inferDateOrder(values()).order).toBe('DMY');
    expect(inferDateOrder(new Set(['12/25/2024'])).order).toBe('MDY');
    expect(inferDateOrder([]).order).toBeUndefined();
  });
});

describe('date: looksLike', () => {
  it.each([
    '1990-07-04',
    '04.07.1985',
    'July 4, 1979',
    '4 Jul 1992',
    '1988/7/4',
    '31/02/2000',
    '03/04/2024',
    '12/25/1970',
    '4. März 2024',
  ])('%j looks like a date', (raw) => {
    expect(dateType.looksLike?.(raw)).toBe(true);
  });

  it.each([
    'hello',
    '45355', // numbers and IDs are not sampled as dates
    '19900704',
    '1985',
    '12.5',
    '1.234.567',
    '1.2.3',
    '10.4.1',
    '2024-03-04 17:05', // a date-time
    '2024-03-04T17:05:00Z',
    '(415) 555-2671',
    '415-555-2671',
    '1-800-555-1234',
    'May',
    'John May',
    '',
  ])('%j does not', (raw) => {
    expect(dateType.looksLike?.(raw)).toBe(false);
  });
});

describe('date: definition', () => {
  it('is the date type with header keys as synonyms', () => {
    expect(dateType.type).toBe('date');
    for (const synonym of dateType.headerSynonyms) expect(synonym).toMatch(/^[a-z0-9]+$/);
    expect(new Set(dateType.headerSynonyms).size).toBe(dateType.headerSynonyms.length);
    for (const key of [
      'date',
      'dob',
      'dateofbirth',
      'birthdate',
      'birthday',
      'signupdate',
      'duedate',
    ]) {
      expect(dateType.headerSynonyms).toContain(key);
    }
  });
});
