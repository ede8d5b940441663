/**
 * Countries to ISO 3166-1 alpha-2 (`United States of America`, `USA`, `us`,
 * `España`, `대한민국` -> `US`, `US`, `US`, `ES`, `KR`).
 *
 * What is recognized, in this order:
 * 1. codes: alpha-2 (`us`, `IE`), alpha-3 (`IRL`, `usa`) when the value is
 *    exactly two or three ASCII letters, ISO numeric codes written with three
 *    digits (`840`), and flag emoji (🇺🇸). `XK` (Kosovo) counts as a code, as in
 *    i18n-iso-countries. Codes are only matched on bare letters, so `N/A` is
 *    not Namibia (but `NA` is).
 * 2. names, through one table built at module load from the country names of
 *    i18n-iso-countries in LOCALES (English first, then the languages and
 *    endonyms data people meet most), plus ALIASES, the names and
 *    abbreviations people write that the library does not have (`UK`,
 *    `England`, `Holland`, `DPRK`, `Burma`, World Bank spellings such as
 *    `Egypt, Arab Rep.`...). Aliases win over library names; among library
 *    names the earlier locale wins (`Congo` is the Republic of the Congo, CG,
 *    as in English; `DR Congo`, `Congo-Kinshasa` are CD). Both tables are in
 *    country-data.ts.
 *
 * Names match whatever their case, accents, punctuation and spacing, with or
 * without `the`, `of` and `and`/`&` (`the netherlands`, `Bosnia & Herzegovina`,
 * `COTE D’IVOIRE`), with the abbreviations `St.` (Saint), `Rep.`, `Dem.`,
 * `Fed.`, `Sts.`, `Is.`, and a leading `N.`/`S.` (north/south). Inverted
 * names are read both ways (`Korea, Republic of`, `Bahamas, The`,
 * `Congo, Dem. Rep.`), and a parenthesized part may be left out or moved
 * (`Germany (DE)`, `Korea (South)`, `Bolivia (Plurinational State of)`).
 *
 * Values longer than MAX_INPUT characters are no country (no name is that
 * long), so a huge cell costs one cleanText pass.
 */
import {
  getAlpha3Codes,
  getName,
  getNames,
  getNumericCodes,
  registerLocale,
} from 'i18n-iso-countries/index.js';
import { cleanText } from '../clean-text.ts';
import type { CellResult, ColumnTypeDefinition } from '../column-type.ts';
import { ERROR_CODES } from '../errors.ts';
import { joinKey, lookupWords } from '../lookup-key.ts';
import { ABBREVIATIONS, ALIASES, LEADING_POINTS, LOCALES } from './country-data.ts';

/** No country name (in any registered language or alias) is longer; longer values are not looked up. */
const MAX_INPUT = 120;

function nameKey(name: string): string {
  const words = lookupWords(name).map((word) => ABBREVIATIONS.get(word) ?? word);
  const first = words[0];
  if (words.length > 1 && first !== undefined) {
    const point = LEADING_POINTS.get(first);
    if (point !== undefined) words[0] = point;
  }
  return joinKey(words);
}

const PARENTHESIZED = /^([^()]*)\(([^()]*)\)([^()]*)$/;

/**
 * The keys a written name may be found under, most literal first: itself,
 * `A, B` read as `B A`, and `A (B)` read as `A B`, `B A` and `A`.
 */
function candidateKeys(name: string): string[] {
  const keys = [nameKey(name)];
  const comma = name.indexOf(',');
  if (comma !== -1 && name.indexOf(',', comma + 1) === -1) {
    keys.push(nameKey(`${name.slice(comma + 1)} ${name.slice(0, comma)}`));
  }
  const parts = PARENTHESIZED.exec(name);
  if (parts !== null) {
    const outer = `${parts[1] ?? ''} ${parts[3] ?? ''}`;
    const inner = parts[2] ?? '';
    keys.push(nameKey(`${outer} ${inner}`), nameKey(`${inner} ${outer}`), nameKey(outer));
  }
  return keys.filter((key) => key !== '');
}

/** The library's code table: alpha-3 and numeric codes to alpha-2, and the alpha-2 codes. */
const ALPHA3: ReadonlyMap<string, string> = new Map(Object.entries(getAlpha3Codes()));
const NUMERIC: ReadonlyMap<string, string> = new Map(Object.entries(getNumericCodes()));
const ALPHA2: ReadonlySet<string> = new Set(ALPHA3.values());

/**
 * Name key -> alpha-2. Aliases first, then every locale's spellings as
 * written (the earlier locale wins a key two countries share), then the keys
 * derived from the library's spellings with a comma or parentheses
 * (`Virgin Islands, British` under `British Virgin Islands`,
 * `Holy See (Vatican City State)` under `Holy See` too) when no other country
 * derives the same key (`Saint Martin (French part)` and
 * `Saint-Martin (partie néerlandaise)` do not make `Saint Martin` ambiguous:
 * the English spelling as written comes first).
 */
