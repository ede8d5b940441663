import { getAlpha2Codes, getAlpha3Codes, getNames } from 'i18n-iso-countries/index.js';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../errors.ts';
import { countryName, countryType, toCountryCode } from './country.ts';
import { postalCodeType } from './postal-code.ts';
import { regionType } from './region.ts';

const options = { phoneRegion: 'US' };
const country = (raw: string) => countryType.normalize(raw, options, {});

describe('country: valid', () => {
  const cases: [raw: string, expected: string][] = [
    // SPEC section 3 and contacts-sample.csv.
    ['United States of America', 'US'],
    ['USA', 'US'],
    ['United States', 'US'],
    ['Netherlands', 'NL'],
    ['IRL', 'IE'],
    ['España', 'ES'],
    ['Great Britain', 'GB'],
    ['South Korea', 'KR'],
    ['us', 'US'],
    // Alpha-2, any case.
    ['US', 'US'],
    ['Us', 'US'],
    ['gb', 'GB'],
    ['de', 'DE'],
    ['nl', 'NL'],
    ['IE', 'IE'],
    ['kr', 'KR'],
    ['NA', 'NA'], // Namibia: a bare code is a code
    ['no', 'NO'],
    ['XK', 'XK'],
    [' fr ', 'FR'],
    ['ＪＰ', 'JP'], // full width
    // Alpha-3, any case.
    ['USA', 'US'],
    ['usa', 'US'],
    ['GBR', 'GB'],
    ['deu', 'DE'],
    ['NLD', 'NL'],
    ['KOR', 'KR'],
    ['PRK', 'KP'],
    ['CHE', 'CH'],
    ['ZAF', 'ZA'],
    ['ARE', 'AE'],
    ['XKK', 'XK'],
    ['Nga', 'NG'], // alpha-3 wins over the Vietnamese name of Russia
    // Numeric codes and flags.
    ['840', 'US'],
    ['826', 'GB'],
    ['036', 'AU'],
    ['🇺🇸', 'US'],
    ['🇬🇧', 'GB'],
    ['🇳🇱', 'NL'],
    // English names, short and official.
    ['Germany', 'DE'],
    ['France', 'FR'],
    ['Spain', 'ES'],
    ['Ireland', 'IE'],
    ['United Kingdom', 'GB'],
    ['Canada', 'CA'],
    ['Mexico', 'MX'],
    ['Brazil', 'BR'],
    ['Argentina', 'AR'],
    ['Japan', 'JP'],
    ['China', 'CN'],
    ["People's Republic of China", 'CN'],
    ['India', 'IN'],
    ['Australia', 'AU'],
    ['New Zealand', 'NZ'],
    ['South Africa', 'ZA'],
    ['Nigeria', 'NG'],
    ['Niger', 'NE'],
    ['Egypt', 'EG'],
    ['Switzerland', 'CH'],
    ['Austria', 'AT'],
    ['Belgium', 'BE'],
    ['Luxembourg', 'LU'],
    ['Sweden', 'SE'],
    ['Norway', 'NO'],
    ['Denmark', 'DK'],
    ['Finland', 'FI'],
    ['Iceland', 'IS'],
    ['Poland', 'PL'],
    ['Portugal', 'PT'],
    ['Italy', 'IT'],
    ['Greece', 'GR'],
    ['Turkey', 'TR'],
    ['Türkiye', 'TR'],
    ['Turkiye', 'TR'],
    ['TÜRKİYE', 'TR'], // dotted capital I lower-cases with a combining dot
    ['Israel', 'IL'],
    ['Saudi Arabia', 'SA'],
    ['United Arab Emirates', 'AE'],
    ['Singapore', 'SG'],
    ['Malaysia', 'MY'],
    ['Indonesia', 'ID'],
    ['Philippines', 'PH'],
    ['Thailand', 'TH'],
    ['Vietnam', 'VN'],
    ['Georgia', 'GE'],
    ['Guinea', 'GN'],
    ['Guinea-Bissau', 'GW'],
    ['Guinea Bissau', 'GW'],
    ['Equatorial Guinea', 'GQ'],
    ['Papua New Guinea', 'PG'],
    ['Dominica', 'DM'],
    ['Dominican Republic', 'DO'],
    ['Sudan', 'SD'],
    ['South Sudan', 'SS'],
    ['Russian Federation', 'RU'],
    ['Islamic Republic of Iran', 'IR'],
    ['Iran', 'IR'],
    ['Syrian Arab Republic', 'SY'],
    ["Lao People's Democratic Republic", 'LA'],
    ['Brunei Darussalam', 'BN'],
    ['Timor-Leste', 'TL'],
    ['Eswatini', 'SZ'],
    ['North Macedonia', 'MK'],
    ['Republic of the Congo', 'CG'],
    ['Democratic Republic of the Congo', 'CD'],
    ['Democratic Republic of Congo', 'CD'],
    ['Congo', 'CG'], // ISO's short name of the Republic of the Congo
    ['Kosovo', 'XK'],
    ['Palestine', 'PS'],
    ['State of Palestine', 'PS'],
    ['Taiwan', 'TW'],
    ['Hong Kong', 'HK'],
    ['Macao', 'MO'],
    ['Puerto Rico', 'PR'],
    ['Guam', 'GU'],
    ['Isle of Man', 'IM'],
    ['Jersey', 'JE'],
    ['Guernsey', 'GG'],
    ['Gibraltar', 'GI'],
    ['Greenland', 'GL'],
    ['Åland Islands', 'AX'],
    ['Aland Islands', 'AX'],
    ['Curaçao', 'CW'],
    ['Curacao', 'CW'],
    ['Réunion', 'RE'],
    ['Reunion', 'RE'],
    ['Saint Barthélemy', 'BL'],
    ['Saint Martin (French part)', 'MF'],
    ['Sint Maarten (Dutch part)', 'SX'],
    ['Saint Martin', 'MF'],
    ['Sint Maarten', 'SX'],
    ['Bonaire, Sint Eustatius and Saba', 'BQ'],
    ['Falkland Islands (Malvinas)', 'FK'],
    ['Falkland Islands', 'FK'],
    ['Holy See (Vatican City State)', 'VA'],
    ['Cocos (Keeling) Islands', 'CC'],
    ['Cocos Islands', 'CC'],
    ['Micronesia, Federated States of', 'FM'],
    ['Federated States of Micronesia', 'FM'],
    ['Moldova, Republic of', 'MD'],
    ['Virgin Islands, British', 'VG'],
    ['Virgin Islands, U.S.', 'VI'],
    ['United States Minor Outlying Islands', 'UM'],
    ['South Georgia and the South Sandwich Islands', 'GS'],
    ['Heard Island and McDonald Islands', 'HM'],
    ['Antarctica', 'AQ'],
    // Aliases data people write.
    ['UK', 'GB'],
    ['U.K.', 'GB'],
    ['uk', 'GB'],
    ['Britain', 'GB'],
    ['England', 'GB'],
    ['ENGLAND', 'GB'],
    ['Scotland', 'GB'],
    ['Wales', 'GB'],
    ['Northern Ireland', 'GB'],
    ['England, UK', 'GB'],
    ['United Kingdom of Great Britain and Northern Ireland', 'GB'],
    ['Great Britain (UK)', 'GB'],
    ['Holland', 'NL'],
    ['The Netherlands', 'NL'],
    ['the netherlands', 'NL'],
    ['Netherlands, The', 'NL'],
    ['Netherlands (Kingdom of the)', 'NL'],
    ['Kingdom of the Netherlands', 'NL'],
    ['Korea, Republic of', 'KR'],
    ['Republic of Korea', 'KR'],
    ['Korea', 'KR'],
    ['Korea, South', 'KR'],
    ['Korea (South)', 'KR'],
    ['S. Korea', 'KR'],
    ['S Korea', 'KR'],
    ['ROK', 'KR'],
    ['Korea, Rep.', 'KR'],
    ['North Korea', 'KP'],
    ['Korea, North', 'KP'],
    ['Korea (North)', 'KP'],
    ['N. Korea', 'KP'],
    ['DPRK', 'KP'],
    ["Democratic People's Republic of Korea", 'KP'],
    ["Korea, Democratic People's Republic of", 'KP'],
    ["Korea, Dem. People's Rep.", 'KP'],
    ["Korea (the Democratic People's Republic of)", 'KP'],
    ['Russia', 'RU'],
    ['Czech Republic', 'CZ'],
    ['Czechia', 'CZ'],
    ['Czech Rep.', 'CZ'],
    ['Ivory Coast', 'CI'],
    ["Côte d'Ivoire", 'CI'],
    ['Côte d’Ivoire', 'CI'], // typographic apostrophe
    ["Cote d'Ivoire", 'CI'],
    ['COTE D IVOIRE', 'CI'],
    ['U.S.', 'US'],
    ['U.S.A.', 'US'],
    ['U.S.A', 'US'],
    ['U. S. A.', 'US'],
    ['U S A', 'US'],
    ['America', 'US'],
    ['United States of America (the)', 'US'],
    ['United-States', 'US'],
    ['US of A', 'US'],
    ['UAE', 'AE'],
    ['U.A.E.', 'AE'],
    ['Viet Nam', 'VN'],
    ['Burma', 'MM'],
    ['Myanmar', 'MM'],
    ['Swaziland', 'SZ'],
    ['East Timor', 'TL'],
    ['Cape Verde', 'CV'],
    ['Cabo Verde', 'CV'],
    ['Macedonia', 'MK'],
    ['FYROM', 'MK'],
    ['Laos', 'LA'],
    ['Lao PDR', 'LA'],
    ['Syria', 'SY'],
    ['Brunei', 'BN'],
    ['Moldova', 'MD'],
    ['Micronesia', 'FM'],
    ['Tanzania', 'TZ'],
    ['Tanzania, United Republic of', 'TZ'],
    ['Vatican', 'VA'],
    ['Vatican City', 'VA'],
    ['Holy See', 'VA'],
    ['Macau', 'MO'],
    ['Hong Kong SAR', 'HK'],
    ['Hong Kong SAR, China', 'HK'],
    ['Chinese Taipei', 'TW'],
    ['Taiwan, Province of China', 'TW'],
    ['PRC', 'CN'],
    ['DRC', 'CD'],
    ['DR Congo', 'CD'],
    ['Congo-Kinshasa', 'CD'],
    ['Congo (Kinshasa)', 'CD'],
    ['Congo, Dem. Rep.', 'CD'],
    ['Congo (the Democratic Republic of the)', 'CD'],
    ['Congo-Brazzaville', 'CG'],
    ['Congo (Brazzaville)', 'CG'],
    ['Congo, Rep.', 'CG'],
    ['Republic of Congo', 'CG'],
    ['Egypt, Arab Rep.', 'EG'],
    ['Iran, Islamic Rep.', 'IR'],
    ['Iran (Islamic Republic of)', 'IR'],
    ['Yemen, Rep.', 'YE'],
    ['Venezuela, RB', 'VE'],
    ['Venezuela (Bolivarian Republic of)', 'VE'],
    ['Bolivia (Plurinational State of)', 'BO'],
    ['Micronesia, Fed. Sts.', 'FM'],
    ['Slovak Republic', 'SK'],
    ['Kyrgyz Republic', 'KG'],
    ['Bahamas, The', 'BS'],
    ['The Bahamas', 'BS'],
    ['Gambia, The', 'GM'],
    ['The Gambia', 'GM'],
    ['Republic of Ireland', 'IE'],
    ['Eire', 'IE'],
    ['Éire', 'IE'],
    ['Bosnia', 'BA'],
    ['Bosnia & Herzegovina', 'BA'],
    ['Bosnia-Herzegovina', 'BA'],
    ['Bosnia Herzegovina', 'BA'],
    ['Trinidad & Tobago', 'TT'],
    ['Antigua & Barbuda', 'AG'],
    ['St. Kitts & Nevis', 'KN'],
    ['St Kitts and Nevis', 'KN'],
    ['St. Lucia', 'LC'],
    ['St Lucia', 'LC'],
    ['St. Vincent and the Grenadines', 'VC'],
    ['St Vincent & the Grenadines', 'VC'],
    ['St. Helena', 'SH'],
    ['St. Pierre and Miquelon', 'PM'],
    ['St. Martin', 'MF'],
    ['St Barts', 'BL'],
    ['Sao Tome and Principe', 'ST'],
    ['São Tomé and Príncipe', 'ST'],
    ['Turks and Caicos', 'TC'],
    ['Turks & Caicos Islands', 'TC'],
    ['Cayman Is.', 'KY'],
    ['Marshall Is.', 'MH'],
    ['Faeroe Islands', 'FO'],
    ['British Virgin Islands', 'VG'],
    ['BVI', 'VG'],
    ['US Virgin Islands', 'VI'],
    ['U.S. Virgin Islands', 'VI'],
    ['Virgin Islands (U.S.)', 'VI'],
    ['Virgin Islands (British)', 'VG'],
    ['S. Africa', 'ZA'],
    ['RSA', 'ZA'],
    ['KSA', 'SA'],
    ['Persia', 'IR'],
    ['Palestinian Territories', 'PS'],
    ['Svalbard', 'SJ'],
    // Names in other languages and endonyms.
    ['Deutschland', 'DE'],
    ['DEUTSCHLAND', 'DE'],
    ['Allemagne', 'DE'],
    ['Alemania', 'DE'],
    ['Germania', 'DE'],
    ['Duitsland', 'DE'],
    ['Tyskland', 'DE'],
    ['Niemcy', 'DE'],
    ['Saksa', 'DE'],
    ['ドイツ', 'DE'],
    ['德国', 'DE'],
    ['독일', 'DE'],
    ['Германия', 'DE'],
    ['ألمانيا', 'DE'],
    ['Almanya', 'DE'],
    ['Nederland', 'NL'],
    ['Pays-Bas', 'NL'],
    ['Países Bajos', 'NL'],
    ['Niederlande', 'NL'],
    ['Paesi Bassi', 'NL'],
    ['Holandia', 'NL'],
    ['Nederländerna', 'NL'],
    ['大韓民国', 'KR'],
    ['대한민국', 'KR'],
    ['한국', 'KR'],
    ['韩国', 'KR'],
    ['Corée du Sud', 'KR'],
    ['Südkorea', 'KR'],
    ['Zuid-Korea', 'KR'],
    ['República de Corea', 'KR'],
    ['Республика Корея', 'KR'],
    ['Corea del Sud', 'KR'],
    ['북한', 'KP'],
    ['Nordkorea', 'KP'],
    ['España', 'ES'],
    ['ESPAÑA', 'ES'],
    ['Espana', 'ES'],
    ['Espagne', 'ES'],
    ['Spanien', 'ES'],
    ['Spagna', 'ES'],
    ['Espanha', 'ES'],
    ['Hiszpania', 'ES'],
    ['Estados Unidos', 'US'],
    ['États-Unis', 'US'],
    ["États-Unis d'Amérique", 'US'],
    ['Etats-Unis', 'US'],
    ['Vereinigte Staaten von Amerika', 'US'],
    ['Verenigde Staten', 'US'],
    ['Stati Uniti', 'US'],
    ['Stany Zjednoczone', 'US'],
    ['EE.UU.', 'US'],
    ['EEUU', 'US'],
    ['ABD', 'US'],
    ['アメリカ合衆国', 'US'],
    ['美国', 'US'],
    ['미국', 'US'],
    ['США', 'US'],
    ['الولايات المتحدة', 'US'],
    ['Royaume-Uni', 'GB'],
    ['Reino Unido', 'GB'],
    ['Vereinigtes Königreich', 'GB'],
    ['Großbritannien', 'GB'],
    ['Grossbritannien', 'GB'], // ß written ss
    ['Verenigd Koninkrijk', 'GB'],
    ['Regno Unito', 'GB'],
    ['Storbritannien', 'GB'],
    ['Wielka Brytania', 'GB'],
    ['イギリス', 'GB'],
    ['英国', 'GB'],
    ['영국', 'GB'],
    ['Великобритания', 'GB'],
    ['Irlande', 'IE'],
    ['Irland', 'IE'],
    ['Ierland', 'IE'],
    ['Irlanda', 'IE'],
    ['Schweiz', 'CH'],
    ['Suisse', 'CH'],
    ['Svizzera', 'CH'],
    ['Suiza', 'CH'],
    ['Zwitserland', 'CH'],
    ['Österreich', 'AT'],
    ['Osterreich', 'AT'],
    ['Østerrike', 'AT'], // ø folded
    ['Autriche', 'AT'],
    ['Belgique', 'BE'],
    ['België', 'BE'],
    ['Belgien', 'BE'],
    ['Sverige', 'SE'],
    ['Suède', 'SE'],
    ['Norge', 'NO'],
    ['Danmark', 'DK'],
    ['Suomi', 'FI'],
    ['Polska', 'PL'],
    ['Italia', 'IT'],
    ['Brasil', 'BR'],
    ['Brésil', 'BR'],
    ['México', 'MX'],
    ['Mexique', 'MX'],
    ['Perú', 'PE'],
    ['Россия', 'RU'],
    ['Rusia', 'RU'],
    ['Russland', 'RU'],
    ['Ελλάδα', 'GR'],
    ['Hellas', 'GR'],
    ['Grèce', 'GR'],
    ['Česko', 'CZ'],
    ['Česká republika', 'CZ'],
    ['Magyarország', 'HU'],
    ['România', 'RO'],
    ['Україна', 'UA'],
    ['ישראל', 'IL'],
    ['भारत', 'IN'],
    ['Bharat', 'IN'],
    ['ประเทศไทย', 'TH'],
    ['Việt Nam', 'VN'],
    ['日本', 'JP'],
    ['Nippon', 'JP'],
    ['中国', 'CN'],
    ['中華人民共和国', 'CN'],
    ['Chine', 'CN'],
    ['Cina', 'CN'],
    ['Türkei', 'TR'],
    ['Turquie', 'TR'],
    ['مصر', 'EG'],
    ['Côte-d’Ivoire', 'CI'],
    ['Elfenbeinküste', 'CI'],
    ['Costa de Marfil', 'CI'],
    ['Hrvatska', 'HR'],
    ['Slovenija', 'SI'],
    ['Srbija', 'RS'],
    ['Lietuva', 'LT'],
    ['Latvija', 'LV'],
    ['Eesti', 'EE'],
    ['Aotearoa', 'NZ'],
    ['Pilipinas', 'PH'],
    // Spacing, punctuation, case.
    ['  united   states ', 'US'],
    ['UNITED STATES', 'US'],
    ['united states of america', 'US'],
    ['United\u00a0States', 'US'],
    ['United\u200bStates', 'US'], // zero-width space removed: "UnitedStates" still matches
    ['United-Kingdom', 'GB'],
    ['United_Kingdom', 'GB'],
    ['new zealand.', 'NZ'],
    ['"Germany"', 'DE'],
    ['Germany (DE)', 'DE'],
    ['Deutschland (Germany)', 'DE'],
    ['Ｇｅｒｍａｎｙ', 'DE'], // full width
    ['Cote D`Ivoire', 'CI'],
    ['SAINT LUCIA', 'LC'],
    ['Saint-Lucia', 'LC'],
    ['Guinea–Bissau', 'GW'], // en dash
  ];
  it.each(cases)('%j -> %j', (raw, expected) => {
    expect(country(raw)).toEqual({ ok: true, value: expected });
    expect(toCountryCode(raw)).toBe(expected);
  });

  it('blank -> empty', () => {
    for (const raw of ['', '   ', '\u200b', '\u00a0\ufeff']) {
      expect(country(raw)).toEqual({ ok: true, value: '' });
      expect(toCountryCode(raw)).toBeUndefined();
    }
  });

  it('is idempotent: an output is read back as itself', () => {
    for (const [raw] of cases) {
      const once = country(raw);
      expect(once.ok && country(once.value)).toEqual(once);
    }
  });
});

