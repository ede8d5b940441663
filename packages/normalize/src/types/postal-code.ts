/**
 * Postal codes, formatted for the row's country (RowContext.country).
 *
 * Every value is first cleaned by the text rules, unfolded to ASCII where
 * Unicode has compatibility forms (full-width `１０１２ ＡＢ`), upper-cased,
 * and its dashes made `-`. Then, by country:
 * - US, and the territories and associated states that use US ZIP codes (PR,
 *   VI, GU, AS, MP, FM, MH, PW): `12345` or ZIP+4 `12345-6789`. Values that
 *   lost leading zeros in a spreadsheet are padded: 3-4 digits to 5
 *   (`501` -> `00501`, `2134` -> `02134`), 7-8 digits to ZIP+4; 9 digits
 *   are split (`123456789` -> `12345-6789`); a trailing `.0` (a number
 *   exported as a float) is dropped. ZIP codes below 00501 do not exist.
 * - GB, and the Crown Dependencies (JE, GG, IM) that share its system: the
 *   outward code, one space, the inward code (`eh11yz` -> `EH1 1YZ`,
 *   `SW1A1AA` -> `SW1A 1AA`), checked with Royal Mail's letter rules;
 *   `GIR 0AA` too.
 * - CA: `A1A 1A1` (`k1a0b1` -> `K1A 0B1`), with Canada Post's letters.
 * - NL: `1234 AB` (`1012ab`, `1012-ab` -> `1012 AB`; no leading zero, and
 *   not SA, SD, SS).
 * - DE, FR, ES, IT: 5 digits, spreadsheet-lost leading zeros padded (4
 *   digits; IT, whose codes start with 00 in Rome, 3-4 digits), an old
 *   country prefix dropped (`D-80331`, `F-75001`, `E-28013`, `I-00184`,
 *   `DE-80331`). DE and FR codes never start with 00, ES codes start with
 *   01-52. The French overseas departments and collectivities, Monaco, San
 *   Marino and the Vatican (which use the French and Italian systems) take
 *   5 digits.
 * - any other country, or no country: the cleaned value, upper case, kept
 *   when it has a postal code's shape (ASCII letters and digits with single
 *   spaces or hyphens, at least one digit, at most MAX_GENERIC characters);
 *   otherwise (`N/A`, `unknown`, an address) invalid_postal_code.
 * A value invalid for its country is invalid_postal_code, with a message
 * naming the country and the expected form.
 */

import { cleanAscii, cleanText } from '../clean-text.ts';
import type { CellResult, ColumnTypeDefinition, RowContext } from '../column-type.ts';
import { ERROR_CODES } from '../errors.ts';
import { FAST_PATHS } from '../fast-paths.ts';
import { countryName } from './country.ts';

/** No postal code is this long, even badly spaced; longer values are rejected untouched. */
const MAX_INPUT = 40;
/** The longest postal code of any country, with its separators (Iran's `12345-67890` is 11). */
const MAX_GENERIC = 12;

const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g;
const SPACES_AND_HYPHENS = /[ -]/g;
const EXCEL_FLOAT = /^(\d+)\.0+$/;

/** What a rule makes of a cleaned, upper-cased value: the formatted code, or undefined when invalid. */
interface Rule {
  /** The expected form, for messages: "12345 or 12345-6789". */
  readonly expected: string;
  format(value: string): string | undefined;
}

function padded(digits: string, length: number): string {
  return digits.padStart(length, '0');
}

const US_ZIP_SEPARATED = /^(\d{3,5}) ?- ?(\d{4})$|^(\d{5}) (\d{4})$/;

/** `/^\d+$/` without a pattern: most codes are plain digits, checked once per cell. */
function isDigits(value: string): boolean {
  if (value === '') return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return false;
  }
  return true;
}

/** EXCEL_FLOAT's digits, or the value: the pattern runs only on values with a period. */
function withoutExcelFloat(value: string): string {
  return value.includes('.') ? (EXCEL_FLOAT.exec(value)?.[1] ?? value) : value;
}
/** The lowest ZIP code in use (Holtsville, NY). */
const MIN_ZIP = '00501';

const US_RULE: Rule = {
  expected: 'a ZIP code such as 12345 or 12345-6789',
  format(value) {
    const v = withoutExcelFloat(value);
    let zip: string;
    let plus4: string | undefined;
    // Both of the pattern's forms have a hyphen or a space.
    const separated = v.includes('-') || v.includes(' ') ? US_ZIP_SEPARATED.exec(v) : null;
    if (separated !== null) {
      zip = padded(separated[1] ?? separated[3] ?? '', 5);
      plus4 = separated[2] ?? separated[4];
    } else if (v.length >= 3 && v.length <= 5 && isDigits(v)) {
      zip = padded(v, 5);
    } else if (v.length >= 7 && v.length <= 9 && isDigits(v)) {
      const nine = padded(v, 9);
      zip = nine.slice(0, 5);
      plus4 = nine.slice(5);
    } else {
      return undefined;
    }
    if (zip < MIN_ZIP) return undefined;
    return plus4 === undefined ? zip : `${zip}-${plus4}`;
  },
};

