/**
 * The precomposed Latin letters that the fast paths accept beside printable
 * ASCII (Latin-1 Supplement, Latin Extended-A and -B, Latin Extended
 * Additional: é, ñ, ø, ł, ş, ễ, ...), with their case as the general code's
 * Unicode patterns see it. Built once from those same patterns, so the fast
 * paths and the general code cannot disagree on what is a capital.
 *
 * Why they are safe to take without Unicode normalization: each of them is
 * its own NFC form and none composes with a character before or after it
 * (none is a combining mark), so a value made of them and ASCII is already
 * NFC. latin-letters.test.ts checks this for every character and every pair
 * (the only way NFC could change such a value). Left out: İ (U+0130), which
 * name-case.ts lowers specially, and every character that is not a cased
 * letter (×, ÷, ǀ, ...).
 */

/** Case classes, as name-case.ts's patterns read them. */
export const NOT_A_CASED_LETTER = 0;
/** `[\p{Lu}\p{Lt}]`. */
export const CAPITAL = 1;
/** `\p{Ll}`. */
export const SMALL = 2;

const RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x00c0, 0x024f],
  [0x1e00, 0x1eff],
];
const TABLE_END = 0x1f00;

const CASES = (() => {
  const table = new Uint8Array(TABLE_END);
  for (let code = 0x41; code <= 0x5a; code++) table[code] = CAPITAL;
  for (let code = 0x61; code <= 0x7a; code++) table[code] = SMALL;
  const capital = /^[\p{Lu}\p{Lt}]$/u;
  const small = /^\p{Ll}$/u;
  for (const [from, to] of RANGES) {
    for (let code = from; code <= to; code++) {
      const ch = String.fromCharCode(code);
      if (code === 0x0130 || ch.normalize('NFC') !== ch) continue;
      if (capital.test(ch)) table[code] = CAPITAL;
      else if (small.test(ch)) table[code] = SMALL;
    }
  }
  return table;
})();

/** CAPITAL or SMALL for an ASCII letter or an accepted Latin letter; NOT_A_CASED_LETTER for anything else. */
export function letterCase(code: number): number {
  return code < TABLE_END ? CASES[code]! : NOT_A_CASED_LETTER;
}

/** True for the accepted Latin letters beyond ASCII (see above). */
export function isLatinLetter(code: number): boolean {
  return code >= 0x80 && code < TABLE_END && CASES[code] !== NOT_A_CASED_LETTER;
}
