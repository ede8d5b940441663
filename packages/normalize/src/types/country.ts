/**
 * Countries to ISO 3166-1 alpha-2 (`United States of America`, `USA`, `us`,
 * `España`, `대한민국` -> `US`, `US`, `US`, `ES`, `KR`).
 *
 * What is recognized, in this order:
 * 1. codes: alpha-2 (`us`, `IE`), alpha-3 (`IRL`, `usa`) when the value is
 *    exactly two or three ASCII letters, ISO numeric codes written with three
 *    digits (`840`), and flag emoji (🇺🇸). `XK` (Kosovo) counts as a code, as in
 *    i18n-iso-countries. Codes are only matched on bare letters, so `N/A` is
 *    not Namibia (but `NA` is).
 * 2. names, through one table built at module load from the country names of
 *    i18n-iso-countries in LOCALES (English first, then the languages and
 *    endonyms data people meet most), plus ALIASES, the names and
 *    abbreviations people write that the library does not have (`UK`,
 *    `England`, `Holland`, `DPRK`, `Burma`, World Bank spellings such as
 *    `Egypt, Arab Rep.`...). Aliases win over library names; among library
 *    names the earlier locale wins (`Congo` is the Republic of the Congo, CG,
 *    as in English; `DR Congo`, `Congo-Kinshasa` are CD).
 *
 * Names match whatever their case, accents, punctuation and spacing, with or
 * without `the`, `of` and `and`/`&` (`the netherlands`, `Bosnia & Herzegovina`,
 * `COTE D’IVOIRE`), with the abbreviations `St.` (Saint), `Rep.`, `Dem.`,
 * `Fed.`, `Sts.`, `Is.`, and a leading `N.`/`S.` (north/south). Inverted
 * names are read both ways (`Korea, Republic of`, `Bahamas, The`,
 * `Congo, Dem. Rep.`), and a parenthesized part may be left out or moved
 * (`Germany (DE)`, `Korea (South)`, `Bolivia (Plurinational State of)`).
 *
 * Values longer than MAX_INPUT characters are no country (no name is that
 * long), so a huge cell costs one cleanText pass.
 */
import {
  getAlpha3Codes,
  getName,
  getNames,
  getNumericCodes,
  registerLocale,
} from 'i18n-iso-countries/index.js';
import ar from 'i18n-iso-countries/langs/ar.json' with { type: 'json' };
import cs from 'i18n-iso-countries/langs/cs.json' with { type: 'json' };
import da from 'i18n-iso-countries/langs/da.json' with { type: 'json' };
import de from 'i18n-iso-countries/langs/de.json' with { type: 'json' };
import el from 'i18n-iso-countries/langs/el.json' with { type: 'json' };
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import es from 'i18n-iso-countries/langs/es.json' with { type: 'json' };
import fi from 'i18n-iso-countries/langs/fi.json' with { type: 'json' };
import fr from 'i18n-iso-countries/langs/fr.json' with { type: 'json' };
import he from 'i18n-iso-countries/langs/he.json' with { type: 'json' };
import hi from 'i18n-iso-countries/langs/hi.json' with { type: 'json' };
import hu from 'i18n-iso-countries/langs/hu.json' with { type: 'json' };
import id from 'i18n-iso-countries/langs/id.json' with { type: 'json' };
import it from 'i18n-iso-countries/langs/it.json' with { type: 'json' };
import ja from 'i18n-iso-countries/langs/ja.json' with { type: 'json' };
import ko from 'i18n-iso-countries/langs/ko.json' with { type: 'json' };
import nl from 'i18n-iso-countries/langs/nl.json' with { type: 'json' };
import no from 'i18n-iso-countries/langs/no.json' with { type: 'json' };
import pl from 'i18n-iso-countries/langs/pl.json' with { type: 'json' };
import pt from 'i18n-iso-countries/langs/pt.json' with { type: 'json' };
import ro from 'i18n-iso-countries/langs/ro.json' with { type: 'json' };
import ru from 'i18n-iso-countries/langs/ru.json' with { type: 'json' };
import sv from 'i18n-iso-countries/langs/sv.json' with { type: 'json' };
import th from 'i18n-iso-countries/langs/th.json' with { type: 'json' };
import tr from 'i18n-iso-countries/langs/tr.json' with { type: 'json' };
import uk from 'i18n-iso-countries/langs/uk.json' with { type: 'json' };
import vi from 'i18n-iso-countries/langs/vi.json' with { type: 'json' };
import zh from 'i18n-iso-countries/langs/zh.json' with { type: 'json' };
import { cleanText } from '../clean-text.ts';
import type { CellResult, ColumnTypeDefinition } from '../column-type.ts';
import { ERROR_CODES } from '../errors.ts';
import { joinKey, lookupWords } from '../lookup-key.ts';

