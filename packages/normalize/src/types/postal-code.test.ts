import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../errors.ts';
import { postalCodeType } from './postal-code.ts';

const options = { phoneRegion: 'US' };
const postal = (raw: string, country?: string) =>
  postalCodeType.normalize(raw, options, country === undefined ? {} : { country });

describe('postal code: valid', () => {
  const cases: [raw: string, country: string | undefined, expected: string][] = [
    // SPEC section 3 and contacts-sample.csv.
    ['2134', 'US', '02134'],
    ['501', 'US', '00501'],
    ['1012 ab', 'NL', '1012 AB'],
    ['28013', 'ES', '28013'],
    ['eh11yz', 'GB', 'EH1 1YZ'],
    ['20500-0003', 'US', '20500-0003'],
    // US ZIP codes.
    ['12345', 'US', '12345'],
    ['90210', 'US', '90210'],
    ['10001', 'US', '10001'],
    ['99950', 'US', '99950'],
    ['00501', 'US', '00501'],
    ['00544', 'US', '00544'],
    ['544', 'US', '00544'],
    ['601', 'US', '00601'],
    ['2108', 'US', '02108'],
    ['7030', 'US', '07030'],
    ['8540', 'US', '08540'],
    [' 02134 ', 'US', '02134'],
    ['2134.0', 'US', '02134'], // a number exported as a float
    ['90210.0', 'US', '90210'],
    ['123456789', 'US', '12345-6789'],
    ['12345-6789', 'US', '12345-6789'],
    ['12345 6789', 'US', '12345-6789'],
    ['12345 - 6789', 'US', '12345-6789'],
    ['12345–6789', 'US', '12345-6789'], // en dash
    ['12345—6789', 'US', '12345-6789'], // em dash
    ['12345\u20116789', 'US', '12345-6789'], // non-breaking hyphen
    ['021346789', 'US', '02134-6789'],
    ['21346789', 'US', '02134-6789'], // ZIP+4 that lost its leading zero
    ['5016789', 'US', '00501-6789'],
    ['2134-6789', 'US', '02134-6789'],
    ['501-0001', 'US', '00501-0001'],
    ['20500-0003', 'US', '20500-0003'],
    ['１２３４５', 'US', '12345'], // full width
    // US territories and associated states use ZIP codes.
    ['901', 'PR', '00901'],
    ['00901', 'PR', '00901'],
    ['802', 'VI', '00802'],
    ['96910', 'GU', '96910'],
    ['96799', 'AS', '96799'],
    ['96950', 'MP', '96950'],
    ['96941', 'FM', '96941'],
    ['96960', 'MH', '96960'],
    ['96940', 'PW', '96940'],
    // United Kingdom.
    ['SW1A 1AA', 'GB', 'SW1A 1AA'],
    ['SW1A1AA', 'GB', 'SW1A 1AA'],
    ['sw1a1aa', 'GB', 'SW1A 1AA'],
    ['sw1a 1aa', 'GB', 'SW1A 1AA'],
    ['  SW1A   1AA ', 'GB', 'SW1A 1AA'],
    ['SW1A-1AA', 'GB', 'SW1A 1AA'],
    ['EH1 1YZ', 'GB', 'EH1 1YZ'],
    ['EH11YZ', 'GB', 'EH1 1YZ'],
    ['M1 1AE', 'GB', 'M1 1AE'], // A9
    ['m11ae', 'GB', 'M1 1AE'],
    ['B33 8TH', 'GB', 'B33 8TH'], // A99
    ['CR2 6XH', 'GB', 'CR2 6XH'], // AA9
    ['DN55 1PT', 'GB', 'DN55 1PT'], // AA99
    ['W1A 0AX', 'GB', 'W1A 0AX'], // A9A
    ['EC1A 1BB', 'GB', 'EC1A 1BB'], // AA9A
    ['ec1a1bb', 'GB', 'EC1A 1BB'],
    ['GU16 7HF', 'GB', 'GU16 7HF'],
    ['L1 8JQ', 'GB', 'L1 8JQ'],
    ['BT1 5GS', 'GB', 'BT1 5GS'], // Northern Ireland
    ['CF10 1EP', 'GB', 'CF10 1EP'], // Wales
    ['AB10 1XG', 'GB', 'AB10 1XG'], // Scotland
    ['ZE1 0AA', 'GB', 'ZE1 0AA'],
    ['GIR 0AA', 'GB', 'GIR 0AA'],
    ['gir0aa', 'GB', 'GIR 0AA'],
    ['JE2 3AB', 'JE', 'JE2 3AB'],
    ['gy11aa', 'GG', 'GY1 1AA'],
    ['IM1 1AA', 'IM', 'IM1 1AA'],
    // Canada.
    ['K1A 0B1', 'CA', 'K1A 0B1'],
    ['k1a0b1', 'CA', 'K1A 0B1'],
    ['K1A0B1', 'CA', 'K1A 0B1'],
    ['k1a 0b1', 'CA', 'K1A 0B1'],
    ['K1A-0B1', 'CA', 'K1A 0B1'],
    ['H2X 1Y4', 'CA', 'H2X 1Y4'],
    ['V6B 4Y8', 'CA', 'V6B 4Y8'],
    ['M5V 3L9', 'CA', 'M5V 3L9'],
    ['T2P 2M5', 'CA', 'T2P 2M5'],
    ['X0A 0H0', 'CA', 'X0A 0H0'], // Nunavut
    ['Y1A 6E6', 'CA', 'Y1A 6E6'],
    ['A1C 5M2', 'CA', 'A1C 5M2'],
    // Netherlands.
    ['1012 AB', 'NL', '1012 AB'],
    ['1012AB', 'NL', '1012 AB'],
    ['1012ab', 'NL', '1012 AB'],
    ['1012-AB', 'NL', '1012 AB'],
    ['1012  ab', 'NL', '1012 AB'],
    ['NL-1012 AB', 'NL', '1012 AB'],
    ['9999 ZZ', 'NL', '9999 ZZ'],
    ['1000 AA', 'NL', '1000 AA'],
    ['２５１１ ＣＶ', 'NL', '2511 CV'], // full width
    // Germany, France, Spain, Italy.
    ['80331', 'DE', '80331'],
    ['10115', 'DE', '10115'],
    ['01067', 'DE', '01067'],
    ['1067', 'DE', '01067'], // Dresden, lost its leading zero
    ['D-80331', 'DE', '80331'],
    ['D 80331', 'DE', '80331'],
    ['DE-80331', 'DE', '80331'],
    ['de-80331', 'DE', '80331'],
    ['75001', 'FR', '75001'],
    ['75008', 'FR', '75008'],
    ['1000', 'FR', '01000'],
    ['F-75001', 'FR', '75001'],
    ['FR-75001', 'FR', '75001'],
    ['20000', 'FR', '20000'], // Corsica
    ['97400', 'FR', '97400'],
    ['97400', 'RE', '97400'],
    ['97110', 'GP', '97110'],
    ['98000', 'MC', '98000'],
    ['28013', 'ES', '28013'],
    ['08001', 'ES', '08001'],
    ['8001', 'ES', '08001'],
    ['E-28013', 'ES', '28013'],
    ['ES-28013', 'ES', '28013'],
    ['01001', 'ES', '01001'],
    ['52001', 'ES', '52001'],
    ['00184', 'IT', '00184'],
    ['184', 'IT', '00184'], // Rome, lost two leading zeros
    ['20121', 'IT', '20121'],
    ['I-00184', 'IT', '00184'],
    ['IT-20121', 'IT', '20121'],
    ['47890', 'SM', '47890'],
    ['00120', 'VA', '00120'],
    // Other countries and no country: cleaned, upper case, kept.
    ['100-0001', 'JP', '100-0001'],
    ['01310-100', 'BR', '01310-100'],
    ['114 55', 'SE', '114 55'],
    ['00-950', 'PL', '00-950'],
    ['1000-001', 'PT', '1000-001'],
    ['2000', 'AU', '2000'],
    ['0150', 'NO', '0150'],
    ['1010', 'AT', '1010'],
    ['8001', 'CH', '8001'],
    ['D02 X285', 'IE', 'D02 X285'],
    ['d02 x285', 'IE', 'D02 X285'],
    ['110001', 'IN', '110001'],
    ['03187', 'KR', '03187'],
    ['vlt 1117', 'MT', 'VLT 1117'],
    ['AZ 1000', 'AZ', 'AZ 1000'],
    ['12345-67890', 'IR', '12345-67890'],
    ['  sw1a   1aa ', undefined, 'SW1A 1AA'],
    ['501', undefined, '501'], // no country: not padded
    ['2134', undefined, '2134'],
    ['1012ab', undefined, '1012AB'],
    ['k1a 0b1', undefined, 'K1A 0B1'],
    ['90210', undefined, '90210'],
    ['12345–6789', undefined, '12345-6789'],
  ];
  it.each(cases)('%j (%s) -> %j', (raw, country, expected) => {
    expect(postal(raw, country)).toEqual({ ok: true, value: expected });
  });

  it('blank -> empty', () => {
    for (const country of ['US', 'GB', undefined]) {
      for (const raw of ['', '  ', '\u200b']) {
        expect(postal(raw, country)).toEqual({ ok: true, value: '' });
      }
    }
  });

  it('is idempotent', () => {
    for (const [raw, country] of cases) {
      const once = postal(raw, country);
      expect(once.ok && postal(once.value, country)).toEqual(once);
    }
  });
});

