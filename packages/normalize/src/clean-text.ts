import { isLatinLetter } from './latin-letters.ts';

/**
 * Characters that carry no visible content and are dropped from every value:
 * C0/C1 control characters other than the whitespace ones (tab, line feed,
 * vertical tab, form feed, carriage return, next line), the soft hyphen,
 * zero-width space / non-joiner / joiner, word joiner and invisible
 * operators, the byte order mark / zero-width no-break space, the Mongolian
 * vowel separator and the bidirectional marks, embeddings, overrides and
 * isolates (including deprecated format characters U+206A-U+206F).
 */
const IGNORABLE_CLASS =
  '\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u00AD\\u061C\\u180E' +
  '\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2064\\u2066-\\u206F\\uFEFF';

/**
 * Whitespace: everything JavaScript's \s matches (ASCII whitespace, NBSP,
 * U+1680, U+2000-U+200A, line and paragraph separators, U+202F, U+205F,
 * U+3000) plus NEXT LINE (U+0085), which \s leaves out.
 */
const WHITESPACE_CLASS = '\\s\\u0085';

// Single character classes with a `+` at most: linear time on any input.
const IGNORABLE = new RegExp(`[${IGNORABLE_CLASS}]`, 'g');
const WHITESPACE_RUN = new RegExp(`[${WHITESPACE_CLASS}]+`, 'g');
const BLANK = new RegExp(`^[${IGNORABLE_CLASS}${WHITESPACE_CLASS}]*$`);

/**
 * The base cleaning every textual value gets: invisible characters removed,
 * Unicode NFC, whitespace runs (any Unicode space, tabs, line breaks)
 * collapsed to one space, trimmed. `"  Acme\u200b  Corp "` -> `"Acme Corp"`.
 */
export function cleanText(raw: string): string {
  return (
    cleanLatin(raw) ??
    raw.replace(IGNORABLE, '').normalize('NFC').replace(WHITESPACE_RUN, ' ').trim()
  );
}

/** ASCII whitespace, which cleanText trims from both ends: tab, LF, VT, FF, CR, space. */
function isAsciiSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

/**
 * cleanText without regular expressions or Unicode normalization, for the
 * most common cells; undefined when the value needs the full treatment.
 * Handled: ASCII whitespace at either end, around printable ASCII
 * (U+0020-U+007E) whose only whitespace is single spaces. For those,
 * cleanText's result is exactly the value without its ends: no invisible
 * character can be there (they are all control or non-ASCII characters),
 * NFC leaves ASCII alone, the inner single spaces stay single spaces, and
 * the whitespace runs at the ends are trimmed.
 */
export function cleanAscii(raw: string): string | undefined {
  let start = 0;
  let end = raw.length;
  while (start < end && isAsciiSpace(raw.charCodeAt(start))) start += 1;
  while (end > start && isAsciiSpace(raw.charCodeAt(end - 1))) end -= 1;
  // raw[start] and raw[end - 1] are not whitespace: only inner spaces remain to check.
  let space = false;
  for (let i = start; i < end; i++) {
    const code = raw.charCodeAt(i);
    if (code === 0x20) {
      if (space) return undefined;
      space = true;
    } else if (code < 0x21 || code > 0x7e) {
      return undefined;
    } else {
      space = false;
    }
  }
  return start === 0 && end === raw.length ? raw : raw.slice(start, end);
}

/**
 * cleanAscii that also takes the precomposed Latin letters of
 * latin-letters.ts (`José`, `Müller`, `Nguyễn`) inside the value. The same
 * reasoning holds for them: none is invisible or whitespace, and a value of
 * them and ASCII is already NFC (latin-letters.test.ts), so cleanText's
 * result is again the value without its ends.
 */
export function cleanLatin(raw: string): string | undefined {
  let start = 0;
  let end = raw.length;
  while (start < end && isAsciiSpace(raw.charCodeAt(start))) start += 1;
  while (end > start && isAsciiSpace(raw.charCodeAt(end - 1))) end -= 1;
  let space = false;
  for (let i = start; i < end; i++) {
    const code = raw.charCodeAt(i);
    if (code === 0x20) {
      if (space) return undefined;
      space = true;
    } else if ((code < 0x21 || code > 0x7e) && !isLatinLetter(code)) {
      return undefined;
    } else {
      space = false;
    }
  }
  return start === 0 && end === raw.length ? raw : raw.slice(start, end);
}

/** True when the value holds nothing but whitespace and invisible characters. */
export function isBlank(raw: string): boolean {
  // Empty cells are common (optional columns): blank, no pattern needed.
  if (raw.length === 0) return true;
  // Most cells start with a visible ASCII character: not blank, no pattern needed.
  const first = raw.charCodeAt(0);
  if (first > 0x20 && first < 0x7f) return false;
  return BLANK.test(raw);
}
