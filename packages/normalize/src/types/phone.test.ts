import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../errors.ts';
import { normalizeValue } from '../registry.ts';
import { isSupportedPhoneRegion, looksLikePhone } from './phone.ts';

const phone = (raw: string, phoneRegion = 'US') => normalizeValue('phone', raw, { phoneRegion });

describe('phone: valid', () => {
  const cases: [raw: string, region: string, expected: string][] = [
    // SPEC section 3 and contacts-sample.csv.
    ['(415) 555-2671', 'US', '+14155552671'],
    ['(202) 555-0143', 'US', '+12025550143'],
    ['202.555.0178', 'US', '+12025550178'],
    ['+31 20 123 4567', 'US', '+31201234567'],
    ['+353 1 234 5678', 'US', '+35312345678'],
    ['+34 912 34 56 78', 'US', '+34912345678'],
    ['+44 131 496 0000', 'US', '+441314960000'],
    // US national formats.
    ['415-555-2671', 'US', '+14155552671'],
    ['415 555 2671', 'US', '+14155552671'],
    ['4155552671', 'US', '+14155552671'],
    ['(415)555-2671', 'US', '+14155552671'],
    ['1 (415) 555-2671', 'US', '+14155552671'],
    ['1-415-555-2671', 'US', '+14155552671'],
    ['14155552671', 'US', '+14155552671'],
    ['+1 415 555 2671', 'US', '+14155552671'],
    ['+1 (415) 555-2671', 'US', '+14155552671'],
    ['+1-415-555-2671', 'US', '+14155552671'],
    ['+14155552671', 'US', '+14155552671'],
    ['+ 1 415 555 2671', 'US', '+14155552671'],
    ['+1 800 555 0199', 'US', '+18005550199'], // toll free
    ['+1 (416) 555-0123', 'US', '+14165550123'], // Canada shares +1
    // International prefixes: the region's own (011 in the US) and 00.
    ['011 44 20 7946 0958', 'US', '+442079460958'],
    ['0044 20 7946 0958', 'US', '+442079460958'],
    ['00 44 20 7946 0958', 'US', '+442079460958'],
    ['001 415 555 2671', 'US', '+14155552671'],
    ['0031 20 123 4567', 'NL', '+31201234567'],
    ['+44 (0) 20 7946 0958', 'US', '+442079460958'],
    // Other countries, international form.
    ['+49 30 123456', 'US', '+4930123456'],
    ['+33 1 23 45 67 89', 'US', '+33123456789'],
    ['+81 3-1234-5678', 'US', '+81312345678'],
    ['+86 138 0013 8000', 'US', '+8613800138000'],
    ['+91 98765 43210', 'US', '+919876543210'],
    ['+61 2 9876 5432', 'US', '+61298765432'],
    ['+7 800 555-35-35', 'US', '+78005553535'],
    ['+44 7911 123456', 'US', '+447911123456'],
    // National form in other default regions.
    ['020 7946 0958', 'GB', '+442079460958'],
    ['07911 123456', 'GB', '+447911123456'],
    ['020 123 4567', 'NL', '+31201234567'],
    ['030 123456', 'DE', '+4930123456'],
    ['8 (800) 555-35-35', 'RU', '+78005553535'],
    ['01 23 45 67 89', 'FR', '+33123456789'],
    ['020 7946 0958', 'gb', '+442079460958'], // region in lower case
    // Extensions, URIs and Unicode input.
    ['415-555-2671 ext. 123', 'US', '+14155552671;ext=123'],
    ['415-555-2671 ext.123', 'US', '+14155552671;ext=123'],
    ['(415) 555-2671 ext 45', 'US', '+14155552671;ext=45'],
    ['415 555 2671 x123', 'US', '+14155552671;ext=123'],
    ['415 555 2671 extension 123', 'US', '+14155552671;ext=123'],
    ['415-555-2671 #123', 'US', '+14155552671;ext=123'],
    ['+1 415 555 2671;ext=99', 'US', '+14155552671;ext=99'],
    ['tel:+1-415-555-2671;ext=123', 'US', '+14155552671;ext=123'],
    ['TEL:+14155552671', 'US', '+14155552671'],
    ['＋１ ４１５ ５５５ ２６７１', 'US', '+14155552671'], // full-width
    ['415\u00a0555\u00a02671', 'US', '+14155552671'],
    ['\u200b(415) 555-2671\u200b', 'US', '+14155552671'],
    ['  (415) 555-2671  ', 'US', '+14155552671'],
    ['\t+44 20 7946 0958\r\n', 'US', '+442079460958'],
  ];
  it.each(cases)('%j (%s) -> %j', (raw, region, expected) => {
    expect(phone(raw, region)).toEqual({ ok: true, value: expected });
  });

  it('reads international numbers even when the default region is not supported', () => {
    expect(phone('+44 20 7946 0958', 'XX')).toEqual({ ok: true, value: '+442079460958' });
  });

  it.each(['', '   ', '\t\r\n', '\u200b', '\u00a0'])('blank %j -> empty', (raw) => {
    expect(phone(raw)).toEqual({ ok: true, value: '' });
  });
});

