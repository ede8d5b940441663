/**
 * Differential tests of the normalizers' fast paths: many generated values
 * per type, in the shapes contact exports have (the common ones the fast
 * paths take, and the ones around them that they must leave to the general
 * code), each normalized with the fast paths on and off (withoutFastPaths).
 * The results (value, or error code and message) must be identical. Each
 * test also checks that the fast path took a good share of its values, so
 * the comparison is not vacuous. The phone fast path has its own test
 * against libphonenumber (types/phone-fast.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { NormalizeOptions } from './column-type.ts';
import { withoutFastPaths } from './fast-paths.ts';
import { type ColumnType, normalizeValue } from './registry.ts';
import { inferDateOrder } from './types/date.ts';

/** Seedable PRNG (mulberry32), so a failure names an input that can be re-made. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Pick = <T>(list: readonly T[]) => T;

/** The results of `values` with fast paths on and off that differ (at most 10). */
function differences(
  type: ColumnType,
  values: readonly string[],
  options: NormalizeOptions = { phoneRegion: 'US', timeZone: 'UTC' },
): string[] {
  const slow = withoutFastPaths(() => values.map((v) => normalizeValue(type, v, options)));
  const wrong: string[] = [];
  values.forEach((value, i) => {
    const fast = normalizeValue(type, value, options);
    if (JSON.stringify(fast) !== JSON.stringify(slow[i]) && wrong.length < 10) {
      wrong.push(
        `${JSON.stringify(value)}: fast ${JSON.stringify(fast)}, general ${JSON.stringify(slow[i])}`,
      );
    }
  });
  return wrong;
}

/** `count` values from `make`, with a PRNG and a picker. */
function generate(seed: number, count: number, make: (r: () => number, pick: Pick) => string) {
  const r = random(seed);
  const pick: Pick = (list) => list[Math.floor(r() * list.length)]!;
  return Array.from({ length: count }, () => make(r, pick));
}

/** Changes the case of a word the ways exports do. */
function recase(r: () => number, word: string): string {
  const x = r();
  if (x < 0.6) return word;
  if (x < 0.75) return word.toUpperCase();
  if (x < 0.9) return word.toLowerCase();
  return word.charAt(0).toLowerCase() + word.slice(1).toUpperCase();
}

const FIRST = [
  'Jane',
  'John',
  'Mary',
  'José',
  'Seán',
  'Zoë',
  'Min-jun',
  'Anne-Marie',
  'Li',
  'Y',
  'Ó',
  'Al',
  'Mc',
  'Ian',
];
const LAST = [
  'Smith',
  "O'Brien",
  'McDonald',
  'MacLeod',
  'Macy',
  'van der Berg',
  'de la Cruz',
  'Ortega y Gasset',
  'García-López',
  'DeVito',
  'Nguyễn',
  'Østergaard',
  'Smith-Jones',
  'Le',
  'Van',
  'Y',
];
const HONORIFICS = ['Dr.', 'dr', 'Mr', 'Mrs.', 'Prof.', 'Sir', 'Rev.', 'MS'];
const SUFFIXES = ['Jr.', 'jr', 'Sr', 'III', 'II', 'VI', 'IV', 'PhD', 'MD', 'Esq.', '3rd', 'CPA'];

