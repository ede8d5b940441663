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
  leading: Prefix | undefined;
  /** The number types with a pattern: possible lengths (undefined: any) and the pattern. */
  types: Array<{ lengths: readonly number[] | undefined; pattern: RegExp }>;
}

/** What a calling code's main numbering plan says about a number, compiled once. */
interface CompiledCallingCode {
  code: string;
  /** The countries sharing it, main one first; undefined for a non-geographic code. */
  countries: readonly string[] | undefined;
  /** `^(?:nationalPrefixForParsing)` of the main country's plan, when it has one. */
  nationalPrefix: Prefix | undefined;
  /** `countries` compiled, in the same order (filled on first use). */
  compiled?: ReadonlyArray<readonly [code: string, compiled: CompiledCountry]>;
}

const entirely = (pattern: string) => new RegExp(`^(?:${pattern})$`);

const metadata = new Metadata() as unknown as MetadataApi;
const countries = new Map<string, CompiledCountry>();
const callingCodes = new Map<string, CompiledCallingCode>();
/** A default region: its calling code, IDD prefix and (its own) national prefix for parsing. */
interface CompiledRegion {
  callingCode: CompiledCallingCode;
  idd: Prefix;
  nationalPrefix: Prefix | undefined;
}
const regions = new Map<string, CompiledRegion>();

/** What tests whether a number starts with a metadata prefix pattern (`^(?:pattern)`). */
interface Prefix {
  test(digits: string): boolean;
}

/**
 * `^(?:pattern)` for a metadata prefix: most are plain digits (US IDD `011`,
 * national prefix `1`, `0`), and for those startsWith answers as the pattern
 * does without running a regular expression per number.
 */
export function prefixMatcher(pattern: string): Prefix {
  if (/^[0-9]+$/.test(pattern)) return { test: (digits) => digits.startsWith(pattern) };
  return new RegExp(`^(?:${pattern})`);
}

/** `^(?:pattern)`, or undefined without a pattern. */
const prefixPattern = (pattern: string | undefined) =>
  pattern ? prefixMatcher(pattern) : undefined;

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
      idd: prefixMatcher(idd),
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

/**
 * The country countryOf last chose because the number has one of its types
 * (hasType already said yes), else undefined: answer() then need not ask
 * again (for a US number, the national and fixed-line patterns, the
 * dearest part of the path, ran once instead of twice). Set by every
 * countryOf call and read right after it in the same call of answer():
 * nothing carries over from one number to the next.
 */
let typedCountry: string | undefined;

/** getCountryByCallingCode: the one country, or the first whose leading digits or types match. */
function countryOf(nationalNumber: string, code: CompiledCallingCode): string | undefined {
  typedCountry = undefined;
  const list = code.countries!;
  if (list.length === 1) return list[0];
  // +1 has 25 countries: their plans at hand, not looked up one by one per number.
  code.compiled ??= list.map((candidate) => [candidate, country(candidate)] as const);
  for (const [candidate, compiled] of code.compiled) {
    if (compiled.leading !== undefined) {
      if (compiled.leading.test(nationalNumber)) return candidate;
    } else if (hasType(nationalNumber, compiled)) {
      typedCountry = candidate;
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
  // Joined run by run (`(212) 555-0123`: three pieces), not digit by digit.
  let digits = '';
  let run = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    if (c === PLUS) {
      if (i !== 0) return undefined;
    } else if (c !== SPACE && c !== DASH && c !== DOT && c !== OPEN && c !== CLOSE) {
      return undefined;
    }
    if (i > run) digits += input.slice(run, i);
    run = i + 1;
  }
  if (run === 0) return input;
  return run < input.length ? digits + input.slice(run) : digits;
}

/**
 * A trailing extension in the forms `x123`, ` ext 123`, ` ext. 123` (up to 6
 * digits): libphonenumber's extension patterns (extractExtension) read these
 * the same way, as the number before them and the digits as `ext`.
 */
const EXTENSION = /^(.*?[0-9)]) ?(?:x|ext\.?) ?([0-9]{1,6})$/i;