/**
 * Languages whose country names are recognized, in order of precedence when
 * two languages give one spelling to different countries. The package's
 * Node entry would load all of its ~80 languages; importing its index.js and
 * registering these keeps the tables to about 7,000 names.
 */
const LOCALES = [
  en,
  es,
  fr,
  de,
  nl,
  it,
  pt,
  sv,
  da,
  no,
  fi,
  pl,
  ko,
  ja,
  zh,
  ru,
  ar,
  tr,
  el,
  cs,
  hu,
  ro,
  uk,
  he,
  vi,
  hi,
  th,
  id,
];

/**
 * Names and abbreviations people write that the library's locales lack (or
 * give to another country, as `Congo`). Alpha-2 code -> spellings; matched
 * like every name (case, accents, punctuation, the/of/and do not count).
 */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  AE: ['U.A.E.', 'Emirates', 'Arab Emirates'],
  AL: ['Shqipëria', 'Shqiperia'],
  AM: ['Hayastan', 'Հայաստան'],
  AZ: ['Azərbaycan'],
  BA: ['Bosnia', 'Bosna i Hercegovina', 'Bosnia-Herzegovina', 'BiH'],
  BG: ['България', 'Bulgaria'],
  BL: ['St Barts', 'St. Barths', 'Saint Barts'],
  BN: ['Brunei'],
  BO: ['Plurinational State of Bolivia'],
  BQ: ['Bonaire', 'Caribbean Netherlands'],
  BS: ['Bahamas, The'],
  CD: [
    'DRC',
    'DR Congo',
    'D.R. Congo',
    'DROC',
    'Congo-Kinshasa',
    'Congo, Democratic Republic',
    'Zaire',
  ],
  CG: ['Congo-Brazzaville', 'Congo, Republic', 'Congo', 'Kongo'],
  CH: ['Schweizerische Eidgenossenschaft', 'Confoederatio Helvetica', 'Helvetia'],
  CN: ['PRC', 'Mainland China', 'China mainland', 'China, mainland', 'Zhongguo'],
  CV: ['Cabo Verde'],
  CY: ['Kıbrıs'],
  CZ: ['Czech', 'Česko', 'Česká republika'],
  DE: ['Federal Republic of Germany'],
  EE: ['Eesti'],
  EG: ['Egypt, Arab Rep.', 'Arab Republic of Egypt'],
  FK: ['Falklands', 'Malvinas'],
  FM: ['Micronesia', 'Fed. Sts. Micronesia'],
  FO: ['Faeroe Islands', 'Faroes', 'Føroyar'],
  GB: [
    'UK',
    'U.K.',
    'United Kingdom of Great Britain and Northern Ireland',
    'Great Britain and Northern Ireland',
    'Britain',
    'England',
    'Scotland',
    'Wales',
    'Northern Ireland',
    'Cymru',
    'England, UK',
    'Scotland, UK',
    'Wales, UK',
    'Northern Ireland, UK',
    'Grande-Bretagne',
    'Gran Bretaña',
    'Gran Bretagna',
    'Inglaterra',
    'Angleterre',
    'Inghilterra',
    'Engeland',
    'Groot-Brittannië',
    'Brittannië',
    'Storbritannien',
    'Wielka Brytania',
  ],
  GE: ['Sakartvelo', 'საქართველო'],
  GR: ['Hellas', 'Ellada'],
  GS: ['South Georgia', 'South Georgia and South Sandwich Islands'],
  HK: ['Hong Kong SAR', 'Hong Kong SAR, China', 'Hong Kong, China', 'HKSAR'],
  HM: ['Heard and McDonald Islands', 'Heard Island'],
  HR: ['Hrvatska'],
  IE: ['Eire', 'Éire', 'Republic of Ireland', 'Irish Republic'],
  IN: ['Bharat'],
  IR: ['Persia', 'ایران', 'Iran, Islamic Rep.'],
  JP: ['Nippon', 'Nihon'],
  KG: ['Kyrgyz Republic', 'Kirghizia'],
  KN: ['Saint Kitts', 'St. Kitts', 'St Kitts-Nevis'],
  KP: [
    'DPRK',
    'D.P.R.K.',
    'DPR Korea',
    'Korea DPR',
    "Democratic People's Republic of Korea",
    "Korea, Dem. People's Rep.",
    "Korea, Democratic People's Republic",
    'Korea North',
    'North Korea',
    'N. Korea',
  ],
  KR: [
    'Korea',
    'ROK',
    'R.O.K.',
    'Korea South',
    'South Korea',
    'S. Korea',
    'Korea, Rep.',
    'Republic Korea',
    '한국',
    '남한',
    '韓国',
    '南韩',
    '南韓',
    '韓國',
  ],
  KZ: ['Қазақстан', 'Qazaqstan'],
  LA: ['Laos', 'Lao PDR', 'Lao'],
  LC: ['Saint Lucia'],
  LT: ['Lietuva'],
  LU: ['Lëtzebuerg'],
  LV: ['Latvija'],
  MD: ['Moldova', 'Republic of Moldova'],
  ME: ['Crna Gora', 'Црна Гора'],
  MK: ['Macedonia', 'FYROM', 'Former Yugoslav Republic of Macedonia', 'Republic of Macedonia'],
  MM: ['Burma'],
  MO: ['Macau', 'Macao SAR', 'Macao SAR, China', 'Macau, China'],
  NL: ['Holland', 'Holanda', 'Hollande', 'Olanda', 'Holandia', 'Netherlands, The', 'Nederland'],
  NZ: ['Aotearoa', 'Aotearoa New Zealand'],
  PH: ['Pilipinas'],
  PS: ['Palestinian Territories', 'Palestinian Territory', 'West Bank and Gaza', 'Gaza'],
  RS: ['Srbija', 'Србија'],
  RU: ['Rossiya', 'Russian Fed.'],
  SA: ['Saudi', 'KSA', 'Kingdom of Saudi Arabia', 'Saudia'],
  SH: ['Saint Helena, Ascension and Tristan da Cunha', 'Ascension Island', 'Tristan da Cunha'],
  SI: ['Slovenija'],
  SJ: ['Svalbard', 'Jan Mayen'],
  SK: ['Slovak Republic'],
  ST: ['Sao Tome', 'São Tomé and Príncipe'],
  SY: ['Syria'],
  SZ: ['Swaziland', 'eSwatini', 'Kingdom of Eswatini'],
  TC: ['Turks and Caicos', 'TCI'],
  TH: ['ประเทศไทย', 'Siam'],
  TL: ['East Timor', 'Timor Leste'],
  TT: ['Trinidad', 'Tobago'],
  TW: ['Chinese Taipei', 'Republic of China (Taiwan)', 'Taiwan, China', '台灣'],
  TZ: ['Tanzania, United Republic of'],
  UM: ['US Minor Outlying Islands', 'U.S. Outlying Islands', 'United States Outlying Islands'],
  US: [
    'America',
    'United States America',
    'U.S. of A.',
    'US of A',
    'USofA',
    'U.S.A',
    'United-States',
    'Estados Unidos de América',
    'Estados Unidos da América',
    'EE.UU.',
    'EE. UU.',
    'EEUU',
    'EUA',
    'E.U.A.',
    'États-Unis',
    'Etats Unis',
    'Amerika',
    'Vereinigte Staaten',
    'Stati Uniti',
    'Stati Uniti d’America',
    'アメリカ',
    '美國',
  ],
  UZ: ["O'zbekiston", 'Oʻzbekiston', 'Uzbekistan'],
  VA: ['Vatican', 'Vatican City', 'Holy See', 'Vatican City State', 'Città del Vaticano'],
  VC: ['Saint Vincent', 'St. Vincent', 'St Vincent & Grenadines'],
  VE: ['Venezuela, RB', 'Bolivarian Republic of Venezuela'],
  VG: ['British Virgin Islands', 'BVI', 'Virgin Islands (British)', 'Virgin Islands, UK'],
  VI: [
    'US Virgin Islands',
    'U.S. Virgin Islands',
    'United States Virgin Islands',
    'USVI',
    'Virgin Islands (U.S.)',
    'American Virgin Islands',
  ],
  VN: ['Viet Nam', 'Việt Nam', 'Vietnam, Socialist Republic of'],
  XK: ['Republic of Kosovo', 'Kosova'],
  YE: ['Yemen, Rep.', 'Republic of Yemen'],
  ZA: ['RSA', 'Republic of South Africa', 'Suid-Afrika'],
};