describe('country: unknown', () => {
  const cases: string[] = [
    'Atlantis', // contacts-sample.csv
    'Narnia',
    'Wakanda',
    'N/A',
    'n/a',
    'n.a.',
    'NULL',
    'none',
    'unknown',
    'Other',
    '-',
    '?',
    '0',
    '00',
    '1',
    '999',
    '84', // numeric codes have three digits
    '8400',
    'XX',
    'ZZ',
    'EU', // not a country
    'UN',
    'EL', // the EU's code for Greece, not ISO's
    'AN', // Netherlands Antilles: deleted from ISO 3166-1
    'YU',
    'SU',
    'CS',
    'ZZZ',
    'ABC',
    'US1',
    'Europe',
    'European Union',
    'Asia',
    'Africa',
    'Latin America',
    'Scandinavia',
    'Benelux',
    'EMEA',
    'APAC',
    'Worldwide',
    'International',
    'Yugoslavia',
    'USSR',
    'Soviet Union',
    'Czechoslovakia',
    'East Germany',
    'Netherlands Antilles',
    'Northern Cyprus',
    'Channel Islands',
    'Virgin Islands', // British or US
    'United',
    'States',
    'Republic',
    'The',
    'Islands',
    'Saint',
    'North',
    'South',
    'Kingdom',
    'Untied States', // typos are not guessed
    'Germny',
    'Franse',
    'US-CA',
    'USA/Canada',
    'USA, Canada',
    'California',
    'London',
    'New York',
    'Paris, France',
    'john@example.com',
    '🇪🇺', // the EU flag is not a country
    '🇦',
    '🏳️',
    '2024-01-01',
    'United States of Atlantis',
  ];
  it.each(cases)('%j -> unknown_country', (raw) => {
    const result = country(raw);
    expect(result).toMatchObject({ ok: false, code: ERROR_CODES.unknownCountry });
    expect(result.ok ? '' : result.message).toContain('Not a known country');
    expect(toCountryCode(raw)).toBeUndefined();
  });

  it('quotes the value in the message, cut short', () => {
    const result = country('Atlantis');
    expect(result.ok ? '' : result.message).toBe(
      "Not a known country name or ISO 3166-1 code: 'Atlantis'",
    );
    const long = country(`Atlantis ${'x'.repeat(200)}`);
    expect(long.ok ? '' : long.message.length).toBeLessThan(100);
  });
});

