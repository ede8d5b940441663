import { COLUMN_TYPE_NAMES, COLUMN_TYPES, type ColumnType } from './registry.ts';

/**
 * Words that qualify a column name without changing its type, before or after
 * the type's own word: "Work Email", "home_phone", "Phone (mobile)" stays
 * phone, "Email - billing".
 */
const QUALIFIERS = [
  'work',
  'home',
  'business',
  'office',
  'personal',
  'private',
  'primary',
  'secondary',
  'main',
  'other',
  'alternate',
  'alternative',
  'alt',
  'additional',
  'backup',
  'direct',
  'contact',
  'company',
  'corporate',
  'customer',
  'client',
  'user',
  'billing',
  'shipping',
  'invoice',
  'preferred',
  'daytime',
  'evening',
  'emergency',
  'mobile',
  'your',
];

/** Header key -> type, from every type's synonyms; the first type to claim a key keeps it. */
const SYNONYMS: ReadonlyMap<string, ColumnType> = (() => {
  const map = new Map<string, ColumnType>();
  for (const type of COLUMN_TYPE_NAMES) {
    for (const synonym of COLUMN_TYPES[type].headerSynonyms) {
      if (!map.has(synonym)) map.set(synonym, type);
    }
  }
  return map;
})();

const MARKS = /\p{M}+/gu;
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu;
const TRAILING_DIGITS = /\d+$/;

/**
 * The comparable form of a header: no diacritics, lower case, letters and
 * digits only, without a trailing number ("E-Mail Address 2" -> "emailaddress").
 */
export function headerKey(headerName: string): string {
  return headerName
    .normalize('NFKD')
    .replace(MARKS, '')
    .toLowerCase()
    .replace(NOT_LETTER_OR_DIGIT, '')
    .replace(TRAILING_DIGITS, '');
}

/**
 * The column type a header name announces: email and phone synonyms (case,
 * space, underscore, dash, punctuation and accent insensitive, optionally
 * with a qualifier such as work/home/mobile and a trailing number), else text.
 * Deliberately conservative: a wrong guess turns a column's values into
 * errors, while text keeps them as they are.
 */
export function inferColumnType(headerName: string): ColumnType {
  const key = headerKey(headerName);
  const exact = SYNONYMS.get(key);
  if (exact !== undefined) return exact;
  for (const qualifier of QUALIFIERS) {
    if (key.length <= qualifier.length) continue;
    const type =
      (key.startsWith(qualifier) ? SYNONYMS.get(key.slice(qualifier.length)) : undefined) ??
      (key.endsWith(qualifier) ? SYNONYMS.get(key.slice(0, -qualifier.length)) : undefined);
    if (type !== undefined) return type;
  }
  return 'text';
}
