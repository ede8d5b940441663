import { describe, expect, it } from 'vitest';
import type { ColumnTypeDefinition } from '../column-type.ts';
import { ERROR_CODES } from '../errors.ts';
import { currencyType, integerType, numberType, percentType } from './number.ts';
import { isSupportedNumberLocale, parseDecimal } from './number-parse.ts';

// The registry does not list these types yet: call the definitions directly.
const run = (definition: ColumnTypeDefinition) => (raw: string, locale?: string) =>
  definition.normalize(raw, { phoneRegion: 'US', locale }, {});
const number = run(numberType);
const integer = run(integerType);
const currency = run(currencyType);
const percent = run(percentType);

describe('parseDecimal', () => {
  it.each([
    ['1,234.50', { sign: 1, integerDigits: '1234', fractionDigits: '50' }],
    ['-0.00', { sign: 1, integerDigits: '0', fractionDigits: '00' }], // zero is never negative
    ['(15.25)', { sign: -1, integerDigits: '15', fractionDigits: '25' }],
    ['007', { sign: 1, integerDigits: '7', fractionDigits: '' }],
    ['.5', { sign: 1, integerDigits: '0', fractionDigits: '5' }],
    ['1.5e3', { integerDigits: '1500', fractionDigits: '', scientific: true }],
    ['1.5e-3', { integerDigits: '0', fractionDigits: '0015', scientific: true }],
    ['12.5%', { integerDigits: '12', fractionDigits: '5', percent: true, scientific: false }],
    ['$5', { currencySymbol: '$', percent: false }],
    ['€5', { currency: 'EUR', currencySymbol: '€' }],
    ['R$ 5', { currency: 'BRL', currencySymbol: 'R$' }],
    ['US$5', { currency: 'USD' }],
    ['5 usd', { currency: 'USD', currencySymbol: 'usd' }],
    ['$5 USD', { currency: 'USD', currencySymbol: '$' }],
    ['USD $5', { currency: 'USD', currencySymbol: 'USD' }],
    ['CHF 5', { currency: 'CHF' }],
    ['5 Fr.', { currency: 'CHF' }],
    ['₩1,000', { currency: 'KRW', integerDigits: '1000' }],
    ['₹1,23,456', { currency: 'INR', integerDigits: '123456' }],
    ['£5', { currency: 'GBP' }],
    ['5 zł', { currency: 'PLN' }],
    ['5 Kč', { currency: 'CZK' }],
    ['¥500', { currencySymbol: '¥' }],
    ['500円', { currency: 'JPY' }],
    ['kr 5', { currencySymbol: 'kr' }],
    ['5 SEK', { currency: 'SEK' }],
  ] as const)('%j', (raw, expected) => {
    expect(parseDecimal(raw)).toMatchObject(expected);
  });

  it('reports no currency when none was written', () => {
    const parsed = parseDecimal('5');
    expect(parsed).not.toHaveProperty('currency');
    expect(parsed).not.toHaveProperty('currencySymbol');
  });

  it('leaves the code out for symbols several currencies use', () => {
    for (const raw of ['$5', '¥5', '5 kr', 'Rs 5']) {
      expect(parseDecimal(raw)).not.toHaveProperty('currency');
    }
  });

  it('answers a reason for what is not a number', () => {
    expect(parseDecimal('ten')).toEqual({ reason: "'ten' is not a number" });
    expect(parseDecimal('')).toEqual({ reason: 'no digits' });
  });

  it('isSupportedNumberLocale', () => {
    expect(isSupportedNumberLocale('de')).toBe(true);
    expect(isSupportedNumberLocale('en-US')).toBe(true);
    expect(isSupportedNumberLocale('de-CH')).toBe(true);
    expect(isSupportedNumberLocale('not a locale!')).toBe(false);
    expect(isSupportedNumberLocale('')).toBe(false);
  });
});