describe('country: tables', () => {
  const locales =
    'en es fr de nl it pt sv da no fi pl ko ja zh ru ar tr el cs hu ro uk he vi hi th id';

  it('knows every alpha-2 and alpha-3 code of the library', () => {
    for (const [alpha2, alpha3] of Object.entries(getAlpha2Codes())) {
      expect(toCountryCode(alpha2)).toBe(alpha2);
      expect(toCountryCode(alpha2.toLowerCase())).toBe(alpha2);
      expect(toCountryCode(alpha3)).toBe(alpha2);
    }
    expect(Object.keys(getAlpha3Codes())).toHaveLength(250);
  });

  it('reads back every name of every registered language', () => {
    // Spellings two countries share: the earlier locale, or an alias, decides.
    const shared: Record<string, string> = {
      'en CD Congo': 'CG',
      'de CD Kongo': 'CG',
      'no CD Kongo': 'CG',
      'pt SX São Martinho': 'MF',
      'vi RU Nga': 'NG', // NGA is Nigeria's alpha-3 code
    };
    let count = 0;
    for (const locale of locales.split(' ')) {
      const names = getNames(locale, { select: 'all' });
      expect(Object.keys(names).length, locale).toBeGreaterThan(240);
      for (const [code, spellings] of Object.entries(names)) {
        for (const spelling of spellings) {
          count += 1;
          const expected = shared[`${locale} ${code} ${spelling}`] ?? code;
          expect(toCountryCode(spelling), `${locale} ${spelling}`).toBe(expected);
        }
      }
    }
    expect(count).toBeGreaterThan(7000);
  });

  it('countryName', () => {
    expect(countryName('US')).toBe('United States of America');
    expect(countryName('NL')).toBe('Netherlands');
    expect(countryName('GB')).toBe('United Kingdom');
    expect(countryName('ZZ')).toBeUndefined();
  });
});

