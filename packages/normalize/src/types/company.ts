import { cleanText } from '../clean-text.ts';
import type { CellResult, ColumnTypeDefinition } from '../column-type.ts';
import { ERROR_CODES } from '../errors.ts';
import { FAST_PATHS } from '../fast-paths.ts';
import { fastCompany } from './company-fast.ts';
import { legalForm, legalFormsStart, split, writeLegalForm } from './company-legal-forms.ts';
import { properCaseWord } from './name-case.ts';

// Every pattern below is a single character class, a fixed literal or an
// anchored pattern of bounded length: linear time whatever the input length.
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const UPPER = /\p{Lu}/u;
const LOWER = /\p{Ll}/u;
const SPACE_BEFORE_COMMA = / ,/g;
const COMMA_BEFORE_LETTER = /,(?=\p{L})/gu;
const LATIN_ACRONYM_SHAPE = /^[A-Za-z0-9&]+$/;
const VOWEL = /[aeiouy]/i;
const DIACRITICS = /\p{M}/gu;
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]/gu;
const ORDINAL = /^\d+(?:st|nd|rd|th)$/;
const AMPERSAND_ACRONYM = /^[A-Za-z]{1,2}(?:&[A-Za-z]{1,2})+$/;

/**
 * Acronyms kept in capitals when a value in all capitals or all lower case is
 * re-cased (key: lower case), with how they are written.
 */
const ACRONYMS: ReadonlyMap<string, string> = new Map(
  [
    '3M',
    'ABB',
    'ABC',
    'AIG',
    'AMD',
    'AOL',
    'ASML',
    'AT&T',
    'AXA',
    'BASF',
    'BBC',
    'BMW',
    'BNP',
    'BP',
    'CBS',
    'CNN',
    'DHL',
    'EDF',
    'ENI',
    'ESPN',
    'EU',
    'EY',
    'GE',
    'GM',
    'HBO',
    'HP',
    'HSBC',
    'IBM',
    'IKEA',
    'ING',
    'IT',
    'KFC',
    'KPMG',
    'LG',
    'LVMH',
    'NASA',
    'NBC',
    'NEC',
    'NYC',
    'PWC',
    'SAP',
    'TD',
    'TDK',
    'UAE',
    'UBS',
    'UK',
    'UPS',
    'US',
    'USA',
    'II',
    'III',
    'IV',
    'VI',
    'VII',
    'VIII',
    'IX',
  ].map((acronym) => [acronym.toLowerCase(), acronym]),
);

/**
 * Words without a vowel that are abbreviations rather than acronyms, so
 * re-cased like words (`ST JAMES` -> `St James`).
 */
const VOWELLESS_WORDS: ReadonlySet<string> = new Set([
  'bldg',
  'bldgs',
  'ctr',
  'dept',
  'dr',
  'grp',
  'hldg',
  'hldgs',
  'jr',
  'mfg',
  'mgmt',
  'mkt',
  'mktg',
  'mr',
  'mrs',
  'ms',
  'pkg',
  'rd',
  'sr',
  'st',
  'std',
  'svc',
  'svcs',
]);

/** Small words in lower case inside a re-cased name (`Bank of America`). */
const SMALL_WORDS: ReadonlySet<string> = new Set([
  'a',
  'an',
  'and',
  'at',
  'by',
  'da',
  'das',
  'de',
  'del',
  'der',
  'des',
  'di',
  'do',
  'dos',
  'du',
  'et',
  'for',
  'in',
  'la',
  'le',
  'of',
  'on',
  'the',
  'to',
  'und',
  'van',
  'von',
  'y',
]);

/** The most letters and digits a one-word name in capitals may have to be kept as written (`IBM`). */
const SHORT_ACRONYM = 4;

function invalid(reason: string): CellResult {
  return {
    ok: false,
    code: ERROR_CODES.invalidCompany,
    message: `Not a valid company name: ${reason}`,
  };
}

function hasVowel(s: string): boolean {
  return VOWEL.test(s.normalize('NFD').replace(DIACRITICS, ''));
}

