/**
 * The proof behind cleanLatin and the name fast path: values made of printable
 * ASCII, ASCII whitespace and the Latin letters of latin-letters.ts are
 * already NFC, and their case classes are those of the general code's
 * patterns. NFC changes a value only by decomposing a character that is not
 * its own NFC form, or by composing a character with the one before it; with
 * every character its own NFC form and no pair composing, no value of them
 * can change.
 */
import { describe, expect, it } from 'vitest';
import { cleanLatin, cleanText } from './clean-text.ts';
import { CAPITAL, isLatinLetter, letterCase, NOT_A_CASED_LETTER, SMALL } from './latin-letters.ts';

const accepted: string[] = [];
for (let code = 0x80; code < 0x10000; code++) {
  if (isLatinLetter(code)) accepted.push(String.fromCharCode(code));
}
const ascii = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));
const alphabet = [...ascii, '\t', '\n', '\u000b', '\f', '\r', ...accepted];

describe('latin letters', () => {
  it('are many precomposed letters, none of them İ', () => {
    expect(accepted.length).toBeGreaterThan(500);
    expect(accepted).toContain('é');
    expect(accepted).toContain('ễ');
    expect(accepted).not.toContain('\u0130');
    expect(accepted).not.toContain('×');
  });

  it('are each their own NFC form, cased letters, neither whitespace nor ignorable', () => {
    for (const ch of accepted) {
      expect(ch.normalize('NFC'), ch).toBe(ch);
      expect(/^[\p{Lu}\p{Lt}\p{Ll}]$/u.test(ch), ch).toBe(true);
      expect(cleanText(`a${ch}b`), ch).toBe(`a${ch}b`);
    }
  });

  it('never compose with a neighbour: every pair with ASCII or each other is NFC', () => {
    const wrong: string[] = [];
    for (const a of alphabet) {
      for (const b of alphabet) {
        const pair = a + b;
        if (pair.normalize('NFC') !== pair && wrong.length < 10) wrong.push(JSON.stringify(pair));
      }
    }
    expect(wrong).toEqual([]);
  });

  it('have the case classes of the general patterns', () => {
    for (let code = 0; code < 0x10000; code++) {
      const ch = String.fromCharCode(code);
      const kind = letterCase(code);
      if (kind === NOT_A_CASED_LETTER) continue;
      expect(kind === CAPITAL, ch).toBe(/^[\p{Lu}\p{Lt}]$/u.test(ch));
      expect(kind === SMALL, ch).toBe(/^\p{Ll}$/u.test(ch));
    }
  });
});

/** cleanText as specified, without its fast paths (as in clean-ascii.test.ts). */
const IGNORABLE = new RegExp(
  '[\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u00AD\\u061C\\u180E' +
    '\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2064\\u2066-\\u206F\\uFEFF]',
  'g',
);
const reference = (raw: string) =>
  raw
    .replace(IGNORABLE, '')
    .normalize('NFC')
    .replace(/[\s\u0085]+/g, ' ')
    .trim();

describe('cleanText fast path for Latin letters (cleanLatin)', () => {
  it('equals the full cleaning on generated values around its characters', () => {
    // Its characters, and ones next to them that it must leave alone.
    const around = [
      'e\u0301',
      '\u0301',
      '\u0130',
      '\u00a0',
      '\u00ad',
      '\u00b5',
      '\u00d7',
      '\u0250',
      '\u1dff',
      '\u1f00',
      '\u0410',
      '\u4e2d',
      '\u200b',
      '\u3000',
      '\u{1f600}',
    ];
    let seed = 7;
    const next = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 4294967296;
    };
    let fast = 0;
    for (let n = 0; n < 100_000; n++) {
      let value = '';
      const length = Math.floor(next() * 10);
      for (let i = 0; i < length; i++) {
        const x = next();
        value +=
          x < 0.5
            ? alphabet[Math.floor(next() * 100)]
            : x < 0.9
              ? accepted[Math.floor(next() * accepted.length)]
              : around[Math.floor(next() * around.length)];
      }
      const cleaned = cleanLatin(value);
      if (cleaned !== undefined) {
        fast += 1;
        expect(cleaned, JSON.stringify(value)).toBe(reference(value));
      }
      expect(cleanText(value), JSON.stringify(value)).toBe(reference(value));
    }
    expect(fast).toBeGreaterThan(20_000);
    expect(fast).toBeLessThan(90_000);
  });

  it.each(['José', '  Müller ', '\tNguyễn Văn\r\n', 'ŁÓDŹ'])('takes %j', (raw) => {
    expect(cleanLatin(raw)).toBe(reference(raw));
  });

  it.each(['Jose\u0301', 'a  é', 'İstanbul', 'Иван', 'é\u00a0x', 'µ'])('leaves %j', (raw) => {
    expect(cleanLatin(raw)).toBeUndefined();
  });
});