describe('number: valid, no locale', () => {
  const cases: [raw: string, expected: string][] = [
    // Plain.
    ['0', '0'],
    ['1', '1'],
    ['42', '42'],
    ['-42', '-42'],
    ['+42', '42'],
    ['007', '7'],
    ['000', '0'],
    ['-0', '0'],
    ['+0', '0'],
    ['-0.0', '0'],
    ['(0)', '0'],
    ['0.1', '0.1'],
    ['0.10', '0.1'],
    ['1.50', '1.5'],
    ['1.500000', '1.5'],
    ['1.0', '1'],
    ['1.', '1'],
    ['.5', '0.5'],
    ['-.5', '-0.5'],
    ['00.50', '0.5'],
    ['3.14159', '3.14159'],
    ['-273.15', '-273.15'],
    ['0.000001', '0.000001'],
    ['123456789012345678901234567890', '123456789012345678901234567890'],
    ['0.1234567890123456789', '0.1234567890123456789'],
    ['9007199254740993', '9007199254740993'], // 2^53 + 1: no float rounding
    ['  12  ', '12'],
    ['\u00a012\u00a0', '12'],
    ['1\u200b2', '12'], // zero-width space pasted in
    // Grouping with ',' and '.' (position of the last separator decides).
    ['1,234.50', '1234.5'],
    ['1.234,50', '1234.5'],
    ['1,234,567.89', '1234567.89'],
    ['1.234.567,89', '1234567.89'],
    ['1,234,567', '1234567'],
    ['1.234.567', '1234567'],
    ['12,345,678,901,234', '12345678901234'],
    ['-1,234.5', '-1234.5'],
    ['1,000.000', '1000'],
    ['1.000,000', '1000'],
    // A single separator: three digits after it group, anything else is decimal.
    ['1,500', '1500'],
    ['1.500', '1500'],
    ['12,500', '12500'],
    ['999.999', '999999'],
    ['1,5', '1.5'],
    ['1.5', '1.5'],
    ['1,50', '1.5'],
    ['1,05', '1.05'],
    ['1,2345', '1.2345'],
    ['1.2345', '1.2345'],
    ['0,500', '0.5'], // a group cannot start with 0
    ['0.500', '0.5'],
    ['0,001', '0.001'],
    ['1234.567', '1234.567'], // four digits before: not a group
    ['1234,567', '1234.567'],
    [',5', '0.5'],
    [',500', '0.5'],
    // Spaces and apostrophes always group.
    ['1 234', '1234'],
    ['1 234 567', '1234567'],
    ['1 234,50', '1234.5'],
    ['1 234.50', '1234.5'],
    ['1 234,567', '1234.567'], // space groups, so ',' is decimal
    ['1 234.567', '1234.567'],
    ['1\u00a0234,50', '1234.5'], // NBSP (de-AT, fr, ru)
    ['1\u202f234,50', '1234.5'], // narrow NBSP (fr)
    ['1\u2009234.50', '1234.5'], // thin space
    ['1\u2007234', '1234'], // figure space
    ["1'234.50", '1234.5'], // de-CH
    ["1'234'567", '1234567'],
    ['1\u2019234.50', '1234.5'], // right single quotation mark
    ["1'234,50", '1234.5'], // fr-CH style
    // Indian grouping.
    ['1,23,456', '123456'],
    ['12,34,567.89', '1234567.89'],
    ['1,00,00,000', '10000000'],
    // Signs.
    ['−5', '-5'], // U+2212 minus
    ['– 5', '-5'], // en dash
    ['－5', '-5'], // full-width hyphen-minus
    ['- 5', '-5'],
    ['15.25-', '-15.25'],
    ['15.25 -', '-15.25'],
    ['(15.25)', '-15.25'],
    ['( 15.25 )', '-15.25'],
    ['(1,234.50)', '-1234.5'],
    // Currency markers are accepted and dropped.
    ['$5', '5'],
    ['-$5.25', '-5.25'],
    ['$-5.25', '-5.25'],
    ['($5.25)', '-5.25'],
    ['$(5.25)', '-5.25'],
    ['5 EUR', '5'],
    ['€1.234,50', '1234.5'],
    // Scientific notation.
    ['1e3', '1000'],
    ['1E3', '1000'],
    ['1.5e3', '1500'],
    ['1.5E+3', '1500'],
    ['1.5e-3', '0.0015'],
    ['-2.5e-2', '-0.025'],
    ['1.23456e2', '123.456'],
    ['12e-1', '1.2'],
    ['0e10', '0'],
    ['1e0', '1'],
    ['1e-0', '1'],
    ['6.02214076e23', '602214076000000000000000'],
    ['1.6e-19', '0.00000000000000000016'],
    ['1,5e3', '1500'], // European decimal comma in scientific notation
    ['1.500e3', '1500'], // with an exponent the single separator is decimal
    ['1e1000', `1${'0'.repeat(1000)}`],
    // Other numbering systems.
    ['١٢٣', '123'], // Arabic-Indic
    ['١٬٢٣٤٫٥', '1234.5'], // with Arabic separators
    ['۱۲۳', '123'], // Extended Arabic-Indic (Persian)
    ['१२३', '123'], // Devanagari
    ['১২৩', '123'], // Bengali
    ['๑๒๓', '123'], // Thai
    ['１２３', '123'], // full width
    ['１，２３４．５', '1234.5'], // full-width separators
    ['𝟏𝟐𝟑', '123'], // mathematical bold digits (an astral run of 50)
    ['𝟙𝟚', '12'], // mathematical double-struck, later in the same run
  ];
  it.each(cases)('%j -> %j', (raw, expected) => {
    expect(number(raw)).toEqual({ ok: true, value: expected });
  });
});

