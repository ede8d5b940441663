// The honorifics before a person name and the suffixes after it, recognized
// as written: shared by the name type's parser (name.ts) and its fast path
// (name-fast.ts), which must agree on them.
import { lower } from './name-case.ts';
import { HONORIFICS, SUFFIX_LIST } from './name-data.ts';

const ORDINAL = /^\d+(?:st|nd|rd|th)\.?$/i;

export interface Suffix {
  text: string;
  /** Credentials (PhD, MD, Esq.) follow the name after a comma; generational suffixes after a space. */
  credential: boolean;
}

const SUFFIXES: ReadonlyMap<string, Suffix> = new Map(
  SUFFIX_LIST.map(([key, text, credential]) => [key, { text, credential }]),
);

/** The first characters of a table's keys (lower case), as ASCII codes. */
function firstCharacters(keys: Iterable<string>): Uint8Array {
  const starts = new Uint8Array(128);
  for (const key of keys) {
    const code = key.charCodeAt(0);
    // A key that does not start with ASCII would defeat mayStart: no filter then.
    if (!(code < 0x80)) return starts.fill(1);
    starts[code] = 1;
  }
  return starts;
}

const HONORIFIC_STARTS = firstCharacters(HONORIFICS.keys());
const SUFFIX_STARTS = firstCharacters(SUFFIXES.keys());

/**
 * False when lower(token) cannot start like any key of a table: most name
 * words, told without lowering them. An ASCII first character is lowered on
 * its own (lower case maps each character by itself), so its code says it.
 */
function mayStart(token: string, starts: Uint8Array): boolean {
  const code = token.charCodeAt(0);
  if (!(code < 0x80)) return true;
  return starts[code >= 0x41 && code <= 0x5a ? code + 0x20 : code] === 1;
}

/** The honorific a token writes, in the form names are given it (HONORIFICS), if it is one. */
export function honorific(token: string): string | undefined {
  if (!mayStart(token, HONORIFIC_STARTS)) return undefined;
  const key = lower(token);
  return HONORIFICS.get(key.endsWith('.') ? key.slice(0, -1) : key);
}

/** The suffix a token writes (`jr`, `PHD`, `3rd`), if it is one; `VI` is a suffix only in a name with lower case. */
export function suffixOf(token: string, nameHasLowerCase: boolean): Suffix | undefined {
  if (token === 'VI' && nameHasLowerCase) return { text: 'VI', credential: false };
  const first = token.charCodeAt(0);
  // An ordinal starts with a digit.
  if (first >= 0x30 && first <= 0x39 && ORDINAL.test(token)) {
    return { text: lower(token).replace('.', ''), credential: false };
  }
  if (!mayStart(token, SUFFIX_STARTS)) return undefined;
  const key = lower(token);
  return SUFFIXES.get(key.endsWith('.') ? key.slice(0, -1) : key);
}