/** Abbreviations in country names, as lookup words: `St. Lucia`, `Congo, Dem. Rep.`. */
const ABBREVIATIONS: ReadonlyMap<string, string> = new Map([
  ['st', 'saint'],
  ['ste', 'sainte'],
  ['rep', 'republic'],
  ['dem', 'democratic'],
  ['fed', 'federated'],
  ['sts', 'states'],
  ['is', 'islands'],
  ['isl', 'islands'],
  ['isls', 'islands'],
]);
/** A leading single letter for a compass point: `N. Korea`, `S. Africa`. */
const LEADING_POINTS: ReadonlyMap<string, string> = new Map([
  ['n', 'north'],
  ['s', 'south'],
]);

/** No country name (in any registered language or alias) is longer; longer values are not looked up. */
const MAX_INPUT = 120;

function nameKey(name: string): string {
  const words = lookupWords(name).map((word) => ABBREVIATIONS.get(word) ?? word);
  const first = words[0];
  if (words.length > 1 && first !== undefined) {
    const point = LEADING_POINTS.get(first);
    if (point !== undefined) words[0] = point;
  }
  return joinKey(words);
}

const PARENTHESIZED = /^([^()]*)\(([^()]*)\)([^()]*)$/;

/**
 * The keys a written name may be found under, most literal first: itself,
 * `A, B` read as `B A`, and `A (B)` read as `A B`, `B A` and `A`.
 */
