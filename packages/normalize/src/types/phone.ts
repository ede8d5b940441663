/**
 * Phone numbers to E.164 with libphonenumber-js.
 *
 * Metadata and validation level: the `max` metadata set with `isValid()`.
 * - `max` carries libphonenumber's full per-country number patterns. With
 *   `min`, `isValid()` only checks lengths plus a loose pattern; with
 *   `mobile`, every fixed-line number is invalid (`+31 20 123 4567`,
 *   `+44 131 496 0000`, `+1 800 ...` fail), which would reject most business
 *   contacts.
 * - `isValid()` (length and digit patterns) instead of `isPossible()` (length
 *   only): a cleaning job should not certify `(111) 222-3333` or `+1 222 333
 *   3333` (no such area codes) as clean phone numbers. The library's own
 *   caveat, that `isValid()` goes stale as numbering plans change, is handled
 *   by keeping the pinned libphonenumber-js version up to date.
 * Every example in SPEC section 3 and contacts-sample.csv is valid under this
 * choice (checked in phone.test.ts), including the US 555-01xx numbers.
 *
 * Parsing is strict (`extract: false`): the whole cell must be one phone
 * number, so `Call (415) 555-2671` or two numbers in one cell are reported
 * rather than silently cut down to the first number found.
 */
import {
  type CountryCode,
  isSupportedCountry,
  type PhoneNumber,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
} from 'libphonenumber-js/max';
import { cleanText } from '../clean-text.ts';
import type { CellResult, ColumnTypeDefinition, NormalizeOptions } from '../column-type.ts';
import { ERROR_CODES } from '../errors.ts';
import { FAST_PATHS } from '../fast-paths.ts';
import { fastPhone } from './phone-fast.ts';

/** libphonenumber-js refuses longer input too; checking first skips all work on huge cells. */
const MAX_INPUT = 250;
/** RFC 3966 URI form, `tel:+1-415-555-2671;ext=123`. */
const TEL_URI = /^tel:/i;
/**
 * `00` is the international call prefix in most of the world but not in the
 * default region everywhere (the US uses 011), so `0044 20 7946 0958` is read
 * as `+44 20 7946 0958` when it is not a valid number of the default region.
 */
const DOUBLE_ZERO_PREFIX = /^00 ?([1-9])/;

function invalid(reason: string): CellResult {
  return {
    ok: false,
    code: ERROR_CODES.invalidPhone,
    message: `Not a valid phone number: ${reason}`,
  };
}

/** The default region as libphonenumber wants it, or undefined if it has no such region. */
function defaultRegion(options: NormalizeOptions): CountryCode | undefined {
  const region = options.phoneRegion.trim().toUpperCase();
  return isSupportedCountry(region) ? region : undefined;
}

/** True when `region` (ISO 3166-1 alpha-2, any case) can be used as NormalizeOptions.phoneRegion. */
export function isSupportedPhoneRegion(region: string): boolean {
  return defaultRegion({ phoneRegion: region }) !== undefined;
}

function parse(input: string, region: CountryCode | undefined): PhoneNumber | undefined {
  return parsePhoneNumberFromString(
    input,
    region === undefined ? { extract: false } : { defaultCountry: region, extract: false },
  );
}

function explain(
  input: string,
  region: CountryCode | undefined,
  options: NormalizeOptions,
): string {
  const reason = validatePhoneNumberLength(
    input,
    region === undefined ? undefined : { defaultCountry: region },
  );
  switch (reason) {
    case 'NOT_A_NUMBER':
      return 'no digits, or characters a phone number cannot contain';
    case 'INVALID_COUNTRY':
      if (region === undefined && !input.startsWith('+')) {
        return `it has no country code and the default region '${options.phoneRegion}' is not a supported region`;
      }
      return 'unknown country calling code';
    case 'TOO_SHORT':
      return 'too short';
    case 'TOO_LONG':
      return 'too long';
    case 'INVALID_LENGTH':
      return 'wrong number of digits';
    default: {
      const number = parse(input, region);
      if (number === undefined) return 'characters a phone number cannot contain';
      return number.country === undefined
        ? `no such number with country calling code +${number.countryCallingCode}`
        : `not a valid number for region ${number.country}`;
    }
  }
}

