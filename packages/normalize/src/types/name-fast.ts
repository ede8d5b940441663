import { cleanAscii } from '../clean-text.ts';
import { honorific, suffixOf } from './name-affixes.ts';
import { needsRecase } from './name-case.ts';
import { MAC_NAMES, PARTICLES } from './name-data.ts';

/**
 * `A.`: caseWords leaves it as it is (properCaseWord keeps the capital, no
 * particle ends in a period, and it already has its period).
 */
const isInitial = (word: string) =>
  word.length === 2 &&
  word.charCodeAt(1) === 0x2e &&
  word.charCodeAt(0) >= 0x41 &&
  word.charCodeAt(0) <= 0x5a;

/** What name.ts's URL_LIKE finds in a value of the fast path's characters (no `:`). */
const WWW = /\bwww\./i;

/** A to Z or a to z. */
const isAsciiLetter = (code: number) => (code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a;

/**
 * The most common names, answered without parse(): printable ASCII
 * (cleanAscii) of letters, spaces, `.`, `'` and `-` and at most one comma
 * (so no `@` or `://`), with a letter; without a comma the first word no
 * honorific and the last no suffix (so parse() takes nothing off and
 * reorders nothing), with one the same for both parts of `Last, First`
 * (lastFirst: parse() only puts the given names first). Each word is
 * then what caseWords makes of it: kept when it needs no re-casing
 * (needsRecase: mixed case, `Jane`, `McDonald`) or is an initial `A.`;
 * re-cased when it is plain letters with no special rule
 * (recasedPlainWord: `SMITH`, `jane` -> `Smith`, `Jane`); any other word
 * sends the whole name to the general code. Undefined for every other value.
 */
export function fastName(raw: string): string | undefined {
  const cleaned = cleanAscii(raw);
  if (cleaned === undefined || cleaned === '') return undefined;
  let letters = false;
  let hasLowerCase = false;
  let comma = -1;
  for (let i = 0; i < cleaned.length; i++) {
    const code = cleaned.charCodeAt(i);
    if (isAsciiLetter(code)) {
      letters = true;
      if (code >= 0x61) hasLowerCase = true;
    } else if (code === 0x2c && comma === -1) {
      comma = i;
    } else if (code !== 0x20 && code !== 0x2e && code !== 0x27 && code !== 0x2d) {
      return undefined;
    }
  }
  // `www.` in any case: the general code calls it a web address.
  if (!letters || WWW.test(cleaned)) return undefined;
  const words =
    comma === -1 ? plainOrder(cleaned, hasLowerCase) : lastFirst(cleaned, comma, hasLowerCase);
  if (words === undefined) return undefined;
  let out = '';
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    let cased = word;
    if (!isInitial(word) && needsRecase(word)) {
      const inside = index > 0 && index < words.length - 1;
      cased = recasedPlainWord(word, inside) ?? '';
      if (cased === '') return undefined;
    }
    out = index === 0 ? cased : `${out} ${cased}`;
  }
  return out;
}

/**
 * The words of a name without a comma, when parse() keeps them all in their
 * order: the first no honorific and the last no suffix.
 */
function plainOrder(cleaned: string, hasLowerCase: boolean): string[] | undefined {
  const words = cleaned.split(' ');
  if (words.length > 1) {
    if (honorific(words[0]!) !== undefined) return undefined;
    if (suffixOf(words[words.length - 1]!, hasLowerCase) !== undefined) return undefined;
  }
  return words;
}

/**
 * The words of `Last, First Middle` (one comma) in parse()'s order, given
 * names first, when parse() takes nothing off: both parts have words, the
 * first word of each is no honorific and the last no suffix (so the part
 * after the comma is not a run of suffixes either, as in `Smith, Jr.`).
 */
function lastFirst(cleaned: string, comma: number, hasLowerCase: boolean): string[] | undefined {
  const family = cleaned.slice(0, comma).trim();
  const given = cleaned.slice(comma + 1).trim();
  if (family === '' || given === '') return undefined;
  const familyWords = family.split(' ');
  const givenWords = given.split(' ');
  for (const part of [familyWords, givenWords]) {
    if (honorific(part[0]!) !== undefined) return undefined;
    if (suffixOf(part[part.length - 1]!, hasLowerCase) !== undefined) return undefined;
  }
  return givenWords.concat(familyWords);
}

/**
 * caseWords' answer for a word of two or more ASCII letters (nothing else)
 * that needs re-casing, when it is the plain one: capital first, the rest in
 * lower case (caseRun without an apostrophe). Undefined when another rule
 * may apply: a particle or `y` inside the name (kept in lower case), Mc or
 * Mac names (a second capital).
 */
function recasedPlainWord(word: string, inside: boolean): string | undefined {
  if (word.length < 2) return undefined;
  for (let i = 0; i < word.length; i++) if (!isAsciiLetter(word.charCodeAt(i))) return undefined;
  const low = word.toLowerCase();
  if (inside && (PARTICLES.has(low) || low === 'y')) return undefined;
  if ((low.startsWith('mc') && low.length > 3) || MAC_NAMES.has(low)) return undefined;
  return low.charAt(0).toUpperCase() + low.slice(1);
}
