import { describe, expect, it } from 'vitest';
import { needsRecase } from './name-case.ts';

/** needsRecase with the Unicode-aware patterns for every character (no ASCII shortcut). */
const UPPER = /^[\p{Lu}\p{Lt}]$/u;
const LOWER = /^\p{Ll}$/u;
function reference(word: string): boolean {
  let upper = 0;
  let lower = 0;
  for (const ch of word) {
    if (UPPER.test(ch)) upper += 1;
    else if (LOWER.test(ch)) lower += 1;
  }
  return upper === 0 || upper > lower;
}

describe('needsRecase ASCII shortcut', () => {
  it('counts every character of the Basic Multilingual Plane as the Unicode patterns do', () => {
    // Each character next to a capital and a lower-case letter, so its class decides the answer.
    for (let code = 0; code <= 0xffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const ch = String.fromCharCode(code);
      for (const word of [ch, `A${ch}`, `a${ch}`, `Ab${ch}`, `aB${ch}`]) {
        if (needsRecase(word) !== reference(word)) {
          expect.fail(`needsRecase(${JSON.stringify(word)}) differs (U+${code.toString(16)})`);
        }
      }
    }
  });

  it.each([
    'McDONALD',
    'mcdonald',
    'DeVito',
    'ÉLODIE',
    'élodie',
    'Ørsted',
    'İSTANBUL',
    '𝐀𝐁c',
    "o'brien",
  ])('agrees on %j', (word) => {
    expect(needsRecase(word)).toBe(reference(word));
  });
});
