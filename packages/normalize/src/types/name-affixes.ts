// The honorifics before a person name and the suffixes after it, recognized
// as written: shared by the name type's parser (name.ts) and its ASCII fast
// path (name-fast.ts), which must agree on them.
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

/** The honorific a token writes, in the form names are given it (HONORIFICS), if it is one. */
export function honorific(token: string): string | undefined {
  const key = lower(token);
  return HONORIFICS.get(key.endsWith('.') ? key.slice(0, -1) : key);
}

/** The suffix a token writes (`jr`, `PHD`, `3rd`), if it is one; `VI` is a suffix only in a name with lower case. */
export function suffixOf(token: string, nameHasLowerCase: boolean): Suffix | undefined {
  if (token === 'VI' && nameHasLowerCase) return { text: 'VI', credential: false };
  if (ORDINAL.test(token)) return { text: lower(token).replace('.', ''), credential: false };
  const key = lower(token);
  return SUFFIXES.get(key.endsWith('.') ? key.slice(0, -1) : key);
}
