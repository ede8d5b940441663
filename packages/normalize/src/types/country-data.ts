/**
 * The tables country.ts reads names with: the i18n-iso-countries languages
 * whose country names are recognized, the names and abbreviations people
 * write that the library lacks, and the abbreviations inside names.
 */
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

/**
 * Languages whose country names are recognized, in order of precedence when
 * two languages give one spelling to different countries. The package's
 * Node entry would load all of its ~80 languages; importing its index.js and
 * registering these keeps the tables to about 7,000 names.
 */
export const LOCALES = [
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
export const ALIASES: Readonly<Record<string, readonly string[]>> = {
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
export const ABBREVIATIONS: ReadonlyMap<string, string> = new Map([
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
export const LEADING_POINTS: ReadonlyMap<string, string> = new Map([
  ['n', 'north'],
  ['s', 'south'],
]);
