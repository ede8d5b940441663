/**
 * Differential tests of the normalizers' fast paths: many generated values
 * per type, in the shapes contact exports have (the common ones the fast
 * paths take, and the ones around them that they must leave to the general
 * code), each normalized with the fast paths on and off (withoutFastPaths).
 * The results (value, or error code and message) must be identical. Each
 * test also checks that the fast path took a good share of its values, so
 * the comparison is not vacuous. The phone fast path has its own test
 * against libphonenumber (types/phone-fast.test.ts); company and plain-digit
 * numbers are in company-number-fast.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { differences, generate, recase } from './fast-path-test-helpers.ts';
import { withoutFastPaths } from './fast-paths.ts';
import { inferDateOrder } from './types/date.ts';

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