function candidateKeys(name: string): string[] {
  const keys = [nameKey(name)];
  const comma = name.indexOf(',');
  if (comma !== -1 && name.indexOf(',', comma + 1) === -1) {
    keys.push(nameKey(`${name.slice(comma + 1)} ${name.slice(0, comma)}`));
  }
  const parts = PARENTHESIZED.exec(name);
  if (parts !== null) {
    const outer = `${parts[1] ?? ''} ${parts[3] ?? ''}`;
    const inner = parts[2] ?? '';
    keys.push(nameKey(`${outer} ${inner}`), nameKey(`${inner} ${outer}`), nameKey(outer));
  }
  return keys.filter((key) => key !== '');
}

/** The library's code table: alpha-3 and numeric codes to alpha-2, and the alpha-2 codes. */
const ALPHA3: ReadonlyMap<string, string> = new Map(Object.entries(getAlpha3Codes()));
const NUMERIC: ReadonlyMap<string, string> = new Map(Object.entries(getNumericCodes()));
const ALPHA2: ReadonlySet<string> = new Set(ALPHA3.values());

/**
 * Name key -> alpha-2. Aliases first, then every locale's spellings as
 * written (the earlier locale wins a key two countries share), then the keys
 * derived from the library's spellings with a comma or parentheses
 * (`Virgin Islands, British` under `British Virgin Islands`,
 * `Holy See (Vatican City State)` under `Holy See` too) when no other country
 * derives the same key (`Saint Martin (French part)` and
 * `Saint-Martin (partie néerlandaise)` do not make `Saint Martin` ambiguous:
 * the English spelling as written comes first).
 */