/**
 * UK postcodes: outward code (area letters, district digits, an optional
 * sub-district letter) and inward code (sector digit, two unit letters),
 * with the letters Royal Mail uses in each position.
 */
const GB_OUTWARD =
  /^(?:[A-PR-UWYZ]\d\d?|[A-PR-UWYZ]\d[A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y]\d\d?|[A-PR-UWYZ][A-HK-Y]\d[ABEHMNPRV-Y])$/;
const GB_INWARD = /^\d[ABD-HJLNP-UW-Z]{2}$/;

const GB_RULE: Rule = {
  expected: 'a postcode such as SW1A 1AA',
  format(value) {
    const compact = value.replace(SPACES_AND_HYPHENS, '');
    if (compact.length < 5 || compact.length > 7) return undefined;
    const outward = compact.slice(0, -3);
    const inward = compact.slice(-3);
    if (compact === 'GIR0AA') return 'GIR 0AA';
    return GB_OUTWARD.test(outward) && GB_INWARD.test(inward) ? `${outward} ${inward}` : undefined;
  },
};

/** Canada Post: no D, F, I, O, Q, U anywhere, and no W or Z first. */
const CA_POSTAL = /^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]\d[ABCEGHJ-NPRSTV-Z]\d$/;

const CA_RULE: Rule = {
  expected: 'a postal code such as K1A 0B1',
  format(value) {
    const compact = value.replace(SPACES_AND_HYPHENS, '');
    return CA_POSTAL.test(compact) ? `${compact.slice(0, 3)} ${compact.slice(3)}` : undefined;
  },
};

const NL_POSTCODE = /^(?:NL-?)?([1-9]\d{3})([A-Z]{2})$/;
/** Letter pairs PostNL does not use. */
const NL_UNUSED = new Set(['SA', 'SD', 'SS']);

const NL_RULE: Rule = {
  expected: 'a postcode such as 1234 AB',
  format(value) {
    const parts = NL_POSTCODE.exec(value.replace(SPACES_AND_HYPHENS, ''));
    if (parts === null) return undefined;
    const letters = parts[2] ?? '';
    return NL_UNUSED.has(letters) ? undefined : `${parts[1]} ${letters}`;
  },
};

interface FiveDigitOptions {
  /** Old and ISO country prefixes written before the code: `D-`, `DE-`. */
  prefixes: readonly string[];
  /** How many digits a spreadsheet may have left of a code that began with zeros. */
  padFrom: number;
  /** True when the code (5 digits) can exist. */
  valid(code: string): boolean;
}

function fiveDigitRule(options: FiveDigitOptions): Rule {
  const prefix =
    options.prefixes.length === 0
      ? undefined
      : new RegExp(`^(?:${options.prefixes.join('|')}) ?-? ?(?=\\d)`);
  return {
    expected: 'a 5-digit postal code such as 12345',
    format(value) {
      // The prefixes are letters: a value starting with a digit has none.
      const first = value.charCodeAt(0);
      const unprefixed =
        prefix === undefined || (first >= 0x30 && first <= 0x39)
          ? value
          : value.replace(prefix, '');
      const v = withoutExcelFloat(unprefixed);
      if (!isDigits(v) || v.length < options.padFrom || v.length > 5) return undefined;
      const code = padded(v, 5);
      return options.valid(code) ? code : undefined;
    },
  };
}

const notStartingWith00 = (code: string) => !code.startsWith('00');
const anyCode = () => true;

const DE_RULE = fiveDigitRule({ prefixes: ['DE', 'D'], padFrom: 4, valid: notStartingWith00 });
const FR_RULE = fiveDigitRule({ prefixes: ['FR', 'F'], padFrom: 4, valid: notStartingWith00 });
const ES_RULE = fiveDigitRule({
  prefixes: ['ES', 'E'],
  padFrom: 4,
  valid(code) {
    const province = Number(code.slice(0, 2));
    return province >= 1 && province <= 52;
  },
});
const IT_RULE = fiveDigitRule({ prefixes: ['IT', 'I'], padFrom: 3, valid: anyCode });
/** The French overseas and Monaco: 5 digits, starting with 97 or 98 (no zeros to restore). */
const FRENCH_SYSTEM_RULE = fiveDigitRule({ prefixes: ['FR', 'F'], padFrom: 5, valid: anyCode });

