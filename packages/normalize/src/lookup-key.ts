/**
 * The comparable form of place names (countries, regions) for table lookups:
 * case, accents, punctuation and spacing do not count.
 */

/** Latin letters that Unicode decomposition leaves alone, spelled as their base letters. */
const FOLDED: Readonly<Record<string, string>> = {
  ß: 'ss',
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
  ŧ: 't',
  ŀ: 'l',
};
const FOLDABLE = /[ßøæœłđðþıħŧŀ]/g;
/**
 * Combining marks that are accents: on Latin, Greek and Cyrillic letters
 * (`é`, `ñ`, `ő`, Vietnamese tones, `й`), Hebrew points and Arabic vowel
 * signs. Marks that are part of a script's spelling (Devanagari and Thai
 * vowel signs, kana voicing marks) are kept: `ドイツ` is not `トイツ`.
 */
const MARKS =
  /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u064b-\u065f\u0670]/g;
const AMPERSAND = /&/g;
/** Anything but letters, digits and the marks that are kept. */
const SEPARATORS = /[^\p{L}\p{N}\p{M}]+/u;

/**
 * The words of a value, for lookups: lower case, compatibility forms unfolded
 * (full-width letters), diacritics dropped (`Québec` -> `quebec`, `Türkiye`,
 * `TÜRKİYE` -> `turkiye`, `Øster` -> `oster`), split at anything that is not
 * a letter, digit or kept mark (apostrophes, dots, hyphens, commas), `&` read
 * as `and`.
 * Linear in the input; callers cap the input length.
 */
export function lookupWords(value: string): string[] {
  const folded = value
    .toLowerCase()
    .normalize('NFKD')
    .replace(MARKS, '')
    .replace(FOLDABLE, (ch) => FOLDED[ch] ?? ch)
    .replace(AMPERSAND, ' and ');
  return folded.split(SEPARATORS).filter((word) => word !== '');
}

/** English words that names are written with or without: "The Bahamas", "Bosnia & Herzegovina". */
const NOISE_WORDS: ReadonlySet<string> = new Set(['the', 'of', 'and']);

/** Joins words into a lookup key, leaving out the noise words (the, of, and). */
export function joinKey(words: readonly string[]): string {
  let key = '';
  for (const word of words) if (!NOISE_WORDS.has(word)) key += word;
  return key;
}