/** The last phoneRegion read and its region: a job's cells all have the same. */
let lastRegion: { phoneRegion: string; region: CountryCode | undefined } | undefined;

function regionOf(options: NormalizeOptions): CountryCode | undefined {
  if (lastRegion?.phoneRegion !== options.phoneRegion) {
    lastRegion = { phoneRegion: options.phoneRegion, region: defaultRegion(options) };
  }
  return lastRegion.region;
}

/** Valid by libphonenumber: the E.164 number (and extension); else undefined. */
function parseValid(input: string, region: CountryCode | undefined): string | undefined {
  // The fast path answers the common shapes exactly as the library would (phone-fast.ts).
  const fast = FAST_PATHS.enabled ? fastPhone(input, region) : undefined;
  if (fast !== undefined) return fast === false ? undefined : fast;
  const number = parse(input, region);
  if (!number?.isValid()) return undefined;
  return number.ext ? `${number.number};ext=${number.ext}` : number.number;
}

/**
 * `(415) 555-2671` (default region US) -> `+14155552671`; an extension is kept
 * in RFC 3966 style: `+14155552671;ext=123`.
 */
function normalizePhone(raw: string, options: NormalizeOptions): CellResult {
  let input = cleanText(raw);
  // Most numbers start with a digit, `+` or `(`: the pattern runs only after a `t`.
  if ((input.charCodeAt(0) | 0x20) === 0x74 && TEL_URI.test(input)) {
    input = input.slice('tel:'.length).trim();
  }
  if (input.length > MAX_INPUT) return invalid('too long');
  const region = regionOf(options);
  const value = parseValid(input, region);
  if (value !== undefined) return { ok: true, value };
  const international = input.replace(DOUBLE_ZERO_PREFIX, '+$1');
  if (international !== input) {
    const value = parseValid(international, region);
    if (value !== undefined) return { ok: true, value };
  }
  return invalid(explain(international, region, options));
}

/** Digits with phone punctuation, 7 to 15 digits, optional extension (a shape, not validation). */
/** Matched against the trimmed value (see looksLikePhone). */
const PHONE_SHAPE = /^(?:\+|00)?[\d\s().\-/]{7,24}(?:\s*(?:x|ext\.?|extension|#)\s*\d{1,6})?$/i;

const DATE_SHAPE = /^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})$/;

/** Longer than any phone number written in a real export, extension included. */
const MAX_PHONE_SHAPE_LENGTH = 64;

export function looksLikePhone(raw: string): boolean {
  // Trimmed and bounded first: with surrounding whitespace in the pattern
  // (\s* next to a class that holds \s too), a long run of spaces around a
  // non-phone cost quadratic time (100 s for 100 k characters).
  const value = raw.trim();
  if (value.length > MAX_PHONE_SHAPE_LENGTH) return false;
  if (!PHONE_SHAPE.test(value) || DATE_SHAPE.test(value)) return false;
  const digits = value.replace(/\D/g, '').length;
  // Plain digit runs are more often ids or amounts than phone numbers, and
  // short local numbers are rare in exports: ask for punctuation and length.
  return digits >= 9 && digits <= 18 && /[\s().\-+/]/.test(value);
}

export const phoneType: ColumnTypeDefinition<'phone'> = {
  type: 'phone',
  sqlType: 'text',
  contextFree: true,
  formulaSafe: true,
  normalize: normalizePhone,
  looksLike: looksLikePhone,
  headerSynonyms: [
    'phone',
    'phones',
    'phonenumber',
    'phonenumbers',
    'phoneno',
    'phonenum',
    'tel',
    'telno',
    'telnumber',
    'telephone',
    'telephonenumber',
    'telephoneno',
    'mobile',
    'mobilephone',
    'mobilenumber',
    'mobileno',
    'mobilephonenumber',
    'cell',
    'cellphone',
    'cellnumber',
    'cellphonenumber',
    'cellular',
    'fax',
    'telefax',
    'faxnumber',
    'faxno',
    'landline',
    'contactnumber',
    'msisdn',
    // A few other languages seen in exports.
    'telefon',
    'telefonnummer',
    'handy',
    'mobil',
    'mobiltelefon',
    'telefono',
    'numerodetelefono',
    'movil',
    'celular',
    'portable',
    'telefoon',
    'telefoonnummer',
    'gsm',
  ],
};