describe('number: with a locale', () => {
  const cases: [raw: string, locale: string, expected: string][] = [
    ['1,500', 'en', '1500'],
    ['1,500', 'en-US', '1500'],
    ['1.500', 'en', '1.5'], // the locale says '.' is decimal
    ['1,500', 'de', '1.5'],
    ['1.500', 'de', '1500'],
    ['1.234,50', 'de', '1234.5'],
    ['1234,5', 'de', '1234.5'],
    ['1 234,5', 'de', '1234.5'], // spaces group in every locale
    ["1'234,5", 'de', '1234.5'],
    ['-1.234.567,891', 'de-DE', '-1234567.891'],
    ['1,234.50', 'en-GB', '1234.5'],
    ['1,234', 'en-IN', '1234'],
    ['12,34,567.5', 'en-IN', '1234567.5'],
    ["1'234.50", 'de-CH', '1234.5'],
    ['1’234.50', 'de-CH', '1234.5'],
    ['1,234.50', 'de-CH', '1234.5'], // ',' is no decimal there: it may group
    ['1\u202f234,5', 'fr', '1234.5'],
    ['1 234,5', 'fr-FR', '1234.5'],
    ['1.234,5', 'fr', '1234.5'],
    ['1,5', 'fr', '1.5'],
    ['1\u00a0234,5', 'ru', '1234.5'],
    ['1.234,56', 'pt-BR', '1234.56'],
    ['1,234.56', 'es-MX', '1234.56'],
    ['1.234,56', 'es', '1234.56'],
    ['1.234,56', 'it', '1234.56'],
    ['1.234,56', 'nl', '1234.56'],
    ['1 234,56', 'sv', '1234.56'],
    ['1 234,56', 'en-ZA', '1234.56'],
    ['١٬٢٣٤٫٥', 'ar-EG', '1234.5'],
    ['1.5', 'ja', '1.5'],
    ['0,5', 'de', '0.5'],
    ['1.5e3', 'en', '1500'],
    ['1,5e3', 'de', '1500'],
    ['(1.234,50 €)', 'de', '-1234.5'], // SPEC example
    // An unknown locale: values are read as without one.
    ['1.234,50', 'not a locale!', '1234.5'],
    ['1,500', '', '1500'],
  ];
  it.each(cases)('%j (%s) -> %j', (raw, locale, expected) => {
    expect(number(raw, locale)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['1.5', 'de'], // '.' groups in de, and 1.5 is no group
    ['1,234,56', 'en'],
    ['1,2', 'en'],
    ['1.234,50', 'en'], // ',' after the decimal '.'
    ['1,234.50', 'de'],
    ['1,5,6', 'de'],
    ['1.234.567', 'en'],
  ])('%j (%s) -> invalid_number', (raw, locale) => {
    expect(number(raw, locale)).toMatchObject({ ok: false, code: ERROR_CODES.invalidNumber });
  });
});

describe('number: invalid', () => {
  const cases: [raw: string, reason: string][] = [
    ['ten', "'ten' is not a number"],
    ['abc', "'abc' is not a number"],
    ['NaN', "'NaN' is not a number"],
    ['Infinity', "'Infinity' is not a number"],
    ['-Infinity', "'-Infinity' is not a number"],
    ['n/a', "'/' is not allowed"],
    ['N/A', "'/' is not allowed"],
    ['-', 'no digits'],
    ['--', 'no digits'],
    ['(', 'no digits'],
    ['$', 'no digits'],
    ['.', 'no digits'],
    [',', 'no digits'],
    ['()', 'no digits'],
    ['%', 'no digits'],
    ['1-2', "'-' is not allowed"],
    ['2024-03-04', "'-' is not allowed"],
    ['03/04/2024', "'/' is not allowed"],
    ['12:30', "':' is not allowed"],
    ['1/2', "'/' is not allowed"],
    ['202.555.0178', 'grouped wrongly'], // a phone number
    ['(202) 555-0143', 'unbalanced parentheses'],
    ['1.2.3', 'grouped wrongly'], // a version number
    ['1.2.3.4', 'grouped wrongly'],
    ['12 34', 'grouped wrongly'],
    ['1 5', 'grouped wrongly'],
    ['1,234,56', 'grouped wrongly'],
    ['1.234.56', 'grouped wrongly'],
    ['1234,567,890', 'grouped wrongly'],
    ['0,123,456', 'grouped wrongly'],
    ['1,,000', 'two separators in a row'],
    ['1..5', 'two separators in a row'],
    ['1. 5', 'two separators in a row'],
    ['1,234.5.6', "more than one decimal separator '.'"],
    ['1.234,5,6', "more than one decimal separator ','"],
    ['1,2.3,4', "more than one decimal separator ','"],
    ['1.5,', 'grouped wrongly'],
    ['1 234.567 890', 'after the decimal separator'],
    ["1 234'567", 'mixed group separators'],
    ['1,234 567', 'a separator after the decimal separator'],
    ['1.234 567', 'a separator after the decimal separator'],
    ['1 234.567.890', 'mixed group separators'],
    ['1٫2٫3', 'more than one decimal separator'],
    ['--5', 'more than one sign'],
    ['+-5', 'more than one sign'],
    ['-5-', 'more than one sign'],
    ['-(5)', 'more than one sign'],
    ['(-5)', 'more than one sign'],
    ['(5', 'unbalanced parentheses'],
    ['5)', 'unbalanced parentheses'],
    ['((5))', 'too many parentheses'],
    ['5%%', 'more than one percent sign'],
    ['50%', 'it is a percentage'],
    ['$5 € 6', "'€' is not allowed"],
    ['€5 USD', 'two different currencies'],
    ['5 EUR USD', 'two different currencies'],
    ['$ € 5 USD', 'too much text'],
    ['5 apples', "'apples' is not a currency symbol"],
    ['5 XYZ', "'XYZ' is not a known currency code"],
    ['abc5', "'abc' is not a known currency code"],
    ['abcd5', "'abcd' is not a currency symbol"],
    ['5e', "'e' is not a currency symbol"],
    ['0x1F', "'x' is not allowed"],
    ['1e', "'e' is not a currency symbol"],
    ['1e+', 'the exponent has no digits'],
    ['1e-', "'e' is not a currency symbol"],
    ['1e+-3', "'-' is not allowed in an exponent"],
    ['1e3.5', "'.' is not allowed in an exponent"],
    ['1e1001', 'exponent is beyond'],
    ['1e99999999999', 'exponent is beyond'],
    ['e5', "'e' is not a currency symbol"],
    ['1 2 3', 'grouped wrongly'],
    ['1٢3', 'mixes digits of different scripts'],
    ['１2', 'mixes digits of different scripts'],
    ['5 ½', "'½' is not allowed"],
    ['½', "'½' is not allowed"],
    ['²', "'²' is not allowed"], // superscripts are not decimal digits
    ['~5', "'~' is not allowed"],
    ['≈5', "'≈' is not allowed"],
    ['5*', "'*' is not allowed"],
    ['#5', "'#' is not allowed"],
    ['1_000', "'_' is not allowed"],
    ['=1+2', "'=' is not allowed"],
    ['5;6', "';' is not allowed"],
    ['"5"', `'"' is not allowed`],
  ];
  it.each(cases)('%j -> invalid_number (%s)', (raw, reason) => {
    const result = number(raw);
    expect(result).toMatchObject({ ok: false, code: ERROR_CODES.invalidNumber });
    expect(result.ok ? '' : result.message).toContain(reason);
    expect(result.ok ? '' : result.message).toMatch(/^Not a valid number: /);
  });
});

describe('integer', () => {
  const valid: [raw: string, expected: string][] = [
    ['0', '0'],
    ['42', '42'],
    ['-42', '-42'],
    ['+42', '42'],
    ['007', '7'],
    ['-0', '0'],
    ['1,500', '1500'],
    ['1.500', '1500'],
    ['1 500', '1500'],
    ["1'500", '1500'],
    ['1,234,567', '1234567'],
    ['1.234.567', '1234567'],
    ['12,34,567', '1234567'],
    ['3.0', '3'],
    ['3.00', '3'],
    ['3,00', '3'],
    ['3.', '3'],
    ['1,500.00', '1500'],
    ['(12)', '-12'],
    ['12-', '-12'],
    ['−12', '-12'],
    ['$1,500', '1500'],
    ['25 EUR', '25'],
    ['١٢', '12'],
    ['12345678901234567890123', '12345678901234567890123'],
  ];
  it.each(valid)('%j -> %j', (raw, expected) => {
    expect(integer(raw)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['1,500', 'de', '1.5'],
    ['1.500', 'en', '1.5'],
  ])('%j (%s) has a fraction -> invalid_integer', (raw, locale) => {
    expect(integer(raw, locale)).toMatchObject({
      ok: false,
      code: ERROR_CODES.invalidInteger,
      message: expect.stringContaining('fractional part'),
    });
  });

  const invalid: [raw: string, reason: string][] = [
    ['1.5', "fractional part ('.5')"],
    ['1,5', "fractional part ('.5')"],
    ['0.1', 'fractional part'],
    ['-0.01', 'fractional part'],
    ['2.50', "fractional part ('.50')"],
    ['1.0001', 'fractional part'],
    ['1e3', 'scientific notation'],
    ['1.5e3', 'scientific notation'],
    ['50%', 'percentage'],
    ['ten', 'is not a number'],
    ['twelve', 'is not a number'],
    ['12 34', 'grouped wrongly'],
    ['', 'no digits'],
  ];
  it.each(invalid)('%j -> invalid_integer (%s)', (raw, reason) => {
    const result = integer(raw);
    expect(result).toMatchObject({ ok: false, code: ERROR_CODES.invalidInteger });
    expect(result.ok ? '' : result.message).toMatch(/^Not a valid integer: /);
    expect(result.ok ? '' : result.message).toContain(reason);
  });
});

describe('currency', () => {
  const valid: [raw: string, expected: string][] = [
    // contacts-sample.csv, column balance.
    ['$2,500.00', '2500.00'],
    ['1.5', '1.50'],
    ['(15.25)', '-15.25'],
    ['300', '300.00'],
    ['₩1,000', '1000.00'],
    ['$0.50', '0.50'],
    // Two fraction digits at least, more kept when written, never rounded.
    ['0', '0.00'],
    ['-0', '0.00'],
    ['(0.00)', '0.00'],
    ['5', '5.00'],
    ['5.', '5.00'],
    ['.5', '0.50'],
    ['5.5', '5.50'],
    ['5.55', '5.55'],
    ['5.555', '5555.00'], // one '.' before three digits groups (no locale)
    ['0.555', '0.555'],
    ['5.5555', '5.5555'],
    ['1.2500', '1.25'],
    ['1.20', '1.20'],
    ['1.2000', '1.20'],
    ['0.125', '0.125'],
    ['19.999', '19999.00'],
    ['1234.5678', '1234.5678'],
    ['0.001', '0.001'],
    ['99999999999999999999.99', '99999999999999999999.99'],
    ['0.1', '0.10'],
    ['0.2', '0.20'],
    // Symbols and codes, before or after, with or without a space.
    ['$5', '5.00'],
    ['$ 5', '5.00'],
    ['5$', '5.00'],
    ['5 $', '5.00'],
    ['US$5', '5.00'],
    ['USD 10', '10.00'],
    ['USD10', '10.00'],
    ['10 USD', '10.00'],
    ['10USD', '10.00'],
    ['10 usd', '10.00'],
    ['10 EUR', '10.00'],
    ['EUR 1.234,56', '1234.56'],
    ['€10', '10.00'],
    ['10€', '10.00'],
    ['10 €', '10.00'],
    ['€ 1.234,56', '1234.56'],
    ['1.234,56 €', '1234.56'],
    ['£1,234.56', '1234.56'],
    ['¥1,000', '1000.00'],
    ['￥1,000', '1000.00'],
    ['1,000円', '1000.00'],
    ['₩50,000', '50000.00'],
    ['50,000원', '50000.00'],
    ['₹1,23,456.78', '123456.78'],
    ['Rs. 1,23,456', '123456.00'],
    ['Rs.500', '500.00'],
    ['Rs 500', '500.00'],
    ['CHF 1’234.50', '1234.50'],
    ["CHF 1'234.50", '1234.50'],
    ['Fr. 12.50', '12.50'],
    ['R$ 1.234,56', '1234.56'],
    ['R$1.234,56', '1234.56'],
    ['kr 1 234,50', '1234.50'],
    ['1 234,50 kr', '1234.50'],
    ['1.234,50 kr.', '1234.50'],
    ['100 SEK', '100.00'],
    ['1 234,50 zł', '1234.50'],
    ['1 234 Kč', '1234.00'],
    ['12 345 Ft', '12345.00'],
    ['₽1 000', '1000.00'],
    ['1 000 руб.', '1000.00'],
    ['₺1.234,50', '1234.50'],
    ['1.234,50 TL', '1234.50'],
    ['₪100', '100.00'],
    ['₫100.000', '100000.00'],
    ['₱1,000', '1000.00'],
    ['₦5,000', '5000.00'],
    ['฿100', '100.00'],
    ['R 100', '100.00'],
    ['Rp 10.000', '10000.00'],
    ['RM 10.50', '10.50'],
    ['C$10', '10.00'],
    ['A$10', '10.00'],
    ['NZ$10', '10.00'],
    ['HK$10', '10.00'],
    ['S$10', '10.00'],
    ['MX$10', '10.00'],
    ['$5 USD', '5.00'],
    ['USD $5', '5.00'],
    // Negatives.
    ['-$5.25', '-5.25'],
    ['$-5.25', '-5.25'],
    ['−$5.25', '-5.25'],
    ['($5.25)', '-5.25'],
    ['$(5.25)', '-5.25'],
    ['(5.25 $)', '-5.25'],
    ['(5.25) USD', '-5.25'],
    ['USD (5.25)', '-5.25'],
    ['5.25-', '-5.25'],
    ['$5.25-', '-5.25'],
    ['(1,234.50)', '-1234.50'],
    ['-€1.234,50', '-1234.50'],
    ['- 5', '-5.00'],
    ['+$5', '5.00'],
    ['$.99', '0.99'],
  ];
  it.each(valid)('%j -> %j', (raw, expected) => {
    expect(currency(raw)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['(1.234,50 €)', 'de', '-1234.50'], // SPEC example
    ['1.234,5', 'de', '1234.50'],
    ['5.555', 'en', '5.555'],
    ['5,555', 'de', '5.555'],
    ['$1,500', 'en-US', '1500.00'],
    ['1 500,00 €', 'fr', '1500.00'],
    ["CHF 1'234.50", 'de-CH', '1234.50'],
  ])('%j (%s) -> %j', (raw, locale, expected) => {
    expect(currency(raw, locale)).toEqual({ ok: true, value: expected });
  });

  const invalid: [raw: string, reason: string][] = [
    ['ten', 'is not a number'], // contacts-sample.csv
    ['free', 'is not a number'],
    ['TBD', "'TBD' is not a number"],
    ['$', 'no digits'],
    ['€', 'no digits'],
    ['10%', 'percentage'],
    ['1e3', 'scientific notation'],
    ['$1.5e3', 'scientific notation'],
    ['5 XYZ', 'not a known currency'],
    ['5 dollars', "'dollars' is not a currency symbol"],
    ['€5 USD', 'two different currencies'],
    ['5 ¢', "'¢' is not a currency symbol"], // cents would change the amount
    ['$5/mo', "'/' is not allowed"],
    ['$5-10', "'-' is not allowed"],
    ['$5 - $10', "'-' is not allowed"],
    ['(15.25', 'unbalanced parentheses'],
  ];
  it.each(invalid)('%j -> invalid_currency (%s)', (raw, reason) => {
    const result = currency(raw);
    expect(result).toMatchObject({ ok: false, code: ERROR_CODES.invalidCurrency });
    expect(result.ok ? '' : result.message).toMatch(/^Not a valid amount of money: /);
    expect(result.ok ? '' : result.message).toContain(reason);
  });
});

describe('percent (output: the fraction, 50% -> 0.5)', () => {
  const valid: [raw: string, expected: string][] = [
    ['50%', '0.5'],
    ['12.5%', '0.125'],
    ['100%', '1'],
    ['150%', '1.5'],
    ['1000%', '10'],
    ['0%', '0'],
    ['-0%', '0'],
    ['1%', '0.01'],
    ['0.5%', '0.005'],
    ['0.01%', '0.0001'],
    ['7%', '0.07'],
    ['33.333%', '0.33333'], // with a percent sign one separator is decimal
    ['33.333', '0.33333'], // in a percent column too
    ['33,333 %', '0.33333'],
    ['1,500%', '0.015'],
    ['1,500.5%', '15.005'],
    ['1,234,567%', '12345.67'],
    ['12.50%', '0.125'],
    ['-5%', '-0.05'],
    ['(5%)', '-0.05'],
    ['5%-', '-0.05'],
    ['−2.5%', '-0.025'],
    ['+3%', '0.03'],
    ['50 %', '0.5'], // French spacing
    ['50\u00a0%', '0.5'],
    ['%50', '0.5'], // Turkish
    ['% 50', '0.5'],
    ['12,5 %', '0.125'],
    ['12,5%', '0.125'],
    ['1,234.5%', '12.345'],
    ['٥٠٪', '0.5'], // Arabic digits and percent sign
    ['50％', '0.5'], // full-width percent sign
    // Without a percent sign the value is read in percent too.
    ['50', '0.5'],
    ['12.5', '0.125'],
    ['100', '1'],
    ['0.5', '0.005'],
    ['0', '0'],
    ['-3', '-0.03'],
    ['1234567890123456789', '12345678901234567.89'],
    ['0.000000000000000001%', '0.00000000000000000001'],
  ];
  it.each(valid)('%j -> %j', (raw, expected) => {
    expect(percent(raw)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['12,5 %', 'de', '0.125'],
    ['12.5 %', 'en', '0.125'],
    ['1.234,5%', 'de', '12.345'],
  ])('%j (%s) -> %j', (raw, locale, expected) => {
    expect(percent(raw, locale)).toEqual({ ok: true, value: expected });
  });

  const invalid: [raw: string, reason: string][] = [
    ['half', 'is not a number'],
    ['%', 'no digits'],
    ['50%%', 'more than one percent sign'],
    ['%50%', 'more than one percent sign'],
    ['$5', "it has a currency ('$')"],
    ['5% USD', "it has a currency ('USD')"],
    ['5e2%', 'scientific notation'],
    ['50‰', "'‰' is not allowed"],
    ['5-10%', "'-' is not allowed"],
    ['50 percent', "'percent' is not a currency symbol"],
  ];
  it.each(invalid)('%j -> invalid_percent (%s)', (raw, reason) => {
    const result = percent(raw);
    expect(result).toMatchObject({ ok: false, code: ERROR_CODES.invalidPercent });
    expect(result.ok ? '' : result.message).toMatch(/^Not a valid percentage: /);
    expect(result.ok ? '' : result.message).toContain(reason);
  });
});

describe('digit strings, never floating point', () => {
  it('keeps every decimal exactly (no 0.1 + 0.2 drift, no binary rounding)', () => {
    for (let cents = 0; cents < 1000; cents += 1) {
      const fraction = String(cents % 100).padStart(2, '0');
      const raw = `${Math.floor(cents / 100)}.${fraction}`;
      expect(currency(raw)).toEqual({ ok: true, value: raw });
    }
    for (const raw of ['0.1', '0.2', '0.3', '0.7', '1.1', '2.675', '1.005', '4.35', '0.57']) {
      expect(number(raw, 'en')).toEqual({ ok: true, value: raw });
    }
    expect(currency('1.005', 'en')).toEqual({ ok: true, value: '1.005' });
    expect(currency('2.675', 'en')).toEqual({ ok: true, value: '2.675' });
    expect(percent('0.07%')).toEqual({ ok: true, value: '0.0007' });
    expect(percent('14.2%')).toEqual({ ok: true, value: '0.142' });
    expect(percent('57%')).toEqual({ ok: true, value: '0.57' });
  });

  it('keeps every digit of huge values', () => {
    const big = `${'9'.repeat(500)}.${'1'.repeat(500)}`;
    expect(number(big)).toEqual({ ok: true, value: big });
    expect(currency(big)).toEqual({ ok: true, value: big });
    expect(integer('9'.repeat(1000))).toEqual({ ok: true, value: '9'.repeat(1000) });
    const grouped = `1${',000'.repeat(300)}`;
    expect(integer(grouped)).toEqual({ ok: true, value: `1${'0'.repeat(900)}` });
    expect(number('1e-1000')).toEqual({ ok: true, value: `0.${'0'.repeat(999)}1` });
  });

  it('re-reads its own output unchanged with locale en', () => {
    const inputs = ['1,234.50', '(15.25)', '1.5e-3', '0.125', '1 234,567', '$0.50', '007', '12.5'];
    for (const [normalize, name] of [
      [number, 'number'],
      [currency, 'currency'],
    ] as const) {
      for (const raw of inputs) {
        const once = normalize(raw);
        if (!once.ok) {
          expect(name === 'currency' && raw === '1.5e-3').toBe(true);
          continue;
        }
        expect(normalize(once.value, 'en')).toEqual(once);
      }
    }
  });
});

describe('header synonyms', () => {
  const all = [numberType, integerType, currencyType, percentType];
  it('are header keys (lower case letters and digits) without a trailing digit', () => {
    for (const definition of all) {
      for (const synonym of definition.headerSynonyms) {
        expect(synonym).toMatch(/^[a-z0-9]*[a-z]$/);
      }
    }
  });

  it('are claimed by one type only', () => {
    const seen = new Map<string, string>();
    for (const definition of all) {
      for (const synonym of definition.headerSynonyms) {
        expect(seen.get(synonym), synonym).toBeUndefined();
        seen.set(synonym, definition.type);
      }
    }
  });

  it.each([
    ['balance', 'currency'],
    ['amount', 'currency'],
    ['price', 'currency'],
    ['total', 'currency'],
    ['salary', 'currency'],
    ['fee', 'currency'],
    ['payment', 'currency'],
    ['hourlyrate', 'currency'],
    ['percent', 'percent'],
    ['pct', 'percent'],
    ['rate', 'percent'],
    ['discount', 'percent'],
    ['age', 'integer'],
    ['quantity', 'integer'],
    ['qty', 'integer'],
    ['count', 'integer'],
    ['number', 'number'],
    ['score', 'number'],
    ['weight', 'number'],
    ['height', 'number'],
  ])('%s -> %s', (key, type) => {
    expect(all.find((d) => d.headerSynonyms.includes(key))?.type).toBe(type);
  });
});

describe('looksLike', () => {
  it.each([
    ['1,234.50', ['number']],
    ['42', ['number', 'integer']],
    ['-7', ['number', 'integer']],
    ['1.5e3', ['number']],
    ['3.00', ['number', 'integer']],
    ['$2,500.00', ['currency']],
    ['10 EUR', ['currency']],
    ['(€5)', ['currency']],
    ['12.5%', ['percent']],
    ['%50', ['percent']],
    ['ten', []],
    ['2024-03-04', []],
    ['(202) 555-0143', []],
    ['202.555.0178', []],
    ['1.2.3', []],
    ['yes', []],
    ['5 apples', []],
  ] as const)('%j -> %j', (raw, types) => {
    const matching = [numberType, integerType, currencyType, percentType]
      .filter((d) => d.looksLike?.(raw))
      .map((d) => d.type);
    expect(matching).toEqual(types);
  });
});

describe('hostile input', () => {
  // Their speed is measured by `pnpm bench hostile-input`; this checks the answers.
  it('answers 100k-character values', () => {
    const n = 100_000;
    const inputs = [
      '1'.repeat(n),
      `${'1'.repeat(n)}.5`,
      `1${',000'.repeat(n / 4)}`,
      `1${',000'.repeat(n / 4)}.5`,
      `1${' 000'.repeat(n / 4)},5`,
      `1${'.000'.repeat(n / 4)},5`,
      '1,'.repeat(n / 2),
      '1 '.repeat(n / 2),
      '.'.repeat(n),
      ',5'.repeat(n / 2),
      '-'.repeat(n),
      '('.repeat(n),
      `${'('.repeat(n)}5${')'.repeat(n)}`,
      '$'.repeat(n),
      `$${' '.repeat(n)}5`,
      'a'.repeat(n),
      `${'a'.repeat(n)}5`,
      `5${'a'.repeat(n)}`,
      `5${'a.'.repeat(n / 2)}`,
      `${'kr.'.repeat(n / 3)}5`,
      '%'.repeat(n),
      `1e${'1'.repeat(n)}`,
      `1e${'0'.repeat(n)}5`,
      `${'1'.repeat(n)}e-1000`,
      '١'.repeat(n),
      '𝟏'.repeat(n / 2),
      `𝟏${'𝟿'.repeat(n / 2)}`,
      `${'١'.repeat(n / 2)}${'1'.repeat(n / 2)}`,
      `${' '.repeat(n)}5${' '.repeat(n)}`,
      '\u200b'.repeat(n),
    ];
    for (const raw of inputs) {
      for (const normalize of [number, integer, currency, percent]) {
        const result = normalize(raw);
        if (!result.ok) expect(result.message.length).toBeLessThan(200);
      }
      for (const definition of [numberType, integerType, currencyType, percentType]) {
        definition.looksLike?.(raw);
      }
    }
    expect(number('1'.repeat(n))).toEqual({ ok: true, value: '1'.repeat(n) });
    expect(number(`${' '.repeat(n)}5${' '.repeat(n)}`)).toEqual({ ok: true, value: '5' });
    expect(number(`1e${'0'.repeat(n)}5`)).toEqual({ ok: true, value: '100000' });
  });

  it('never throws', () => {
    const pieces = [
      '1',
      '0',
      ',',
      '.',
      ' ',
      "'",
      '-',
      '+',
      '(',
      ')',
      '$',
      '€',
      'e',
      'E',
      '%',
      'kr',
      'USD',
      '٫',
    ];
    let seed = 42;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    for (let i = 0; i < 3000; i += 1) {
      let raw = '';
      const length = next() % 10;
      for (let k = 0; k < length; k += 1) raw += pieces[next() % pieces.length];
      for (const normalize of [number, integer, currency, percent]) {
        const result = normalize(raw, i % 3 === 0 ? 'de' : undefined);
        if (result.ok) expect(result.value).toMatch(/^-?\d+(?:\.\d+)?$/);
        else expect(result.code).toMatch(/^invalid_(?:number|integer|currency|percent)$/);
      }
    }
  });
});
