import { describe, expect, it } from 'vitest';
import { withoutFastPaths } from '../fast-paths.ts';
import { dateOrderProof } from './date.ts';
import { dateOrderProofBytes } from './date-order-bytes.ts';
import { decimalEvidence, decimalEvidenceBytes } from './number-evidence.ts';

/** The value's UTF-8 bytes inside other bytes (the reader hands over a range of a chunk). */
function inChunk(value: string): { bytes: Uint8Array; start: number; end: number } {
  const before = Buffer.from('7,"x",');
  const bytes = Buffer.concat([before, Buffer.from(value, 'utf8'), Buffer.from(',9\r\n')]);
  return { bytes, start: before.length, end: bytes.length - 4 };
}

/** Seeded PRNG (mulberry32), so a failing case can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SHAPES = [
  '12/16/1981',
  '16/12/1981',
  '03/04/2024',
  '25.03.2024',
  '03.25.2024',
  '1990-07-04',
  '1990-07-04T10:00:00Z',
  '1990-07-04T10',
  '12/25/1970 10:00 PM',
  '12/25/1970 10 pm',
  '4 April 1980',
  '12/25/1970 10 p.m.',
  '12/25/1970 10 P.M',
  '3/4/2020 am',
  '3/4/2020am',
  '3/4/2020 10am',
  '3 Mar 2020 10:00',
  '14 October 1948',
  'Mar 26, 1993',
  '  03/04/2024  ',
  '03 / 04 / 2024',
  '03  04 2024',
  '3-4-24',
  '45/12/99',
  '13/13/2020',
  '1981.12.16.',
  '19811216',
  '45355',
  '12‐25‐1970',
  '０３/04/2024',
  '03/04/2024\t',
  '',
  '   ',
  'n/a',
  'Zoë',
];

describe('dateOrderProofBytes', () => {
  it.each(SHAPES)('%j: the same proof as dateOrderProof', (value) => {
    const { bytes, start, end } = inChunk(value);
    expect(dateOrderProofBytes(bytes, start, end)).toBe(dateOrderProof(value));
  });

  it('agrees with dateOrderProof (and with it without fast paths) on 20,000 random values', () => {
    const PARTS = [
      '1',
      '2',
      '3',
      '0',
      '9',
      '12',
      '31',
      '1999',
      '/',
      '/',
      '.',
      '-',
      ' ',
      '  ',
      'T',
      'a',
      'p',
      'm',
      'M',
      ':',
      ',',
      'é',
      '\t',
      'x',
    ];
    const random = rng(5);
    for (let round = 0; round < 20_000; round++) {
      const length = Math.floor(random() * 9);
      const value = Array.from({ length }, () => PARTS[Math.floor(random() * PARTS.length)]).join(
        '',
      );
      const { bytes, start, end } = inChunk(value);
      const expected = dateOrderProof(value);
      expect(dateOrderProofBytes(bytes, start, end), JSON.stringify(value)).toBe(expected);
      expect(withoutFastPaths(() => dateOrderProofBytes(bytes, start, end))).toBe(expected);
    }
  });
});

describe('decimalEvidenceBytes', () => {
  it('agrees with decimalEvidence on 20,000 random values', () => {
    const PARTS = ['1', '0', '12', '234', '.', ',', ',', '.', ' ', '€', '$', '-', 'é', 'x'];
    const random = rng(9);
    for (let round = 0; round < 20_000; round++) {
      const length = Math.floor(random() * 8);
      const value = Array.from({ length }, () => PARTS[Math.floor(random() * PARTS.length)]).join(
        '',
      );
      const { bytes, start, end } = inChunk(value);
      expect(decimalEvidenceBytes(bytes, start, end), JSON.stringify(value)).toBe(
        decimalEvidence(value),
      );
    }
  });
});
