import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../errors.ts';
import { regionType } from './region.ts';

const options = { phoneRegion: 'US' };
const region = (raw: string, country?: string) =>
  regionType.normalize(raw, options, country === undefined ? {} : { country });

/** Every US code with its name, as USPS writes them. */
const US: [code: string, name: string][] = [
  ['AL', 'Alabama'],
  ['AK', 'Alaska'],
  ['AZ', 'Arizona'],
  ['AR', 'Arkansas'],
  ['CA', 'California'],
  ['CO', 'Colorado'],
  ['CT', 'Connecticut'],
  ['DE', 'Delaware'],
  ['DC', 'District of Columbia'],
  ['FL', 'Florida'],
  ['GA', 'Georgia'],
  ['HI', 'Hawaii'],
  ['ID', 'Idaho'],
  ['IL', 'Illinois'],
  ['IN', 'Indiana'],
  ['IA', 'Iowa'],
  ['KS', 'Kansas'],
  ['KY', 'Kentucky'],
  ['LA', 'Louisiana'],
  ['ME', 'Maine'],
  ['MD', 'Maryland'],
  ['MA', 'Massachusetts'],
  ['MI', 'Michigan'],
  ['MN', 'Minnesota'],
  ['MS', 'Mississippi'],
  ['MO', 'Missouri'],
  ['MT', 'Montana'],
  ['NE', 'Nebraska'],
  ['NV', 'Nevada'],
  ['NH', 'New Hampshire'],
  ['NJ', 'New Jersey'],
  ['NM', 'New Mexico'],
  ['NY', 'New York'],
  ['NC', 'North Carolina'],
  ['ND', 'North Dakota'],
  ['OH', 'Ohio'],
  ['OK', 'Oklahoma'],
  ['OR', 'Oregon'],
  ['PA', 'Pennsylvania'],
  ['RI', 'Rhode Island'],
  ['SC', 'South Carolina'],
  ['SD', 'South Dakota'],
  ['TN', 'Tennessee'],
  ['TX', 'Texas'],
  ['UT', 'Utah'],
  ['VT', 'Vermont'],
  ['VA', 'Virginia'],
  ['WA', 'Washington'],
  ['WV', 'West Virginia'],
  ['WI', 'Wisconsin'],
  ['WY', 'Wyoming'],
  ['PR', 'Puerto Rico'],
  ['GU', 'Guam'],
  ['VI', 'U.S. Virgin Islands'],
  ['AS', 'American Samoa'],
  ['MP', 'Northern Mariana Islands'],
  ['FM', 'Federated States of Micronesia'],
  ['MH', 'Marshall Islands'],
  ['PW', 'Palau'],
  ['AA', 'Armed Forces Americas'],
  ['AE', 'Armed Forces Europe'],
  ['AP', 'Armed Forces Pacific'],
];

const CA: [code: string, name: string][] = [
  ['AB', 'Alberta'],
  ['BC', 'British Columbia'],
  ['MB', 'Manitoba'],
  ['NB', 'New Brunswick'],
  ['NL', 'Newfoundland and Labrador'],
  ['NS', 'Nova Scotia'],
  ['NT', 'Northwest Territories'],
  ['NU', 'Nunavut'],
  ['ON', 'Ontario'],
  ['PE', 'Prince Edward Island'],
  ['QC', 'Quebec'],
  ['SK', 'Saskatchewan'],
  ['YT', 'Yukon'],
];