const NAMES: ReadonlyMap<string, string> = (() => {
  const names = new Map<string, string>();
  const derived = new Map<string, string | null>();
  for (const [code, spellings] of Object.entries(ALIASES)) {
    for (const spelling of spellings) {
      const key = nameKey(spelling);
      if (key !== '' && !names.has(key)) names.set(key, code);
    }
  }
  for (const locale of LOCALES) {
    registerLocale(locale);
    const localized = getNames(locale.locale, { select: 'all' });
    for (const [code, spellings] of Object.entries(localized)) {
      for (const spelling of spellings) {
        const [key, ...others] = candidateKeys(spelling);
        if (key !== undefined && !names.has(key)) names.set(key, code);
        for (const other of others) {
          const previous = derived.get(other);
          derived.set(other, previous === undefined || previous === code ? code : null);
        }
      }
    }
  }
  for (const [key, code] of derived) if (code !== null && !names.has(key)) names.set(key, code);
  return names;
})();

const TWO_LETTERS = /^[A-Za-z]{2}$/;
const THREE_LETTERS = /^[A-Za-z]{3}$/;
const THREE_DIGITS = /^\d{3}$/;
/** A flag emoji: two regional indicator symbols. */
const FLAG = /^[\u{1F1E6}-\u{1F1FF}]{2}$/u;
const REGIONAL_INDICATOR_A = 0x1f1e6;

function fromFlag(flag: string): string {
  let code = '';
  for (const ch of flag) {
    code += String.fromCharCode(65 + (ch.codePointAt(0) ?? 0) - REGIONAL_INDICATOR_A);
  }
  return code;
}

/** The alpha-2 code of an already cleaned value (see cleanText), or undefined. */
function lookup(cleaned: string): string | undefined {
  if (cleaned === '' || cleaned.length > MAX_INPUT) return undefined;
  // Compatibility forms unfolded first, so that full-width `ＪＰ` is a code too.
  const value = cleaned.normalize('NFKC');
  if (TWO_LETTERS.test(value)) {
    const code = value.toUpperCase();
    if (ALPHA2.has(code)) return code;
  } else if (THREE_LETTERS.test(value)) {
    const code = ALPHA3.get(value.toUpperCase());
    if (code !== undefined) return code;
  } else if (THREE_DIGITS.test(value)) {
    return NUMERIC.get(value);
  } else if (FLAG.test(value)) {
    const code = fromFlag(value);
    return ALPHA2.has(code) ? code : undefined;
  }
  for (const key of candidateKeys(value)) {
    const code = NAMES.get(key);
    if (code !== undefined) return code;
  }
  return undefined;
}

/**
 * The ISO 3166-1 alpha-2 code (upper case) a country value means, or
 * undefined when it is blank or not a known country. For RowContext.country.
 */
export function toCountryCode(raw: string): string | undefined {
  return lookup(cleanText(raw));
}

/** The English name of an alpha-2 code (`NL` -> `Netherlands`), for messages. */
export function countryName(code: string): string | undefined {
  return getName(code, 'en', { select: 'official' });
}

/** Quotes user input for a message, cut short so a huge value cannot bloat the report. */
function quote(s: string): string {
  return s.length > 40 ? `'${s.slice(0, 40)}…'` : `'${s}'`;
}

export const countryType: ColumnTypeDefinition = {
  type: 'country',
  normalize(raw): CellResult {
    const cleaned = cleanText(raw);
    if (cleaned === '') return { ok: true, value: '' };
    const code = lookup(cleaned);
    if (code !== undefined) return { ok: true, value: code };
    return {
      ok: false,
      code: ERROR_CODES.unknownCountry,
      message: `Not a known country name or ISO 3166-1 code: ${quote(cleaned)}`,
    };
  },
  headerSynonyms: [
    'country',
    'countries',
    'countrycode',
    'countryname',
    'countryregion',
    'countryiso',
    'countryisocode',
    'isocountry',
    'isocountrycode',
    'nation',
    'ctry',
    'cntry',
    // Other languages seen in exports.
    'pays',
    'pais',
    'paese',
    'nazione',
    'land',
    'landcode',
    'kraj',
  ],
  looksLike(raw) {
    const cleaned = cleanText(raw);
    // Bare numbers are far more often something else than ISO numeric codes.
    return !THREE_DIGITS.test(cleaned) && lookup(cleaned) !== undefined;
  },
};
