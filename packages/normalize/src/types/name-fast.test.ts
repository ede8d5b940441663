/**
 * Differential test of the name fast path beyond ASCII (name-fast.ts with
 * cleanLatin's letters) and of its lower-case particles: generated names
 * with accented Latin letters in every case, particles, initials, commas,
 * honorifics and suffixes, and the values around them that it must leave
 * to the general code (combining marks, İ, ß and ẞ, titlecase digraphs,
 * other scripts, odd spacing), normalized with the fast paths on and off.
 */
import { describe, expect, it } from 'vitest';
import { differences, generate, recase } from '../fast-path-test-helpers.ts';
import { fastName } from './name-fast.ts';

const FIRST = [
  'José',
  'Seán',
  'Zoë',
  'Björn',
  'Chloé',
  'François',
  'Jürgen',
  'Siobhán',
  'Łukasz',
  'Đorđe',
  'Ærøskøbing',
  'Øyvind',
  'Ömer',
  'Şükrü',
  'Ngọc',
  'ÉMILE',
  'élodie',
  'Jane',
  'Min-jun',
  'Anne-Marie',
  'Ó',
  'É',
  'Dž',
  'ǅan',
  'Straße',
  'ẞTRASSE',
  'İlker',
  'ılgaz',
  'ŉa',
  'Jose\u0301',
  'Иван',
  '李',
  'Ĳsbrand',
];
const LAST = [
  'Novák',
  'Müller',
  'Lefèvre',
  'García López',
  'Nguyễn',
  'Østergaard',
  'Wiśniewski',
  'Horváth',
  'van der Berg',
  'de la Cruz',
  'de Vries',
  'van Dijk',
  'Ortega y Gasset',
  'da Silva',
  'dos Santos',
  'DEL Río',
  'MacLeod',
  'Mcdonald',
  'mcñeil',
  "O'Brien",
  'Le',
  'Van',
  'Y',
  'Smith-Jones',
  'Müller-Lüdenscheidt',
  'Şahin',
  'Çelik',
  'Ǆukić',
  'Петров',
];
const HONORIFICS = ['Dr.', 'dr', 'Señor', 'Mrs.', 'Prof.'];
const SUFFIXES = ['Jr.', 'jr', 'III', 'VI', 'PhD', '3rd', 'Esq.'];
const INITIALS = ['A.', 'É.', 'Ø.', 'é.', 'Ł', 'ø', 'Y', 'y'];

function names(seed: number, count: number): string[] {
  return generate(seed, count, (r, pick) => {
    const given = [recase(r, pick(FIRST))];
    if (r() < 0.25) given.push(r() < 0.7 ? pick(INITIALS) : recase(r, pick(FIRST)));
    const family = pick(LAST)
      .split(' ')
      .map((w) => recase(r, w));
    if (r() < 0.05) given.unshift(pick(HONORIFICS));
    if (r() < 0.05) family.push(pick(SUFFIXES));
    const x = r();
    let name =
      x < 0.6
        ? [...given, ...family].join(' ')
        : x < 0.85
          ? `${family.join(' ')}, ${given.join(' ')}`
          : x < 0.9
            ? ` ${[...given, ...family].join(' ')}\t`
            : x < 0.93
              ? [...given, ...family].join('  ')
              : x < 0.96
                ? `${family.join(' ')} ,${given.join(' ')}`
                : pick(['é', 'É.', 'www.é.com', 'éwww.x', 'é@x.com', ',é', 'é,', 'a, b, é', '-é-']);
    if (r() < 0.03) name = name.normalize('NFD');
    return name;
  });
}

describe('name fast path, Latin letters beyond ASCII', () => {
  it('gives what the general code gives, for generated names', () => {
    const values = names(11, 30_000);
    expect(differences('name', values)).toEqual([]);
    // Not vacuous: most of the accented names took the fast path.
    const accentedFast = values.filter((v) => /[^ -~]/.test(v.trim()) && fastName(v) !== undefined);
    expect(accentedFast.length).toBeGreaterThan(10_000);
  });

  it.each([
    ['Paul Novák', 'Paul Novák'],
    ['BJÖRN JORDAN', 'Björn Jordan'],
    [' zoë hunt ', 'Zoë Hunt'],
    ['Novák, Kevin', 'Kevin Novák'],
    ['Betty DE LA Cruz', 'Betty de la Cruz'],
    ['van der Berg, Christina', 'Christina van der Berg'],
    ['ÉMILE ZOLA', 'Émile Zola'],
    // A capital is kept as written: ẞ lowers to ß, whose capital is SS.
    ['ẞTRASSE', 'ẞtrasse'],
    // A small first letter takes its capital, whatever its length: ŉ -> ʼN.
    ['ŉa', 'ʼNa'],
  ])('takes %j to %j', (raw, value) => {
    expect(fastName(raw)).toBe(value);
    expect(differences('name', [raw])).toEqual([]);
  });

  it.each(['Jose\u0301 Smith', 'İlker Kaya', 'Иван Петров', 'John y Smith', 'MCÑEIL', 'Ó Briain'])(
    'leaves %j to the general code',
    (raw) => {
      expect(fastName(raw)).toBeUndefined();
      expect(differences('name', [raw])).toEqual([]);
    },
  );
});
