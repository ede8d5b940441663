/**
 * The fast path of the phone type: the common shapes of phone numbers
 * (digits with spaces, dashes, dots and parentheses, optionally `+` and a
 * country calling code; no extension, no letters) answered from the same
 * libphonenumber `max` metadata that phone.ts validates with, with every
 * pattern compiled once instead of on every call (libphonenumber-js builds
 * a RegExp from the metadata's pattern text each time it matches one, and
 * tries each country of a shared calling code in turn: most of the
 * normalizer's time on realistic contacts went there).
 *
 * It mirrors, step by step, what `parsePhoneNumberFromString(input,
 * {defaultCountry, extract: false})` followed by `isValid()` does for such
 * input (libphonenumber-js 1.13: parse.js, extractCountryCallingCode,
 * extractNationalNumber, getCountryByCallingCode, getNumberType), and gives
 * up (undefined: ask libphonenumber) wherever that would take a branch it
 * does not mirror: an IDD prefix, a national prefix or carrier code to strip,
 * the default region's calling code written without `+`, a non-geographic
 * calling code, a country it cannot decide. So its answers are the
 * library's: phone-fast.test.ts checks them against the library on many
 * generated numbers of several regions. Re-run that test when the pinned
 * libphonenumber-js version changes.
 */
import { type CountryCode, Metadata } from 'libphonenumber-js/max';

/** The Metadata methods used here (libphonenumber-js's metadata.js; its .d.ts declares few). */
interface Plan {
  callingCode(): string;
  nationalNumberPattern(): string;
  leadingDigits(): string | undefined;
  nationalPrefixForParsing(): string | undefined;
  IDDPrefix(): string;
  type(type: string): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
}
interface MetadataApi {
  selectNumberingPlan(countryOrCallingCode: string): void;
  numberingPlan: Plan;
  hasCallingCode(callingCode: string): boolean;
  getCountryCodesForCallingCode(callingCode: string): string[] | undefined;
}

/** getNumberType's order: fixed line first, then these (libphonenumber-js NON_FIXED_LINE_PHONE_TYPES). */
const TYPES = [
  'FIXED_LINE',
  'MOBILE',
  'PREMIUM_RATE',
  'TOLL_FREE',
  'SHARED_COST',
  'VOIP',
  'PERSONAL_NUMBER',
  'PAGER',
  'UAN',
  'VOICEMAIL',
];
/** libphonenumber-js constants.js. */
const MIN_LENGTH_FOR_NSN = 2;
const MAX_LENGTH_FOR_NSN = 17;
const MAX_LENGTH_COUNTRY_CODE = 3;

/** What a country's numbering plan says about a national (significant) number, compiled once. */
interface CompiledCountry {
  /** matchesEntirely(nationalNumberPattern) */
  national: RegExp;
  /** `nationalNumber.search(leadingDigits) === 0`, when the country has leading digits. */
  leading: RegExp | undefined;
  /** The number types with a pattern: possible lengths (undefined: any) and the pattern. */
  types: Array<{ lengths: readonly number[] | undefined; pattern: RegExp }>;
}

/** What a calling code's main numbering plan says about a number, compiled once. */
interface CompiledCallingCode {
  code: string;
  /** The countries sharing it, main one first; undefined for a non-geographic code. */
  countries: readonly string[] | undefined;
  /** `^(?:nationalPrefixForParsing)` of the main country's plan, when it has one. */
  nationalPrefix: RegExp | undefined;
}

const entirely = (pattern: string) => new RegExp(`^(?:${pattern})$`);

const metadata = new Metadata() as unknown as MetadataApi;
const countries = new Map<string, CompiledCountry>();
const callingCodes = new Map<string, CompiledCallingCode>();
/** A default region: its calling code, IDD prefix and (its own) national prefix for parsing. */
interface CompiledRegion {
  callingCode: CompiledCallingCode;
  idd: RegExp;
  nationalPrefix: RegExp | undefined;
}
const regions = new Map<string, CompiledRegion>();

/** `^(?:pattern)`, or undefined without a pattern. */
const prefixPattern = (pattern: string | undefined) =>
  pattern ? new RegExp(`^(?:${pattern})`) : undefined;

function country(code: string): CompiledCountry {
  let compiled = countries.get(code);
  if (compiled === undefined) {
    metadata.selectNumberingPlan(code);
    const plan = metadata.numberingPlan;
    const leading = plan.leadingDigits();
    const types: CompiledCountry['types'] = [];
    for (const name of TYPES) {
      const type = plan.type(name);
      const pattern = type?.pattern();
      if (type && pattern)
        types.push({ lengths: type.possibleLengths(), pattern: entirely(pattern) });
    }
    compiled = {
      national: entirely(plan.nationalNumberPattern()),
      // search() finds the leftmost match: index 0 exactly when one starts at 0.
      leading: prefixPattern(leading),
      types,
    };
    countries.set(code, compiled);
  }
  return compiled;
}