describe('postal code: invalid', () => {
  const cases: [raw: string, country: string | undefined, reason: string][] = [
    // US.
    ['12', 'US', "Not a valid postal code for United States of America: '12', expected a ZIP code"],
    ['1', 'US', 'expected a ZIP code'],
    ['123456', 'US', 'expected a ZIP code'],
    ['1234567890', 'US', 'expected a ZIP code'],
    ['00000', 'US', 'expected a ZIP code'],
    ['100', 'US', 'expected a ZIP code'], // would be 00100: below the lowest ZIP code
    ['00499', 'US', 'expected a ZIP code'],
    ['12345-678', 'US', 'expected a ZIP code'],
    ['12345-67890', 'US', 'expected a ZIP code'],
    ['12345-', 'US', 'expected a ZIP code'],
    ['1234-5678-9', 'US', 'expected a ZIP code'],
    ['ABCDE', 'US', 'expected a ZIP code'],
    ['K1A 0B1', 'US', 'expected a ZIP code'],
    ['SW1A 1AA', 'US', 'expected a ZIP code'],
    ['9021O', 'US', 'expected a ZIP code'], // letter O
    ['90210.5', 'US', 'expected a ZIP code'],
    ['9.0210E+4', 'US', 'expected a ZIP code'],
    ['N/A', 'US', 'expected a ZIP code'],
    ['-', 'US', 'expected a ZIP code'],
    ['12 345', 'US', 'expected a ZIP code'],
    ['12', 'PR', 'Not a valid postal code for Puerto Rico'],
    // GB.
    ['EH1', 'GB', "Not a valid postal code for United Kingdom: 'EH1', expected a postcode"],
    ['EH1 1Y', 'GB', 'expected a postcode'],
    ['12345', 'GB', 'expected a postcode'],
    ['SW1A 1AAA', 'GB', 'expected a postcode'],
    ['QW1 1AA', 'GB', 'expected a postcode'], // Q is never first
    ['VA1 1AA', 'GB', 'expected a postcode'], // V is never first
    ['XA1 1AA', 'GB', 'expected a postcode'], // X is never first
    ['AI1 1AA', 'GB', 'expected a postcode'], // I is never second
    ['AJ1 1AA', 'GB', 'expected a postcode'], // J is never second
    ['AZ1 1AA', 'GB', 'expected a postcode'], // Z is never second
    ['SW1A 1CA', 'GB', 'expected a postcode'], // C is not an inward letter
    ['SW1A 1AI', 'GB', 'expected a postcode'],
    ['SW1A AAA', 'GB', 'expected a postcode'],
    ['EH1 1YZ 2', 'GB', 'expected a postcode'],
    ['1EH 1YZ', 'GB', 'expected a postcode'],
    ['EH111 1YZ', 'GB', 'expected a postcode'],
    ['London', 'GB', 'expected a postcode'],
    ['K1A 0B1', 'GB', 'expected a postcode'],
    ['JE2', 'JE', 'Not a valid postal code for Jersey'],
    // CA.
    [
      'K1A 0B',
      'CA',
      "Not a valid postal code for Canada: 'K1A 0B', expected a postal code such as K1A 0B1",
    ],
    ['K1A0B12', 'CA', 'expected a postal code such as K1A 0B1'],
    ['D1A 0B1', 'CA', 'expected a postal code such as K1A 0B1'], // D never used
    ['W1A 0B1', 'CA', 'expected a postal code such as K1A 0B1'], // W never first
    ['Z1A 0B1', 'CA', 'expected a postal code such as K1A 0B1'], // Z never first
    ['K1O 0B1', 'CA', 'expected a postal code such as K1A 0B1'], // O never used
    ['K1A 0U1', 'CA', 'expected a postal code such as K1A 0B1'], // U never used
    ['KKA 0B1', 'CA', 'expected a postal code such as K1A 0B1'],
    ['12345', 'CA', 'expected a postal code such as K1A 0B1'],
    ['K1A_0B1', 'CA', 'expected a postal code such as K1A 0B1'],
    // NL.
    [
      '1012',
      'NL',
      "Not a valid postal code for Netherlands: '1012', expected a postcode such as 1234 AB",
    ],
    ['0123 AB', 'NL', 'expected a postcode such as 1234 AB'],
    ['1012 A', 'NL', 'expected a postcode such as 1234 AB'],
    ['1012 ABC', 'NL', 'expected a postcode such as 1234 AB'],
    ['101 AB', 'NL', 'expected a postcode such as 1234 AB'],
    ['10123 AB', 'NL', 'expected a postcode such as 1234 AB'],
    ['1012 SA', 'NL', 'expected a postcode such as 1234 AB'],
    ['1012 SD', 'NL', 'expected a postcode such as 1234 AB'],
    ['1012 SS', 'NL', 'expected a postcode such as 1234 AB'],
    ['AB 1012', 'NL', 'expected a postcode such as 1234 AB'],
    // DE, FR, ES, IT.
    ['803', 'DE', 'Not a valid postal code for Germany'],
    ['803310', 'DE', 'expected a 5-digit postal code'],
    ['00123', 'DE', 'expected a 5-digit postal code'],
    ['80331 München', 'DE', 'expected a 5-digit postal code'],
    ['A-1010', 'DE', 'expected a 5-digit postal code'],
    ['F-75001', 'DE', 'expected a 5-digit postal code'],
    ['750', 'FR', 'Not a valid postal code for France'],
    ['00100', 'FR', 'expected a 5-digit postal code'],
    ['75001 CEDEX', 'FR', 'expected a 5-digit postal code'],
    ['53001', 'ES', 'Not a valid postal code for Spain'],
    ['99999', 'ES', 'expected a 5-digit postal code'],
    ['00100', 'ES', 'expected a 5-digit postal code'],
    ['280133', 'ES', 'expected a 5-digit postal code'],
    ['28', 'ES', 'expected a 5-digit postal code'],
    ['12', 'IT', 'Not a valid postal code for Italy'],
    ['IT-1234567', 'IT', 'expected a 5-digit postal code'],
    ['9740', 'RE', 'Not a valid postal code for Reunion'],
    // Generic.
    ['N/A', undefined, "Not a valid postal code: 'N/A', expected letters and digits"],
    ['n/a', 'JP', "Not a valid postal code for Japan: 'n/a'"],
    ['unknown', undefined, 'expected letters and digits'],
    ['none', 'AU', 'expected letters and digits'],
    ['-', undefined, 'expected letters and digits'],
    ['?', undefined, 'expected letters and digits'],
    ['#12345', undefined, 'expected letters and digits'],
    ['123 Main Street', undefined, 'expected letters and digits'],
    ['1234567890123', undefined, 'expected letters and digits'],
    ['12--34', undefined, 'expected letters and digits'],
    ['-1234', undefined, 'expected letters and digits'],
    ['1234-', undefined, 'expected letters and digits'],
    ['12.345', 'AU', 'expected letters and digits'],
    ['〒100-0001', 'JP', 'expected letters and digits'],
    ['ПОЧТА', 'RU', 'expected letters and digits'],
    ['12.34', undefined, 'expected letters and digits'],
  ];
  it.each(cases)('%j (%s) -> invalid_postal_code', (raw, country, reason) => {
    const result = postal(raw, country);
    expect(result).toMatchObject({ ok: false, code: ERROR_CODES.invalidPostalCode });
    expect(result.ok ? '' : result.message).toContain(reason);
  });
});

