import { describe, expect, it } from 'vitest';
import { cleanAscii, cleanText } from './clean-text.ts';

/** cleanText as specified, without its fast path: the reference the fast path must equal. */
const IGNORABLE = new RegExp(
  '[\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u00AD\\u061C\\u180E' +
    '\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2064\\u2066-\\u206F\\uFEFF]',
  'g',
);
const WHITESPACE_RUN = /[\s\u0085]+/g;
const reference = (raw: string) =>
  raw.replace(IGNORABLE, '').normalize('NFC').replace(WHITESPACE_RUN, ' ').trim();

/** Characters near every boundary of the fast path, and a few that NFC or the cleaning change. */
const ALPHABET = [
  ...'aZ09.@-,"\'()+=~',
  ' ',
  '\t',
  '\n',
  '\u000b',
  '\f',
  '\r',
  '\u0000',
  '\u0008',
  '\u000e',
  '\u001c',
  '\u001f',
  '\u007f',
  '\u0080',
  '\u0085',
  '\u00a0',
  '\u00ad',
  '\u00e9',
  'e\u0301',
  '\u0301',
  '\u1100\u1161',
  '\u200b',
  '\u2003',
  '\u2028',
  '\u3000',
  '\ufeff',
  '\uff21',
  '\u212b',
  '\u{1f600}',
];

function sequence(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

describe('cleanText fast path (cleanAscii)', () => {
  it('equals the full cleaning on 200,000 generated values', () => {
    const next = sequence(42);
    let fast = 0;
    for (let n = 0; n < 200_000; n++) {
      const length = Math.floor(next() * 12);
      // Mostly printable ASCII, like real cells, with the odd special character.
      let value = '';
      for (let i = 0; i < length; i++) {
        value +=
          next() < 0.8
            ? ALPHABET[Math.floor(next() * 16)]
            : ALPHABET[Math.floor(next() * ALPHABET.length)];
      }
      if (cleanAscii(value) !== undefined) fast += 1;
      expect(cleanText(value), JSON.stringify(value)).toBe(reference(value));
    }
    // Both paths were exercised.
    expect(fast).toBeGreaterThan(20_000);
    expect(fast).toBeLessThan(190_000);
  });

  it.each([
    ['', ''],
    ['Acme Corp', 'Acme Corp'],
    ['  Jane.Doe@Gmail.COM ', 'Jane.Doe@Gmail.COM'],
    ['\t\r\n x \u000b\f', 'x'],
    [' \t ', ''],
  ])('takes %j to %j without the full cleaning', (raw, cleaned) => {
    expect(cleanAscii(raw)).toBe(cleaned);
    expect(reference(raw)).toBe(cleaned);
  });

  it.each([
    'a  b',
    'a\tb',
    'a\nb',
    'caf\u00e9',
    'Acme\u200b Corp',
    '\u00a0x',
    'x\u0085',
    'a\u007fb',
    'a\u001fb',
  ])('leaves %j to the full cleaning', (raw) => {
    expect(cleanAscii(raw)).toBeUndefined();
  });
});