describe('country: looksLike', () => {
  it.each(['United States', 'usa', 'US', 'Deutschland', 'Great Britain', 'IRL', '대한민국'])(
    '%j looks like a country',
    (raw) => {
      expect(countryType.looksLike?.(raw)).toBe(true);
    },
  );
  it.each([
    'Atlantis',
    '840', // numbers are more likely something else
    '12345',
    'john@example.com',
    'yes',
    '2024-01-01',
    'Acme Corp',
    '',
    'x'.repeat(100_000),
  ])('%j does not', (raw) => {
    expect(countryType.looksLike?.(raw)).toBe(false);
  });
});

describe('country: header synonyms', () => {
  it('are header keys (lower case letters and digits)', () => {
    for (const synonym of countryType.headerSynonyms) expect(synonym).toMatch(/^[a-z0-9]+$/);
    expect(countryType.headerSynonyms).toEqual(
      expect.arrayContaining(['country', 'countrycode', 'nation', 'countryname', 'ctry']),
    );
  });
});

describe('country: hostile input', () => {
  // Their speed is measured by `pnpm bench hostile-input`; this checks the answers.
  it('answers 100k-character values', () => {
    const n = 100_000;
    const inputs = [
      'a'.repeat(n),
      `United States${' '.repeat(n)}`,
      `${' '.repeat(n)}US${' '.repeat(n)}`,
      '('.repeat(n),
      `${'('.repeat(n)}x${')'.repeat(n)}`,
      ','.repeat(n),
      'the '.repeat(n / 4),
      '🇺🇸'.repeat(n / 4),
      'é'.repeat(n),
      `${'a,'.repeat(n / 2)}`,
      '\u200b'.repeat(n),
    ];
    for (const raw of inputs) {
      const result = country(raw);
      if (!result.ok) expect(result.message.length).toBeLessThan(120);
    }
    expect(country(`${' '.repeat(n)}US${' '.repeat(n)}`)).toEqual({ ok: true, value: 'US' });
    expect(country('\u200b'.repeat(n))).toEqual({ ok: true, value: '' });
  });
});

