/**
 * Proper case for the words of names (person names here, company names in
 * company.ts): which words are re-cased, and how (Mc/Mac/O', hyphenated
 * parts).
 */
import { MAC_NAMES } from './name-data.ts';

// Every pattern below is a single character class, a fixed literal or an
// anchored pattern of bounded length: linear time whatever the input length.
const LETTER = /\p{L}/u;
const UPPER = /^[\p{Lu}\p{Lt}]$/u;
const LOWER = /^\p{Ll}$/u;
/** Letters, marks, digits and apostrophes: the runs of a word that are cased as one. */
const WORD_RUN = /[\p{L}\p{M}\p{N}'\u2019\u02BC]+/gu;
const APOSTROPHE = /['\u2019\u02BC]/;
const DIGIT_START = /^\p{N}/u;
const MC = /^mc\p{L}\p{L}/u;
/** One letter, an apostrophe, a letter: O'Brien, D'Angelo, N'Dour. */
const LETTER_APOSTROPHE = /^\p{L}['\u2019\u02BC]\p{L}/u;

/** Lower case; capital dotted I (Turkish) becomes a plain i instead of i + combining dot. */
export function lower(s: string): string {
  // Most words have no İ: no pattern to run over them.
  return s.includes('\u0130') ? s.replace(/\u0130/g, 'i').toLowerCase() : s.toLowerCase();
}

/**
 * `lowered` with the character at `at` in upper case, or as written in
 * `original` when it already was a capital there (keeps `İ`).
 */
function upperAt(lowered: string, original: string, at: number): string {
  const code = lowered.codePointAt(at);
  if (code === undefined) return lowered;
  const ch = String.fromCodePoint(code);
  const written = original.slice(at, at + ch.length);
  const upper = UPPER.test(written) ? written : ch.toUpperCase();
  return lowered.slice(0, at) + upper + lowered.slice(at + ch.length);
}

/** Proper case for one run of letters (with apostrophes and digits). */
function caseRun(run: string): string {
  const low = lower(run);
  // 21st, 3rd: a run that starts with a digit stays in lower case.
  if (DIGIT_START.test(low) || low.length !== run.length) return low;
  const start = low.search(LETTER);
  if (start < 0) return low;
  const word = low.slice(start);
  let out = upperAt(low, run, start);
  if (LETTER_APOSTROPHE.test(word)) {
    out = upperAt(out, run, start + word.search(APOSTROPHE) + 1);
  } else if (MC.test(word) || MAC_NAMES.has(word)) {
    out = upperAt(out, run, start + (word.startsWith('mc') ? 2 : 3));
  }
  return out;
}

/**
 * Proper case for one word written all in lower case or in capitals: every
 * part between hyphens, periods and other punctuation gets a capital
 * (`garcía-lópez` -> `García-López`, `j.r.r.` -> `J.R.R.`), with the
 * Mc/Mac/O' rules (`MCDONALD` -> `McDonald`, `macleod` -> `MacLeod`,
 * `o'brien` -> `O'Brien`; Mac only for known names).
 */
export function properCaseWord(word: string): string {
  return word.replace(WORD_RUN, caseRun);
}

/**
 * True when a word is written all in lower case or mostly in capitals, the
 * words that are re-cased; mixed case (`DeVito`, `Min-jun`, `McDonald`,
 * `Van`) is kept as written.
 */
export function needsRecase(word: string): boolean {
  let upper = 0;
  let lowerCount = 0;
  // ASCII words (most of them) by index, without iterating code points.
  let ascii = true;
  for (let i = 0; i < word.length; i++) {
    const code = word.charCodeAt(i);
    if (code >= 0x41 && code <= 0x5a) upper += 1;
    else if (code >= 0x61 && code <= 0x7a) lowerCount += 1;
    else if (code >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return upper === 0 || upper > lowerCount;
  upper = 0;
  lowerCount = 0;
  for (const ch of word) {
    const code = ch.charCodeAt(0);
    // ASCII without the Unicode-aware patterns: A-Z are its only capitals, a-z its only lower case.
    if (code < 0x80) {
      if (code >= 0x41 && code <= 0x5a) upper += 1;
      else if (code >= 0x61 && code <= 0x7a) lowerCount += 1;
    } else if (UPPER.test(ch)) upper += 1;
    else if (LOWER.test(ch)) lowerCount += 1;
  }
  return upper === 0 || upper > lowerCount;
}