/** How a word of a name written all in capitals or all in lower case is written. */
function recase(word: string, index: number): string {
  const { before, core, after } = split(word);
  const key = core.toLowerCase();
  const acronym = ACRONYMS.get(key);
  if (acronym !== undefined) return before + acronym + after;
  if (AMPERSAND_ACRONYM.test(core)) return before + core.toUpperCase() + after;
  const letters = core.replace(/[^A-Za-z]/g, '');
  if (
    LATIN_ACRONYM_SHAPE.test(core) &&
    letters.length >= 2 &&
    !hasVowel(letters) &&
    !VOWELLESS_WORDS.has(key) &&
    !ORDINAL.test(key)
  ) {
    // No vowel: an acronym (KPMG, HSBC, B2B), not a word.
    return before + core.toUpperCase() + after;
  }
  if (index > 0 && SMALL_WORDS.has(key) && before === '') return word.toLowerCase();
  return properCaseWord(word);
}

type CaseShape = 'upper' | 'lower' | 'mixed';

function caseShape(words: readonly string[]): CaseShape {
  let upper = false;
  let lower = false;
  for (const word of words) {
    for (const ch of word) {
      const code = ch.charCodeAt(0);
      // ASCII without the Unicode patterns: A-Z are its only capitals, a-z its only lower case.
      if (code < 0x80) {
        if (code >= 0x41 && code <= 0x5a) upper = true;
        else if (code >= 0x61 && code <= 0x7a) lower = true;
      } else if (UPPER.test(ch)) upper = true;
      else if (LOWER.test(ch)) lower = true;
      if (upper && lower) return 'mixed';
    }
  }
  if (upper) return 'upper';
  return lower ? 'lower' : 'mixed';
}

/**
 * `"ACME CORPORATION"` -> `Acme Corporation`: cleaned like text (with no
 * space before a comma and one after it), re-cased only when the whole
 * value is written all in capitals or all in lower case
 * (acronyms kept: `IBM`, `AT&T`, `KPMG`, short all-capitals names), mixed
 * case kept (`eBay`); trailing legal forms written consistently (`llc` ->
 * `LLC`, `inc` -> `Inc.`, `gmbh` -> `GmbH`, `co` -> `Co.`), a comma before them
 * kept as written. Invalid: no letter or digit.
 */
function normalizeCompany(raw: string): CellResult {
  const fast = FAST_PATHS.enabled ? fastCompany(raw) : undefined;
  if (fast !== undefined) return { ok: true, value: fast };
  const text = cleanText(raw);
  // Without a comma both replacements change nothing, and cleanText trimmed already.
  const cleaned = text.includes(',')
    ? text.replace(SPACE_BEFORE_COMMA, ',').replace(COMMA_BEFORE_LETTER, ', ').trim()
    : text;
  if (!LETTER_OR_DIGIT.test(cleaned)) return invalid('no letter or digit');
  const words = cleaned.split(' ');
  const formsStart = legalFormsStart(words);
  const name = words.slice(0, formsStart);
  const shape = caseShape(words);
  const out: string[] = [];
  // A one-word name in capitals with no legal form, as short as an acronym: IBM, GE, AT&T.
  const acronym =
    shape === 'upper' &&
    words.length === 1 &&
    cleaned.replace(NOT_LETTER_OR_DIGIT, '').length <= SHORT_ACRONYM;
  for (const [index, word] of name.entries()) {
    if (shape === 'mixed' || acronym) {
      out.push(word);
    } else {
      out.push(recase(word, index));
    }
  }
  for (let index = formsStart; index < words.length; index += 1) {
    const word = words[index] ?? '';
    const form = legalForm(word);
    if (form === undefined) {
      out.push(word); // '&' between legal forms
      continue;
    }
    // Australian style: "Pty Ltd", without periods.
    const previous = index > formsStart ? legalForm(words[index - 1] ?? '') : undefined;
    out.push(writeLegalForm(word, form === 'Ltd.' && previous === 'Pty' ? 'Ltd' : form));
  }
  return { ok: true, value: out.join(' ') };
}

export const companyType: ColumnTypeDefinition<'company'> = {
  type: 'company',
  sqlType: 'text',
  contextFree: true,
  formulaSafe: false,
  normalize: normalizeCompany,
  headerSynonyms: [
    'company',
    'companyname',
    'companies',
    'employer',
    'employername',
    'currentemployer',
    'currentcompany',
    'organization',
    'organizationname',
    'organisation',
    'organisationname',
    'org',
    'orgname',
    'business',
    'businessname',
    'account',
    'accountname',
    'firm',
    'firmname',
    'corporation',
    'enterprise',
    'legalname',
    'legalentity',
    'entityname',
    'tradingname',
    // A few other languages seen in exports.
    'firma',
    'firmenname',
    'unternehmen',
    'empresa',
    'entreprise',
    'societe',
    'azienda',
    'bedrijf',
    'bedrijfsnaam',
  ],
};