/** `+` and digits: the calling code's number, as extractCountryCallingCode reads it. */
function international(digits: string): string | false | undefined {
  // +0... has no calling code; else the shortest known prefix of 1-3 digits is it.
  if (digits.charCodeAt(0) === 48) return undefined;
  for (let length = 1; length <= MAX_LENGTH_COUNTRY_CODE && length <= digits.length; length++) {
    const prefix = digits.slice(0, length);
    if (metadata.hasCallingCode(prefix)) {
      const code = callingCode(prefix);
      // After `+` the national prefix stripped is the calling code's main country's.
      return answer(code, digits.slice(length), code.nationalPrefix, undefined);
    }
  }
  return undefined;
}

/** Digits without `+` in the default region. */
function national(digits: string, defaultRegion: CountryCode): string | false | undefined {
  const home = region(defaultRegion);
  // An IDD prefix (011 in the US, 00 in most places) makes libphonenumber try more readings.
  if (home.idd.test(digits)) return undefined;
  if (digits.startsWith(home.callingCode.code)) {
    // The region's calling code written without `+` (`1-415-555-2671`):
    // libphonenumber reads it either as that calling code or as the
    // national prefix, and in North America, where both are `1` and every
    // valid number has 10 digits (so `1` + a valid number never matches the
    // national pattern), both readings give the `+1` number when that is
    // valid. Elsewhere, and whenever the `+` reading is not valid, ask it.
    if (home.callingCode.code !== '1') return undefined;
    const plus = international(digits);
    return typeof plus === 'string' ? plus : undefined;
  }
  return answer(home.callingCode, digits, home.nationalPrefix, defaultRegion);
}

/**
 * The number's answer once its calling code is known: undefined when
 * extractNationalNumber would strip a national prefix or carrier code, or
 * the country is a non-geographic entity or cannot be decided; else whether
 * the country's types accept it.
 */
function answer(
  code: CompiledCallingCode,
  nationalNumber: string,
  nationalPrefix: Prefix | undefined,
  fallbackCountry: string | undefined,
): string | false | undefined {
  // A non-geographic code (+800, +882, ...) is not resolved to a country here.
  if (code.countries === undefined) return undefined;
  if (nationalPrefix?.test(nationalNumber)) return undefined;
  if (nationalNumber.length < MIN_LENGTH_FOR_NSN || nationalNumber.length > MAX_LENGTH_FOR_NSN) {
    return undefined;
  }
  // parse(): the exact country if one is found, else the default region.
  const found = countryOf(nationalNumber, code) ?? fallbackCountry;
  if (found === undefined) return undefined;
  const valid = found === typedCountry || hasType(nationalNumber, country(found));
  return valid ? `+${code.code}${nationalNumber}` : false;
}

/**
 * What libphonenumber answers for `input` (cleaned text, as phone.ts parses
 * it) with `defaultRegion`: the E.164 number (with `;ext=` and the
 * extension, if it has one) when it is valid, false when it is not a valid
 * number, undefined when this path cannot tell (then ask libphonenumber).
 */
export function fastPhone(
  input: string,
  defaultRegion: CountryCode | undefined,
): string | false | undefined {
  let body = input;
  let extension = '';
  let digits = digitsOf(input);
  if (digits === undefined) {
    const parts = EXTENSION.exec(input);
    if (parts === null) return undefined;
    body = parts[1]!;
    extension = parts[2]!;
    digits = digitsOf(body);
    if (digits === undefined) return undefined;
  }
  if (digits.length < MIN_LENGTH_FOR_NSN) return undefined;
  let result: string | false | undefined;
  if (body.charCodeAt(0) === PLUS) result = international(digits);
  else if (defaultRegion !== undefined) result = national(digits, defaultRegion);
  if (typeof result !== 'string' || extension === '') return result;
  return `${result};ext=${extension}`;
}