describe('phone: invalid', () => {
  const cases: [raw: string, region: string, reason: string][] = [
    ['123', 'US', 'too short'],
    ['555-1234', 'US', 'too short'], // local number without area code
    ['1234567', 'US', 'too short'],
    ['+1', 'US', 'too short'],
    ['+12', 'US', 'too short'],
    ['00', 'US', 'too short'],
    ['12345678901234567890', 'US', 'too long'],
    ['4155552671.0', 'US', 'too long'], // spreadsheet float
    ['(202) 555-01434', 'US', 'too long'],
    ['07911 123456', 'US', 'too long'], // UK national form read as US
    ['(111) 222-3333', 'US', 'not a valid number for region US'], // no such area code
    ['(415) 123-4567', 'US', 'not a valid number for region US'], // exchange cannot start with 1
    ['+1 222 333 3333', 'US', 'no such number with country calling code +1'],
    ['+999 123 456 789', 'US', 'unknown country calling code'],
    ['0099 123 456 789', 'US', 'unknown country calling code'],
    ['abc', 'US', 'no digits'],
    ['+', 'US', 'no digits'],
    ['n/a', 'US', 'no digits'],
    ['-', 'US', 'no digits'],
    ['none', 'US', 'no digits'],
    ['1-800-FLOWERS', 'US', 'no digits'], // vanity numbers are not parsed
    ['1.4155552671E+10', 'US', 'no digits'], // spreadsheet scientific notation
    ['Call (415) 555-2671', 'US', 'no digits'], // the whole cell must be the number
    ['(415) 555-2671 / (415) 555-2672', 'US', 'too long'], // two numbers in one cell
    ['+1 415 555 2671 x', 'US', 'no digits'],
    ['john@example.com', 'US', 'no digits'],
    ['415 555 2671', 'XX', "default region 'XX' is not a supported region"],
    ['415 555 2671', '', "default region '' is not a supported region"],
    ['x'.repeat(251), 'US', 'too long'],
  ];
  it.each(cases)('%j (%s) -> invalid_phone (%s)', (raw, region, reason) => {
    const result = phone(raw, region);
    expect(result).toMatchObject({ ok: false, code: ERROR_CODES.invalidPhone });
    expect(result.ok ? '' : result.message).toContain(reason);
  });
});

describe('phone: hostile input', () => {
  // Their speed is measured by `pnpm bench hostile-input`; this checks the answers.
  it('answers 100k-character values', () => {
    const n = 100_000;
    const inputs = [
      '1'.repeat(n),
      '+'.repeat(n),
      `+${'1 '.repeat(n / 2)}`,
      '('.repeat(n),
      '00'.repeat(n / 2),
      `${' '.repeat(n)}415 555 2671${' '.repeat(n)}`,
      `415 555 2671 ext ${'1'.repeat(n)}`,
      `tel:${'tel:'.repeat(n / 4)}`,
      'ｘ'.repeat(n),
    ];
    for (const raw of inputs) {
      const result = phone(raw);
      if (!result.ok) expect(result.message.length).toBeLessThan(200);
    }
    expect(phone(`${' '.repeat(n)}415 555 2671${' '.repeat(n)}`)).toEqual({
      ok: true,
      value: '+14155552671',
    });
    expect(phone('1'.repeat(n))).toMatchObject({ ok: false, code: ERROR_CODES.invalidPhone });
  });
});

describe('isSupportedPhoneRegion', () => {
  it.each([
    ['US', true],
    ['gb', true],
    [' NL ', true],
    ['XX', false],
    ['', false],
    ['USA', false],
  ] as const)('%j -> %s', (region, expected) => {
    expect(isSupportedPhoneRegion(region)).toBe(expected);
  });
});

describe('looksLikePhone (value sampling)', () => {
  it.each([
    ['(415) 555-2671', true],
    ['+44 131 496 0000', true],
    ['202.555.0178', true],
    ['+1 415 555 2671 ext. 12', true],
    ['4155552671', false],
    ['12345', false],
    ['2024-01-02', false],
    ['31.12.2020', false],
    ['hello', false],
    ['$2,500.00', false],
    ['  (415) 555-2671\t', true],
    [`${' '.repeat(40)}(415) 555-2671`, true],
  ])('%j -> %s', (raw, expected) => {
    expect(looksLikePhone(raw)).toBe(expected);
  });

  // Spaces around a non-phone once cost quadratic time here (100 s at 100 k
  // characters; the hostile-input bench measures it): these must answer.
  it('answers long runs of spaces around a value', () => {
    const spaces = ' '.repeat(50_000);
    expect(looksLikePhone(`${spaces}yes${spaces}`)).toBe(false);
    expect(looksLikePhone(`${spaces}(415) 555-2671${spaces}`)).toBe(true);
    expect(looksLikePhone(`(415) 555-2671 ${'1'.repeat(100)}`)).toBe(false);
  });
});