describe('region: every code and name', () => {
  const cases = [
    ...US.map(([code, name]) => [code, name, 'US'] as const),
    ...CA.map(([code, name]) => [code, name, 'CA'] as const),
  ];
  it.each(cases)('%s %s', (code, name, country) => {
    for (const context of [country, undefined]) {
      expect(region(name, context)).toEqual({ ok: true, value: code });
      expect(region(name.toUpperCase(), context)).toEqual({ ok: true, value: code });
      expect(region(name.toLowerCase(), context)).toEqual({ ok: true, value: code });
      expect(region(code, context)).toEqual({ ok: true, value: code });
      expect(region(code.toLowerCase(), context)).toEqual({ ok: true, value: code });
      expect(region(`${country}-${code}`, context)).toEqual({ ok: true, value: code });
    }
  });

  it('codes are unique across the two countries', () => {
    const codes = [...US, ...CA].map(([code]) => code);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('region: valid', () => {
  const cases: [raw: string, country: string | undefined, expected: string][] = [
    // SPEC section 3 and contacts-sample.csv.
    ['California', undefined, 'CA'],
    ['Virginia', 'US', 'VA'],
    ['dc', 'US', 'DC'],
    // Abbreviations.
    ['Calif.', 'US', 'CA'],
    ['Calif', 'US', 'CA'],
    ['Cal.', 'US', 'CA'],
    ['Mass.', 'US', 'MA'],
    ['Penn.', 'US', 'PA'],
    ['Penna.', 'US', 'PA'],
    ['Pa.', 'US', 'PA'],
    ['N.Y.', 'US', 'NY'],
    ['N. Y.', 'US', 'NY'],
    ['n.y.', undefined, 'NY'],
    ['D.C.', 'US', 'DC'],
    ['D. C.', undefined, 'DC'],
    ['Wash. D.C.', 'US', 'DC'],
    ['Washington D.C.', 'US', 'DC'],
    ['Washington, D.C.', 'US', 'DC'],
    ['Washington DC', undefined, 'DC'],
    ['Washington, DC', undefined, 'DC'],
    ['District of Columbia', undefined, 'DC'],
    ['Wash.', 'US', 'WA'],
    ['Washington State', 'US', 'WA'],
    ['Ala.', 'US', 'AL'],
    ['Ariz.', 'US', 'AZ'],
    ['Ark.', 'US', 'AR'],
    ['Colo.', 'US', 'CO'],
    ['Conn.', 'US', 'CT'],
    ['Del.', 'US', 'DE'],
    ['Fla.', 'US', 'FL'],
    ['Ga.', 'US', 'GA'],
    ['Ill.', 'US', 'IL'],
    ['Ind.', 'US', 'IN'],
    ['Kan.', 'US', 'KS'],
    ['Kans.', 'US', 'KS'],
    ['Ky.', 'US', 'KY'],
    ['La.', 'US', 'LA'],
    ['Md.', 'US', 'MD'],
    ['Me.', 'US', 'ME'],
    ['Mich.', 'US', 'MI'],
    ['Minn.', 'US', 'MN'],
    ['Miss.', 'US', 'MS'],
    ['Mo.', 'US', 'MO'],
    ['Mont.', 'US', 'MT'],
    ['Neb.', 'US', 'NE'],
    ['Nebr.', 'US', 'NE'],
    ['Nev.', 'US', 'NV'],
    ['N.H.', 'US', 'NH'],
    ['N.J.', 'US', 'NJ'],
    ['N.M.', 'US', 'NM'],
    ['N. Mex.', 'US', 'NM'],
    ['N.C.', 'US', 'NC'],
    ['N. Car.', 'US', 'NC'],
    ['N.D.', 'US', 'ND'],
    ['N. Dak.', 'US', 'ND'],
    ['Okla.', 'US', 'OK'],
    ['Ore.', 'US', 'OR'],
    ['Oreg.', 'US', 'OR'],
    ['R.I.', 'US', 'RI'],
    ['S.C.', 'US', 'SC'],
    ['S.D.', 'US', 'SD'],
    ['S. Dak.', 'US', 'SD'],
    ['Tenn.', 'US', 'TN'],
    ['Tex.', 'US', 'TX'],
    ['Vt.', 'US', 'VT'],
    ['Va.', 'US', 'VA'],
    ['W.Va.', 'US', 'WV'],
    ['W. Va.', 'US', 'WV'],
    ['Wis.', 'US', 'WI'],
    ['Wisc.', 'US', 'WI'],
    ['Wyo.', 'US', 'WY'],
    ['P.R.', 'US', 'PR'],
    ['Alta.', 'CA', 'AB'],
    ['B.C.', 'CA', 'BC'],
    ['Man.', 'CA', 'MB'],
    ['N.B.', 'CA', 'NB'],
    ['Nfld.', 'CA', 'NL'],
    ['Newfoundland', 'CA', 'NL'],
    ['Newfoundland & Labrador', 'CA', 'NL'],
    ['NF', 'CA', 'NL'], // the code before 2002
    ['N.S.', 'CA', 'NS'],
    ['N.W.T.', 'CA', 'NT'],
    ['NWT', 'CA', 'NT'],
    ['Ont.', 'CA', 'ON'],
    ['P.E.I.', 'CA', 'PE'],
    ['PEI', 'CA', 'PE'],
    ['Que.', 'CA', 'QC'],
    ['Qué.', 'CA', 'QC'],
    ['PQ', 'CA', 'QC'], // the code before 1990
    ['P.Q.', undefined, 'QC'],
    ['Sask.', 'CA', 'SK'],
    ['Y.T.', 'CA', 'YT'],
    ['YK', 'CA', 'YT'],
    ['Yukon Territory', 'CA', 'YT'],
    // French names, accents.
    ['Québec', 'CA', 'QC'],
    ['QUÉBEC', 'CA', 'QC'],
    ['Que\u0301bec', 'CA', 'QC'], // NFD
    ['Province de Québec', 'CA', 'QC'],
    ['Colombie-Britannique', 'CA', 'BC'],
    ['Nouveau-Brunswick', 'CA', 'NB'],
    ['Nouvelle-Écosse', 'CA', 'NS'],
    ['Terre-Neuve-et-Labrador', 'CA', 'NL'],
    ['Île-du-Prince-Édouard', 'CA', 'PE'],
    ['Territoires du Nord-Ouest', 'CA', 'NT'],
    ['Hawaiʻi', 'US', 'HI'],
    ["Hawai'i", 'US', 'HI'],
    // Spelled out around the name.
    ['State of New York', 'US', 'NY'],
    ['New York State', 'US', 'NY'],
    ['NEW YORK STATE', undefined, 'NY'],
    ['State of Texas', undefined, 'TX'],
    ['Commonwealth of Massachusetts', 'US', 'MA'],
    ['Commonwealth of Pennsylvania', 'US', 'PA'],
    ['Commonwealth of Virginia', 'US', 'VA'],
    ['Commonwealth of Puerto Rico', 'US', 'PR'],
    ['Province of Ontario', 'CA', 'ON'],
    ['Ontario Province', 'CA', 'ON'],
    ['Territory of Guam', 'US', 'GU'],
    ['Texas, USA', undefined, 'TX'],
    ['Texas, US', 'US', 'TX'],
    ['Texas, United States', undefined, 'TX'],
    ['Ontario, Canada', undefined, 'ON'],
    ['ON, Canada', 'CA', 'ON'],
    ['Quebec, CA', undefined, 'QC'],
    // ISO 3166-2.
    ['US-CA', undefined, 'CA'],
    ['us-ny', 'US', 'NY'],
    ['US_TX', 'US', 'TX'],
    ['CA-ON', undefined, 'ON'],
    ['ca-qc', 'CA', 'QC'],
    // Territories and military.
    ['Virgin Islands', 'US', 'VI'],
    ['USVI', 'US', 'VI'],
    ['CNMI', 'US', 'MP'],
    ['Armed Forces Middle East', 'US', 'AE'],
    ['Armed Forces Europe, the Middle East, and Canada', 'US', 'AE'],
    ['Armed Forces Americas (except Canada)', 'US', 'AA'],
    // Territories' own country codes use US state codes.
    ['PR', 'PR', 'PR'],
    ['Puerto Rico', 'PR', 'PR'],
    ['GU', 'GU', 'GU'],
    ['VI', 'VI', 'VI'],
    ['AS', 'AS', 'AS'],
    ['MP', 'MP', 'MP'],
    // Spacing, punctuation, case.
    ['  new   york ', 'US', 'NY'],
    ['NEW-YORK', 'US', 'NY'],
    ['new_york', 'US', 'NY'],
    ['NewYork', 'US', 'NY'],
    ['north carolina', 'US', 'NC'],
    ['N Carolina', 'US', 'NC'],
    ['So. Carolina', 'US', 'SC'],
    ['west virginia', 'US', 'WV'],
    ['\u00a0Texas\u200b', 'US', 'TX'],
    ['"TX"', 'US', 'TX'],
    ['tx.', 'US', 'TX'],
    ['ｔｘ', 'US', 'TX'], // full width
    ['British-Columbia', 'CA', 'BC'],
  ];
  it.each(cases)('%j (%s) -> %j', (raw, country, expected) => {
    expect(region(raw, country)).toEqual({ ok: true, value: expected });
  });

  it('blank -> empty', () => {
    for (const raw of ['', '   ', '\u200b']) {
      expect(region(raw, 'US')).toEqual({ ok: true, value: '' });
      expect(region(raw)).toEqual({ ok: true, value: '' });
    }
  });

  it('is idempotent', () => {
    for (const [raw, country] of cases) {
      const once = region(raw, country);
      expect(once.ok && region(once.value, country)).toEqual(once);
    }
  });
});

describe('region: other countries keep the cleaned value', () => {
  const cases: [raw: string, country: string, expected: string][] = [
    ['Bayern', 'DE', 'Bayern'],
    ['  Île-de-France ', 'FR', 'Île-de-France'],
    ['NSW', 'AU', 'NSW'],
    ['New South Wales', 'AU', 'New South Wales'],
    ['WA', 'AU', 'WA'], // Western Australia
    ['wa', 'AU', 'wa'],
    ['Victoria', 'AU', 'Victoria'],
    ['Baja California', 'MX', 'Baja California'],
    ['Scotland', 'GB', 'Scotland'],
    ['Noord-Holland', 'NL', 'Noord-Holland'],
    ['Comunidad de Madrid', 'ES', 'Comunidad de Madrid'],
    ['Dublin', 'IE', 'Dublin'],
    ['서울특별시', 'KR', '서울특별시'],
    ['Georgia', 'GE', 'Georgia'], // not turned into GA
    ['California', 'FR', 'California'],
    ['ON', 'GB', 'ON'],
    ['XX', 'DE', 'XX'],
    ['a\u200b  b', 'DE', 'a b'],
    ['Que\u0301bec', 'FR', 'Québec'], // NFC
  ];
  it.each(cases)('%j (%s) -> %j', (raw, country, expected) => {
    expect(region(raw, country)).toEqual({ ok: true, value: expected });
  });
});

describe('region: no country keeps names it does not know', () => {
  const cases: [raw: string, expected: string][] = [
    ['Bavaria', 'Bavaria'],
    ['Île-de-France', 'Île-de-France'],
    ['New South Wales', 'New South Wales'],
    ['Greater London', 'Greater London'],
    ['  North   Holland ', 'North Holland'],
    ['EMEA', 'EMEA'],
    ['NSW', 'NSW'], // three letters: not written like a US or Canadian code
  ];
  it.each(cases)('%j -> %j', (raw, expected) => {
    expect(region(raw)).toEqual({ ok: true, value: expected });
  });
});

describe('region: unknown', () => {
  const cases: [raw: string, country: string | undefined, reason: string][] = [
    ['XX', undefined, "Not a US state or Canadian province code: 'XX'"],
    ['Z.Z.', undefined, 'Not a US state or Canadian province code'],
    ['zz', undefined, 'Not a US state or Canadian province code'],
    ['US-XX', undefined, 'Not a US state or Canadian province code'],
    ['CA-TX', undefined, 'Not a US state or Canadian province code'],
    ['UK', undefined, 'Not a US state or Canadian province code'],
    ['Bavaria', 'US', "Not a US state, district or territory: 'Bavaria'"],
    ['XX', 'US', 'Not a US state, district or territory'],
    ['Californa', 'US', 'Not a US state, district or territory'], // typos are not guessed
    ['Calif', 'CA', "'Calif' is the US state or territory CA, but the row's country is CA"],
    ['N/A', 'US', 'Not a US state, district or territory'],
    ['-', 'US', 'Not a US state, district or territory'],
    ['USA', 'US', 'Not a US state, district or territory'],
    ['United States', 'US', 'Not a US state, district or territory'],
    ['Los Angeles', 'US', 'Not a US state, district or territory'],
    [
      'Ontario',
      'US',
      "'Ontario' is the Canadian province or territory ON, but the row's country is US",
    ],
    ['QC', 'US', 'is the Canadian province or territory QC'],
    ['CA-ON', 'US', 'is the Canadian province or territory ON'],
    ['Ontario', 'PR', "but the row's country is PR"],
    ['Texas', 'CA', "'Texas' is the US state or territory TX, but the row's country is CA"],
    ['NY', 'CA', 'is the US state or territory NY'],
    ['US-NY', 'CA', 'is the US state or territory NY'],
    ['Texas, Canada', 'CA', 'Not a Canadian province or territory'],
    ['Bretagne', 'CA', 'Not a Canadian province or territory'],
    ['Saskatoon', 'CA', 'Not a Canadian province or territory'],
    ['Province', 'CA', 'Not a Canadian province or territory'],
    ['State', 'US', 'Not a US state, district or territory'],
    ['State of Confusion', 'US', 'Not a US state, district or territory'],
    ['Virginia Beach', 'US', 'Not a US state, district or territory'],
    ['New', 'US', 'Not a US state, district or territory'],
    ['Carolina', 'US', 'Not a US state, district or territory'], // North or South
    ['Dakota', 'US', 'Not a US state, district or territory'],
  ];
  it.each(cases)('%j (%s) -> unknown_region', (raw, country, reason) => {
    const result = region(raw, country);
    expect(result).toMatchObject({ ok: false, code: ERROR_CODES.unknownRegion });
    expect(result.ok ? '' : result.message).toContain(reason);
  });

  it('a name with a trailing country of the other kind is not found', () => {
    expect(region('Ontario, USA')).toEqual({ ok: true, value: 'Ontario, USA' });
    expect(region('Ontario, USA', 'US')).toMatchObject({ ok: false });
  });
});

describe('region: looksLike', () => {
  it.each(['California', 'CA', 'tx', 'N.Y.', 'Québec', 'Ontario', 'US-CA'])(
    '%j looks like a region',
    (raw) => {
      expect(regionType.looksLike?.(raw)).toBe(true);
    },
  );
  it.each(['Bavaria', 'XX', 'Atlantis', '12345', 'yes', '', 'x'.repeat(100_000)])(
    '%j does not',
    (raw) => {
      expect(regionType.looksLike?.(raw)).toBe(false);
    },
  );
});

describe('region: header synonyms', () => {
  it('are header keys', () => {
    for (const synonym of regionType.headerSynonyms) expect(synonym).toMatch(/^[a-z0-9]+$/);
    expect(regionType.headerSynonyms).toEqual(
      expect.arrayContaining([
        'state',
        'province',
        'region',
        'stateprovince',
        'stateorprovince',
        'st',
      ]),
    );
    expect(regionType.headerSynonyms).not.toContain('county');
  });
});

describe('region: hostile input', () => {
  // Their speed is measured by `pnpm bench hostile-input`; this checks the answers.
  it('answers 100k-character values', () => {
    const n = 100_000;
    const inputs = [
      'a'.repeat(n),
      `${' '.repeat(n)}TX${' '.repeat(n)}`,
      ','.repeat(n),
      'a,'.repeat(n / 2),
      `Texas${', USA'.repeat(n / 5)}`,
      'state of '.repeat(n / 9),
      '.'.repeat(n),
      'é'.repeat(n),
    ];
    for (const country of ['US', 'CA', 'DE', undefined]) {
      for (const raw of inputs) {
        const result = region(raw, country);
        if (!result.ok) expect(result.message.length).toBeLessThan(160);
      }
    }
    expect(region(`${' '.repeat(n)}TX${' '.repeat(n)}`, 'US')).toEqual({ ok: true, value: 'TX' });
  });
});