/**
 * The country, postal_code and state columns of the shared sample data
 * (contacts-sample.csv -> contacts-sample.expected.csv), the way the row
 * normalizer chains them: the country cell's code is the context of the
 * postal code and region cells. `null` stands for the expected file's `!error`.
 */
describe('contacts-sample.csv, country, postal_code and state columns', () => {
  const SAMPLE: [
    country: string,
    postalCode: string,
    state: string,
    expected: [country: string | null, postalCode: string, state: string],
  ][] = [
    ['United States', '501', 'Virginia', ['US', '00501', 'VA']],
    ['Netherlands', '1012 ab', '', ['NL', '1012 AB', '']],
    ['IRL', '', '', ['IE', '', '']],
    ['España', '28013', '', ['ES', '28013', '']],
    ['Great Britain', 'eh11yz', '', ['GB', 'EH1 1YZ', '']],
    ['Atlantis', '', '', [null, '', '']],
    ['South Korea', '', '', ['KR', '', '']],
    ['us', '20500-0003', 'dc', ['US', '20500-0003', 'DC']],
  ];
  it.each(SAMPLE.map((row, i) => [i + 2, ...row] as const))(
    'record %i: %j, %j, %j',
    (_record, countryRaw, postalRaw, stateRaw, expected) => {
      const context = { country: toCountryCode(countryRaw) };
      const countryResult = countryType.normalize(countryRaw, options, {});
      const postalResult = postalCodeType.normalize(postalRaw, options, context);
      const stateResult = regionType.normalize(stateRaw, options, context);
      if (expected[0] === null) {
        expect(countryResult).toMatchObject({ ok: false, code: ERROR_CODES.unknownCountry });
        expect(context.country).toBeUndefined();
      } else {
        expect(countryResult).toEqual({ ok: true, value: expected[0] });
        expect(context.country).toBe(expected[0]);
      }
      expect(postalResult).toEqual({ ok: true, value: expected[1] });
      expect(stateResult).toEqual({ ok: true, value: expected[2] });
    },
  );
});