describe('name fast path', () => {
  it('gives what the general code gives, for generated names in many shapes', () => {
    let fastShaped = 0;
    const values = generate(1, 20_000, (r, pick) => {
      const parts: string[] = [];
      if (r() < 0.08) parts.push(pick(HONORIFICS));
      parts.push(recase(r, pick(FIRST)));
      if (r() < 0.25)
        parts.push(
          r() < 0.8
            ? `${String.fromCharCode(65 + Math.floor(r() * 26))}.`
            : pick(['A', 'b.', 'Y', 'J.R.']),
        );
      parts.push(
        ...pick(LAST)
          .split(' ')
          .map((w) => recase(r, w)),
      );
      if (r() < 0.08) parts.push(pick(SUFFIXES));
      let name = parts.join(' ');
      const x = r();
      if (x < 0.1) name = `${parts[parts.length - 1]}, ${parts.slice(0, -1).join(' ')}`;
      else if (x < 0.13) name = `  ${name} `;
      else if (x < 0.15) name = name.replace(' ', '  ');
      else if (x < 0.17) name = `${name}, ${pick(SUFFIXES)}`;
      else if (x < 0.18)
        name = pick([
          'j@x.com',
          'www.x.com',
          'Www.Smith',
          'John WWW.x',
          '123',
          '-',
          'A.',
          "O'",
          'x',
          '.',
          'a - b',
        ]);
      if (/^[A-Za-z .'-]+$/.test(name)) fastShaped += 1;
      return name;
    });
    expect(differences('name', values)).toEqual([]);
    expect(fastShaped).toBeGreaterThan(8_000);
  });
});

describe('name fast path, "Last, First" order', () => {
  it('gives what the general code gives, for generated names around one comma', () => {
    let commaShaped = 0;
    const values = generate(6, 20_000, (r, pick) => {
      const family = pick(LAST)
        .split(' ')
        .map((w) => recase(r, w));
      const given = [recase(r, pick(FIRST))];
      if (r() < 0.3)
        given.push(
          r() < 0.8
            ? `${String.fromCharCode(65 + Math.floor(r() * 26))}.`
            : pick(['A', 'y', 'Y', 'van', 'de']),
        );
      if (r() < 0.05) given.unshift(pick(HONORIFICS));
      if (r() < 0.05) family.unshift(pick(HONORIFICS));
      if (r() < 0.05) given.push(pick(SUFFIXES));
      if (r() < 0.05) family.push(pick(SUFFIXES));
      const x = r();
      const comma = x < 0.7 ? ', ' : x < 0.8 ? ',' : x < 0.85 ? ' , ' : x < 0.9 ? ' ,' : ',  ';
      let name = `${family.join(' ')}${comma}${given.join(' ')}`;
      const y = r();
      if (y < 0.03) name = `${family.join(' ')},`;
      else if (y < 0.06) name = `, ${given.join(' ')}`;
      else if (y < 0.09) name = `${family.join(' ')}, ${pick(SUFFIXES)}`;
      else if (y < 0.12) name = `${name}, ${pick(SUFFIXES)}`;
      else if (y < 0.14) name = `${name},`;
      else if (y < 0.16)
        name = pick(['Www.Smith, John', 'Smith, www.x', ',', ', ,', 'A, B', 'a, b', 'Smith, J.R.']);
      if (/^[A-Za-z .'-]+,[A-Za-z .'-]+$/.test(name)) commaShaped += 1;
      return name;
    });
    expect(differences('name', values)).toEqual([]);
    expect(commaShaped).toBeGreaterThan(10_000);
  });
});

const LOCALS = [
  'jane.doe',
  'j.smith42',
  'JOHN',
  "o'brien",
  'a+tag',
  'x_y',
  '.dot',
  'dot.',
  'a..b',
  '',
  'ça',
  'a b',
  'a"b',
];
const DOMAINS = [
  'example.com',
  'Example.COM',
  'mail.example.co.uk',
  'gmail.com',
  'x.io',
  'a-b.org',
  '-ab.org',
  'ab-.org',
  'example',
  'example.c',
  'example.c0m',
  'exa_mple.com',
  'example..com',
  '.example.com',
  'xn--bcher-kva.de',
  'xn--zzzz.com',
  'xn--.com',
  'example.xn--p1ai',
  'bücher.de',
  'example.com.',
  `${'l'.repeat(63)}.com`,
  `${'l'.repeat(64)}.com`,
  '123.45',
  'ex\u3002com',
];

describe('email fast path', () => {
  it('gives what the general code gives, for generated addresses in many shapes', () => {
    const values = generate(2, 20_000, (r, pick) => {
      let address = `${r() < 0.85 ? pick(LOCALS.slice(0, 6)) : pick(LOCALS)}${r() < 0.5 ? Math.floor(r() * 1000) : ''}@${r() < 0.8 ? pick(DOMAINS.slice(0, 6)) : pick(DOMAINS)}`;
      const x = r();
      if (x < 0.05) address = ` ${address} `;
      else if (x < 0.07) address = `Jane <${address}>`;
      else if (x < 0.09) address = `mailto:${address}?subject=hi`;
      else if (x < 0.1) address = `MAILTO:${address}`;
      else if (x < 0.11) address = address.replace('@', '@@');
      else if (x < 0.12) address = address.replace('@', '');
      else if (x < 0.13) address = `${'a'.repeat(60)}${address}${'.com'.repeat(50)}`;
      else if (x < 0.14) address = pick(['n/a', 'none', '@', 'a@', '@b.com', 'a@b', 'a @b.com']);
      return address;
    });
    expect(differences('email', values)).toEqual([]);
  });
});

/** Dates in many forms (the fast paths' shapes and the ones around them). */
function generatedDates(seed: number, count: number): string[] {
  return generate(seed, count, (r, pick) => {
    const y = pick([1985, 2000, 2024, 1900, 2023, 99, 5, 0, 12345]);
    const m = Math.floor(r() * 14);
    const d = Math.floor(r() * 33);
    const two = (n: number) => String(n).padStart(2, '0');
    const sep = pick(['-', '/', '-', '/', '.', ' ']);
    const form = r();
    if (form < 0.3) return `${y}${sep}${two(m)}${sep}${two(d)}`;
    if (form < 0.4) return `${y}${sep}${m}${sep}${d}`;
    if (form < 0.65) return `${two(m)}${sep}${two(d)}${sep}${y}`;
    if (form < 0.8) return `${m}${sep}${d}${sep}${y}`;
    if (form < 0.83) return `${y}-${two(m)}-${two(d)}T10:00:00Z`;
    if (form < 0.86) return ` ${y}-${two(m)}-${two(d)} `;
    if (form < 0.88) return `${y}${two(m)}${two(d)}`;
    if (form < 0.9) return `${m}/${d}/${y} 10:00 PM`;
    if (form < 0.92) return `${y}-${m}/${d}`;
    if (form < 0.94) return `${y}--${m}-${d}`;
    if (form < 0.96) return `${m}/${d}/${y}/1`;
    if (form < 0.97) return `${y}-00${m}-${d}`;
    if (form < 0.98) return `${y}/${two(m)}/0${two(d)}`;
    return pick([
      '45355',
      '1985',
      'July 4, 1979',
      '4 Jul 1992',
      '',
      '-',
      '/',
      '1/2',
      '2024-02-29',
      '2023-02-29',
      ' 12/3/1985',
      '１２/03/1985',
      '12 / 03 / 1985',
      '03.04.1985.',
      '3\u201304\u20131985',
      'n/a',
      'unknown',
      'Jul 4, 1985',
      '4 July 1985',
      '1985-03-04T00:00:00',
      '1985-03-04t10:00',
      '1985-03-04T1',
      '13/04/1985T10:00',
      '04/13/1985T9 pm',
      '1985-03-04 10:00',
      '1985-03-04Tx',
      '13/04/1985.',
    ]);
  });
}

describe('date fast path', () => {
  it('gives what the general code gives, for generated dates in many forms and every order', () => {
    const values = generatedDates(3, 20_000);
    for (const dateOrder of [undefined, 'MDY', 'DMY', 'YMD'] as const) {
      expect(
        differences('date', values, { phoneRegion: 'US', timeZone: 'UTC', dateOrder }),
      ).toEqual([]);
    }
  });
});

const COMPANY_WORDS = [
  'Brightpath',
  'north',
  'RIVER',
  'Acme',
  'eBay',
  'IBM',
  'KPMG',
  'AT&T',
  'of',
  'the',
  'Müller',
  'St',
  'B2B',
  '3rd',
  'Day',
  'Spa',
  '(Pty)',
  'Smith-Jones',
  "O'Neil",
  'x',
];
const COMPANY_TAILS = [
  'Inc.',
  'inc',
  'INC',
  'LLC',
  'llc',
  'Corp',
  'Corporation',
  'Ltd',
  'Ltd.',
  'ltd.',
  'GmbH',
  'gmbh',
  'B.V.',
  'bv',
  'Group',
  'Holdings',
  '& Co.',
  '& Co. KG',
  'GmbH & Co. KG',
  'Pty Ltd',
  'Co., Ltd.',
  'S.p.A.',
  'SpA',
  'spa',
  'Spa.',
  'AG',
  '&',
  'Ltd,',
  '(Pty)',
  'Co',
];

describe('company fast path', () => {
  it('gives what the general code gives, for generated company names in many shapes', () => {
    let fastShaped = 0;
    const values = generate(4, 20_000, (r, pick) => {
      const words = [recase(r, pick(COMPANY_WORDS))];
      if (r() < 0.5) words.push(recase(r, pick(COMPANY_WORDS)));
      if (r() < 0.7) words.push(r() < 0.8 ? pick(COMPANY_TAILS) : recase(r, pick(COMPANY_TAILS)));
      let name = words.join(' ');
      const x = r();
      if (x < 0.05) name = `  ${name} `;
      else if (x < 0.07) name = name.replace(' ', '  ');
      else if (x < 0.09) name = name.replace(' ', ' , ');
      else if (x < 0.1) name = `${name}\u200b`;
      else if (x < 0.11) name = pick(['-', '&', '.', '123', '1st', 'LLC', 'llc', 'Inc.', 'A & B']);
      if (/^[ -~]+$/.test(name) && /[A-Z]/.test(name) && /[a-z]/.test(name) && !name.includes(','))
        fastShaped += 1;
      return name;
    });
    expect(differences('company', values)).toEqual([]);
    expect(fastShaped).toBeGreaterThan(8_000);
  });
});

describe('plain digits fast path (number, integer, currency, percent)', () => {
  it('gives what the general code gives, for digits and the shapes around them', () => {
    const values = generate(5, 5_000, (r, pick) => {
      const digits = String(Math.floor(r() * 10 ** Math.floor(1 + r() * 12)));
      const x = r();
      if (x < 0.6) return digits;
      if (x < 0.7) return `${'0'.repeat(1 + Math.floor(r() * 3))}${digits}`;
      if (x < 0.75) return pick(['0', '00', '000', '0000000000000000000000001']);
      if (x < 0.8) return ` ${digits} `;
      if (x < 0.85)
        return `${pick(['-', '+', '$', '(', '€'])}${digits}${pick(['', ')', '%', '.0', ',000', 'e3'])}`;
      if (x < 0.9) return `${digits.slice(0, 1)}${pick([',', '.', ' ', "'"])}${digits.slice(1)}`;
      if (x < 0.95) return digits.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
      return pick(['1\u00a0000', '١٢٣', '1e5', '12%', '0.5', '1,5', 'abc', '9'.repeat(400)]);
    });
    for (const type of ['integer', 'number', 'currency', 'percent'] as const) {
      for (const locale of [undefined, 'de', 'en']) {
        expect(differences(type, values, { phoneRegion: 'US', locale })).toEqual([]);
      }
    }
  });
});

describe('date order evidence fast path', () => {
  it('counts what the general code counts, value by value and over the column', () => {
    const values = generatedDates(4, 20_000);
    const one = (v: string) => JSON.stringify(inferDateOrder([v]));
    const slow = withoutFastPaths(() => values.map(one));
    const wrong = values
      .map((v, i) =>
        one(v) === slow[i] ? undefined : `${JSON.stringify(v)}: ${one(v)} vs ${slow[i]}`,
      )
      .filter((d) => d !== undefined);
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(inferDateOrder(values)).toEqual(withoutFastPaths(() => inferDateOrder(values)));
    // Not vacuous: the values give every kind of evidence.
    const { evidence } = inferDateOrder(values);
    expect(Math.min(evidence.DMY, evidence.MDY, evidence.YMD)).toBeGreaterThan(100);
  });
});