const RULES: ReadonlyMap<string, Rule> = new Map([
  ...['US', 'PR', 'VI', 'GU', 'AS', 'MP', 'FM', 'MH', 'PW'].map((c) => [c, US_RULE] as const),
  ...['GB', 'JE', 'GG', 'IM'].map((c) => [c, GB_RULE] as const),
  ['CA', CA_RULE],
  ['NL', NL_RULE],
  ['DE', DE_RULE],
  ['FR', FR_RULE],
  ['ES', ES_RULE],
  ['IT', IT_RULE],
  ['SM', IT_RULE],
  ['VA', IT_RULE],
  ...['GP', 'MQ', 'GF', 'RE', 'PM', 'YT', 'BL', 'MF', 'MC', 'WF', 'PF', 'NC'].map(
    (c) => [c, FRENCH_SYSTEM_RULE] as const,
  ),
]);

/** ASCII letters and digits, single spaces or hyphens inside, at least one digit. */
const GENERIC_SHAPE = /^[A-Z0-9]+(?:[ -][A-Z0-9]+)*$/;
const HAS_DIGIT = /\d/;

/** Quotes user input for a message, cut short so a huge value cannot bloat the report. */
function quote(s: string): string {
  return s.length > 40 ? `'${s.slice(0, 40)}…'` : `'${s}'`;
}

function prepare(raw: string): string {
  // Printable ASCII that cleaning leaves as it is (most codes): NFKC and the
  // dash unification leave it alone too (both only change non-ASCII).
  if (FAST_PATHS.enabled && cleanAscii(raw) === raw) return raw.toUpperCase();
  return cleanText(raw).normalize('NFKC').replace(DASHES, '-').toUpperCase();
}

function forCountry(country: string | undefined): string {
  if (country === undefined) return '';
  return ` for ${countryName(country) ?? country}`;
}

/**
 * `501` (US) -> `00501`, `eh11yz` (GB) -> `EH1 1YZ`, `1012 ab` (NL) ->
 * `1012 AB`; see the module comment for every country's rule.
 */
function normalizePostalCode(raw: string, context: RowContext): CellResult {
  // Printable ASCII (most codes) is cleaned once: cleanAscii's answer is
  // cleanText's, and prepare() would only find it unchanged by a second scan.
  const ascii = FAST_PATHS.enabled ? cleanAscii(raw) : undefined;
  const cleaned = ascii ?? cleanText(raw);
  if (cleaned === '') return { ok: true, value: '' };
  const country = context.country;
  const invalid = (expected: string): CellResult => ({
    ok: false,
    code: ERROR_CODES.invalidPostalCode,
    message: `Not a valid postal code${forCountry(country)}: ${quote(cleaned)}, expected ${expected}`,
  });
  if (cleaned.length > MAX_INPUT) return invalid('a postal code, not a longer text');
  const value = ascii === undefined ? prepare(cleaned) : ascii.toUpperCase();
  const rule = country === undefined ? undefined : RULES.get(country);
  if (rule !== undefined) {
    const formatted = rule.format(value);
    return formatted === undefined ? invalid(rule.expected) : { ok: true, value: formatted };
  }
  if (value.length <= MAX_GENERIC && GENERIC_SHAPE.test(value) && HAS_DIGIT.test(value)) {
    return { ok: true, value };
  }
  return invalid('letters and digits such as 12345 or AB1 2CD');
}

/** Shapes that clearly are postal codes: US ZIP and ZIP+4, UK, Canadian and Dutch codes. */
const LOOKS_LIKE: readonly RegExp[] = [
  /^\d{5}(?:-\d{4})?$/,
  /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/,
  /^[A-Z]\d[A-Z] ?\d[A-Z]\d$/,
  /^[1-9]\d{3} ?[A-Z]{2}$/,
];

export const postalCodeType: ColumnTypeDefinition<'postal_code'> = {
  type: 'postal_code',
  sqlType: 'text',
  contextFree: false,
  formulaSafe: false,
  normalize(raw, _options, context): CellResult {
    return normalizePostalCode(raw, context);
  },
  headerSynonyms: [
    'postalcode',
    'postcode',
    'postal',
    'zip',
    'zipcode',
    'zippostalcode',
    'zippostal',
    'postalzip',
    'postalzipcode',
    'postcodezip',
    'zipcodepostalcode',
    'postalcodezip',
    'plz',
    'cp',
    // Other languages seen in exports.
    'postleitzahl',
    'codepostal',
    'codigopostal',
    'cap',
    'postnummer',
    'postnr',
    'postinumero',
    'kodpocztowy',
    'eircode',
  ],
  looksLike(raw) {
    const cleaned = cleanText(raw);
    if (cleaned.length > 12) return false;
    const value = prepare(cleaned);
    return LOOKS_LIKE.some((shape) => shape.test(value));
  },
};