function callingCode(code: string): CompiledCallingCode {
  let compiled = callingCodes.get(code);
  if (compiled === undefined) {
    metadata.selectNumberingPlan(code);
    compiled = {
      code,
      countries: metadata.getCountryCodesForCallingCode(code),
      nationalPrefix: prefixPattern(metadata.numberingPlan.nationalPrefixForParsing()),
    };
    callingCodes.set(code, compiled);
  }
  return compiled;
}

function region(code: CountryCode): CompiledRegion {
  let compiled = regions.get(code);
  if (compiled === undefined) {
    metadata.selectNumberingPlan(code);
    const plan = metadata.numberingPlan;
    const idd = plan.IDDPrefix();
    const nationalPrefix = prefixPattern(plan.nationalPrefixForParsing());
    compiled = {
      callingCode: callingCode(plan.callingCode()),
      // stripIddPrefix: `number.search(new RegExp(IDDPrefix)) === 0`.
      idd: new RegExp(`^(?:${idd})`),
      nationalPrefix,
    };
    regions.set(code, compiled);
  }
  return compiled;
}

/** getNumberType(...) !== undefined: the number matches the country's pattern and one of its types. */
function hasType(nationalNumber: string, compiled: CompiledCountry): boolean {
  if (!compiled.national.test(nationalNumber)) return false;
  for (const type of compiled.types) {
    if (type.lengths !== undefined && !type.lengths.includes(nationalNumber.length)) continue;
    if (type.pattern.test(nationalNumber)) return true;
  }
  return false;
}

/** getCountryByCallingCode: the one country, or the first whose leading digits or types match. */
function countryOf(nationalNumber: string, code: CompiledCallingCode): string | undefined {
  const list = code.countries!;
  if (list.length === 1) return list[0];
  for (const candidate of list) {
    const compiled = country(candidate);
    if (compiled.leading !== undefined) {
      if (compiled.leading.test(nationalNumber)) return candidate;
    } else if (hasType(nationalNumber, compiled)) {
      return candidate;
    }
  }
  return undefined;
}

const PLUS = 43;
const SPACE = 32;
const OPEN = 40;
const CLOSE = 41;
const DASH = 45;
const DOT = 46;

/**
 * The digits of `input` when it has the shape this path knows (digits,
 * spaces, `-`, `.`, `(`, `)`, a `+` only first), with whether it starts with
 * `+`; undefined for anything else.
 */
function digitsOf(input: string): string | undefined {
  let digits = '';
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c >= 48 && c <= 57) digits += input[i];
    else if (c === PLUS) {
      if (i !== 0) return undefined;
    } else if (c !== SPACE && c !== DASH && c !== DOT && c !== OPEN && c !== CLOSE) {
      return undefined;
    }
  }
  return digits;
}

/**
 * What libphonenumber answers for `input` (cleaned text, as phone.ts parses
 * it) with `defaultRegion`: the E.164 number when it is valid, false when it
 * is not a valid number, undefined when this path cannot tell (then ask
 * libphonenumber).
 */
export function fastPhone(
  input: string,
  defaultRegion: CountryCode | undefined,
): string | false | undefined {
  const digits = digitsOf(input);
  if (digits === undefined || digits.length < MIN_LENGTH_FOR_NSN) return undefined;
  let code: CompiledCallingCode | undefined;
  let nationalNumber = '';
  let fallbackCountry: string | undefined;
  // The plan whose national prefix extractNationalNumber strips: the calling
  // code's main country after `+`, else the default region's own.
  let nationalPrefix: RegExp | undefined;
  if (input.charCodeAt(0) === PLUS) {
    // extractCountryCallingCode: +0... has none; else the shortest known prefix of 1-3 digits.
    if (digits.charCodeAt(0) === 48) return undefined;
    for (let length = 1; length <= MAX_LENGTH_COUNTRY_CODE && length <= digits.length; length++) {
      const prefix = digits.slice(0, length);
      if (metadata.hasCallingCode(prefix)) {
        code = callingCode(prefix);
        nationalNumber = digits.slice(length);
        break;
      }
    }
    if (code === undefined) return undefined;
    nationalPrefix = code.nationalPrefix;
  } else {
    if (defaultRegion === undefined) return undefined;
    const home = region(defaultRegion);
    // An IDD prefix (011 in the US, 00 in most places) or the region's own
    // calling code without `+` makes libphonenumber try more readings.
    if (home.idd.test(digits) || digits.startsWith(home.callingCode.code)) return undefined;
    code = home.callingCode;
    nationalNumber = digits;
    fallbackCountry = defaultRegion;
    nationalPrefix = home.nationalPrefix;
  }
  // A non-geographic code (+800, +882, ...) is not resolved to a country here.
  if (code.countries === undefined) return undefined;
  // extractNationalNumber: a national prefix or carrier code to strip takes its own checks.
  if (nationalPrefix?.test(nationalNumber)) return undefined;
  if (nationalNumber.length < MIN_LENGTH_FOR_NSN || nationalNumber.length > MAX_LENGTH_FOR_NSN) {
    return undefined;
  }
  const found = countryOf(nationalNumber, code) ?? fallbackCountry;
  if (found === undefined) return undefined;
  return hasType(nationalNumber, country(found)) ? `+${code.code}${nationalNumber}` : false;
}