const NAMES: ReadonlyMap<string, string> = (() => {
  const names = new Map<string, string>();
  const derived = new Map<string, string | null>();
  for (const [code, spellings] of Object.entries(ALIASES)) {
    for (const spelling of spellings) {
      const key = nameKey(spelling);
      if (key !== '' && !names.has(key)) names.set(key, code);
    }
  }
  for (const locale of LOCALES) {
    registerLocale(locale);
    const localized = getNames(locale.locale, { select: 'all' });
    for (const [code, spellings] of Object.entries(localized)) {
      for (const spelling of spellings) {
        const [key, ...others] = candidateKeys(spelling);
        if (key !== undefined && !names.has(key)) names.set(key, code);
        for (const other of others) {
          const previous = derived.get(other);
          derived.set(other, previous === undefined || previous === code ? code : null);
        }
      }
    }
  }
  for (const [key, code] of derived) if (code !== null && !names.has(key)) names.set(key, code);
  return names;
})();

const TWO_LETTERS = /^[A-Za-z]{2}$/;
const THREE_LETTERS = /^[A-Za-z]{3}$/;
const THREE_DIGITS = /^\d{3}$/;
/** A flag emoji: two regional indicator symbols. */
const FLAG = /^[\u{1F1E6}-\u{1F1FF}]{2}$/u;
const REGIONAL_INDICATOR_A = 0x1f1e6;

function fromFlag(flag: string): string {
  let code = '';
  for (const ch of flag) {
    code += String.fromCharCode(65 + (ch.codePointAt(0) ?? 0) - REGIONAL_INDICATOR_A);
  }
  return code;
}

/** The alpha-2 code of an already cleaned value (see cleanText), or undefined. */
function lookup(cleaned: string): string | undefined {
  if (cleaned === '' || cleaned.length > MAX_INPUT) return undefined;
  // Compatibility forms unfolded first, so that full-width `ＪＰ` is a code too.
  const value = cleaned.normalize('NFKC');
  if (TWO_LETTERS.test(value)) {
    const code = value.toUpperCase();
    if (ALPHA2.has(code)) return code;
  } else if (THREE_LETTERS.test(value)) {
    const code = ALPHA3.get(value.toUpperCase());
    if (code !== undefined) return code;
  } else if (THREE_DIGITS.test(value)) {
    return NUMERIC.get(value);
  } else if (FLAG.test(value)) {
    const code = fromFlag(value);
    return ALPHA2.has(code) ? code : undefined;
  }
  for (const key of candidateKeys(value)) {
    const code = NAMES.get(key);
    if (code !== undefined) return code;
  }
  return undefined;
}

/**
 * The ISO 3166-1 alpha-2 code (upper case) a country value means, or
 * undefined when it is blank or not a known country. For RowContext.country.
 */
export function toCountryCode(raw: string): string | undefined {
  return lookup(cleanText(raw));
}

/** The English name of an alpha-2 code (`NL` -> `Netherlands`), for messages. */
export function countryName(code: string): string | undefined {
  return getName(code, 'en', { select: 'official' });
}

/** Quotes user input for a message, cut short so a huge value cannot bloat the report. */
function quote(s: string): string {
  return s.length > 40 ? `'${s.slice(0, 40)}…'` : `'${s}'`;
}

export const countryType: ColumnTypeDefinition<'country'> = {
  type: 'country',
  sqlType: 'text',
  contextFree: true,
  formulaSafe: false,
  normalize(raw): CellResult {
    const cleaned = cleanText(raw);
    if (cleaned === '') return { ok: true, value: '' };
    const code = lookup(cleaned);
    if (code !== undefined) return { ok: true, value: code };
    return {
      ok: false,
      code: ERROR_CODES.unknownCountry,
      message: `Not a known country name or ISO 3166-1 code: ${quote(cleaned)}`,
    };
  },
  headerSynonyms: [
    'country',
    'countries',
    'countrycode',
    'countryname',
    'countryregion',
    'countryiso',
    'countryisocode',
    'isocountry',
    'isocountrycode',
    'nation',
    'ctry',
    'cntry',
    // Other languages seen in exports.
    'pays',
    'pais',
    'paese',
    'nazione',
    'land',
    'landcode',
    'kraj',
  ],
  looksLike(raw) {
    const cleaned = cleanText(raw);
    // Bare numbers are far more often something else than ISO numeric codes.
    return !THREE_DIGITS.test(cleaned) && lookup(cleaned) !== undefined;
  },
};
