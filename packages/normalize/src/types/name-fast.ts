import { cleanLatin } from '../clean-text.ts';
import { CAPITAL, letterCase, NOT_A_CASED_LETTER, SMALL } from '../latin-letters.ts';
import { honorific, suffixOf } from './name-affixes.ts';
import { MAC_NAMES, PARTICLES } from './name-data.ts';

/**
 * `A.`, `É.`: caseWords leaves it as it is (properCaseWord keeps a capital
 * as written, no particle ends in a period, and it already has its period).
 */
const isInitial = (word: string) =>
  word.length === 2 && word.charCodeAt(1) === 0x2e && letterCase(word.charCodeAt(0)) === CAPITAL;

/** What name.ts's URL_LIKE finds in a value of the fast path's characters (no `:`). */
const WWW = /\bwww\./i;

/**
 * The most common names, answered without parse(): cleanLatin's characters
 * (printable ASCII and precomposed Latin letters, so no cleaning beyond the
 * ends) of letters, spaces, `.`, `'` and `-` and at most one comma (so no
 * `@` or `://`), with a letter; without a comma the first word no
 * honorific and the last no suffix (so parse() takes nothing off and
 * reorders nothing), with one the same for both parts of `Last, First`
 * (lastFirst: parse() only puts the given names first). Each word is
 * then what caseWords makes of it: kept when it needs no re-casing (mixed
 * case: `Jane`, `McDonald`, `José`) or is an initial `A.`; re-cased when it
 * is plain letters with no special rule (recasedPlainWord: `SMITH`,
 * `jane`, `MÜLLER` -> `Smith`, `Jane`, `Müller`); a particle inside the
 * name in lower case (`van`, `DE` -> `de`); any other word sends the whole
 * name to the general code. Undefined for every other value.
 */
export function fastName(raw: string): string | undefined {
  const cleaned = cleanLatin(raw);
  if (cleaned === undefined || cleaned === '') return undefined;
  let letters = false;
  let hasLowerCase = false;
  let dot = false;
  let comma = -1;
  // Per word (between spaces): its capitals and small letters, whether any
  // word needs re-casing (needsRecase, initials aside), where the first ends
  // and the last starts.
  let capitals = 0;
  let smalls = 0;
  let wordStart = 0;
  let firstEnd = -1;
  let recase = false;
  for (let i = 0; i <= cleaned.length; i++) {
    const code = i === cleaned.length ? 0x20 : cleaned.charCodeAt(i);
    const kind = letterCase(code);
    if (kind !== NOT_A_CASED_LETTER) {
      letters = true;
      if (kind === SMALL) {
        hasLowerCase = true;
        smalls += 1;
      } else {
        capitals += 1;
      }
    } else if (code === 0x20) {
      if (!recase && (capitals === 0 || capitals > smalls)) {
        recase = !(i - wordStart === 2 && capitals === 1 && cleaned.charCodeAt(i - 1) === 0x2e);
      }
      if (firstEnd === -1) firstEnd = i;
      capitals = 0;
      smalls = 0;
      wordStart = i + 1;
    } else if (code === 0x2c && comma === -1) {
      comma = i;
    } else if (code === 0x2e) {
      dot = true;
    } else if (code !== 0x27 && code !== 0x2d) {
      return undefined;
    }
  }
  // `www.` in any case (it needs a period): the general code calls it a web address.
  if (!letters || (dot && WWW.test(cleaned))) return undefined;
  if (comma === -1 && !recase) {
    // Every word stays as written (`Jane Smith`, `Carolyn O. Bailey`): the
    // name is the cleaned value, unless plainOrder would refuse it.
    if (firstEnd === cleaned.length) return cleaned;
    const lastStart = cleaned.lastIndexOf(' ') + 1;
    if (honorific(cleaned.slice(0, firstEnd)) !== undefined) return undefined;
    if (suffixOf(cleaned.slice(lastStart), hasLowerCase) !== undefined) return undefined;
    return cleaned;
  }
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
 * name-case.ts's needsRecase for a word of the fast path's characters: no
 * capital, or more capitals than small letters (the same classes, from
 * latin-letters.ts, without a pattern per character).
 */
function needsRecase(word: string): boolean {
  let capitals = 0;
  let smalls = 0;
  for (let i = 0; i < word.length; i++) {
    const kind = letterCase(word.charCodeAt(i));
    if (kind === CAPITAL) capitals += 1;
    else if (kind === SMALL) smalls += 1;
  }
  return capitals === 0 || capitals > smalls;
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
 * caseWords' answer for a word of two or more letters (nothing else) that
 * needs re-casing, when no rule beyond the plain one applies: a particle
 * inside the name stays in lower case (`van`, `DE` -> `de`); otherwise the
 * first letter a capital (kept as written when it is one, as upperAt does)
 * and the rest in lower case (caseRun without an apostrophe). Undefined
 * when another rule may apply: Mc or Mac names (a second capital), or a
 * word whose lower case has another length (caseRun then keeps it in lower
 * case). `y` inside a name is one letter: never taken here.
 */
function recasedPlainWord(word: string, inside: boolean): string | undefined {
  if (word.length < 2) return undefined;
  for (let i = 0; i < word.length; i++) {
    if (letterCase(word.charCodeAt(i)) === NOT_A_CASED_LETTER) return undefined;
  }
  // name-case.ts's lower() only differs for İ, which latin-letters.ts leaves out.
  const low = word.toLowerCase();
  if (low.length !== word.length) return undefined;
  if (inside && PARTICLES.has(low)) return low;
  if ((low.startsWith('mc') && low.length > 3) || MAC_NAMES.has(low)) return undefined;
  const head =
    letterCase(word.charCodeAt(0)) === CAPITAL ? word.charAt(0) : low.charAt(0).toUpperCase();
  return head + low.slice(1);
}