describe('postal code: looksLike', () => {
  it.each(['12345', '12345-6789', 'SW1A 1AA', 'eh11yz', 'K1A 0B1', 'k1a0b1', '1012 AB', '1012ab'])(
    '%j looks like a postal code',
    (raw) => {
      expect(postalCodeType.looksLike?.(raw)).toBe(true);
    },
  );
  it.each([
    '1234', // could be anything
    '123456',
    'Atlantis',
    'United States',
    'CA',
    '2024-01-01',
    '(415) 555-2671',
    '',
    'x'.repeat(100_000),
  ])('%j does not', (raw) => {
    expect(postalCodeType.looksLike?.(raw)).toBe(false);
  });
});

describe('postal code: header synonyms', () => {
  it('are header keys', () => {
    for (const synonym of postalCodeType.headerSynonyms) expect(synonym).toMatch(/^[a-z0-9]+$/);
    expect(postalCodeType.headerSynonyms).toEqual(
      expect.arrayContaining(['postalcode', 'zip', 'zipcode', 'postcode', 'plz', 'cp', 'postal']),
    );
  });
});

describe('postal code: hostile input', () => {
  // Their speed is measured by `pnpm bench hostile-input`; this checks the answers.
  it('answers 100k-character values', () => {
    const n = 100_000;
    const inputs = [
      '1'.repeat(n),
      'a'.repeat(n),
      `${' '.repeat(n)}02134${' '.repeat(n)}`,
      '- '.repeat(n / 2),
      '1-'.repeat(n / 2),
      `${'1 '.repeat(n / 2)}x`,
      'D-'.repeat(n / 2),
      `${'0'.repeat(n)}.0`,
    ];
    for (const country of ['US', 'GB', 'CA', 'NL', 'DE', 'IT', 'JP', undefined]) {
      for (const raw of inputs) {
        const result = postal(raw, country);
        if (!result.ok) expect(result.message.length).toBeLessThan(200);
      }
    }
    expect(postal(`${' '.repeat(n)}2134${' '.repeat(n)}`, 'US')).toEqual({
      ok: true,
      value: '02134',
    });
  });
});
