/**
 * US states and Canadian provinces to their two-letter codes (`California`,
 * `Calif.`, `ca` -> `CA`; `Québec`, `PQ` -> `QC`).
 *
 * Recognized: the USPS codes of the 50 states, DC, the territories (PR, GU,
 * VI, AS, MP), the freely associated states that use US ZIP codes (FM, MH,
 * PW) and the military "states" (AA, AE, AP); Canada Post's codes of the 13
 * provinces and territories; their English names (and the French names of
 * the provinces), any case, accents, punctuation and spacing ignored; the
 * abbreviations of style guides and old postal codes (`Calif.`, `Mass.`,
 * `Penn.`, `N. Dak.`, `W. Va.`, `Wash. D.C.`, `Nfld.`, `P.E.I.`, `PQ`, `YK`);
 * `State of ...`, `Commonwealth of ...`, `... State`, `Province of ...`;
 * ISO 3166-2 codes (`US-CA`, `CA-ON`); and a trailing country (`Texas, USA`,
 * `Ontario, Canada`).
 *
 * The row's country (RowContext.country) decides what is checked:
 * - US (or a territory or associated state with a US postal code: PR, GU, VI,
 *   AS, MP, UM, FM, MH, PW): only US codes; anything else is unknown_region
 *   (`Ontario` is a Canadian province, not a US one).
 * - CA: only Canadian codes; anything else is unknown_region.
 * - any other known country: this type knows no subdivisions there, so the
 *   value is kept as written, cleaned by the text rules (`Bayern`, `NSW`,
 *   `Île-de-France`), never reported, and not turned into a US or Canadian
 *   code either (`Georgia` in a row from Georgia is not GA).
 * - no country (no country column, or a value that is not a country): US and
 *   Canadian values get their code; other values are kept cleaned, except
 *   ones written like a code (`XX`, `Z.Z.`, `US-XX`), which are
 *   unknown_region: a code column with a value that is no code is an error,
 *   while a name may be a region of another country.
 */

import { cleanText } from '../clean-text.ts';
import type { CellResult, ColumnTypeDefinition, RowContext } from '../column-type.ts';
import { ERROR_CODES } from '../errors.ts';
import { joinKey, lookupWords } from '../lookup-key.ts';
import { toCountryCode } from './country.ts';

/** Code -> names and abbreviations (the code itself, in any case and with dots, always matches). */
const US_REGIONS: Readonly<Record<string, readonly string[]>> = {
  AL: ['Alabama', 'Ala.'],
  AK: ['Alaska', 'Alas.'],
  AZ: ['Arizona', 'Ariz.'],
  AR: ['Arkansas', 'Ark.'],
  CA: ['California', 'Calif.', 'Cal.', 'Cali'],
  CO: ['Colorado', 'Colo.', 'Col.'],
  CT: ['Connecticut', 'Conn.'],
  DE: ['Delaware', 'Del.'],
  DC: [
    'District of Columbia',
    'Washington D.C.',
    'Wash. D.C.',
    'Washington District of Columbia',
    'Dist. of Columbia',
    'Dist. Columbia',
  ],
  FL: ['Florida', 'Fla.', 'Flor.'],
  GA: ['Georgia', 'Ga.'],
  HI: ['Hawaii', 'Hawaiʻi', "Hawai'i"],
  ID: ['Idaho', 'Ida.'],
  IL: ['Illinois', 'Ill.', 'Ills.'],
  IN: ['Indiana', 'Ind.'],
  IA: ['Iowa', 'Ia.'],
  KS: ['Kansas', 'Kan.', 'Kans.'],
  KY: ['Kentucky', 'Ky.', 'Ken.', 'Kent.'],
  LA: ['Louisiana', 'La.'],
  ME: ['Maine', 'Me.'],
  MD: ['Maryland', 'Md.'],
  MA: ['Massachusetts', 'Mass.'],
  MI: ['Michigan', 'Mich.'],
  MN: ['Minnesota', 'Minn.'],
  MS: ['Mississippi', 'Miss.'],
  MO: ['Missouri', 'Mo.'],
  MT: ['Montana', 'Mont.'],
  NE: ['Nebraska', 'Neb.', 'Nebr.'],
  NV: ['Nevada', 'Nev.'],
  NH: ['New Hampshire', 'N. Hamp.'],
  NJ: ['New Jersey', 'N. Jersey'],
  NM: ['New Mexico', 'N. Mex.', 'N. Mexico'],
  NY: ['New York', 'N. York'],
  NC: ['North Carolina', 'N. Car.', 'N. Carolina', 'No. Carolina'],
  ND: ['North Dakota', 'N. Dak.', 'N. Dakota', 'No. Dakota'],
  OH: ['Ohio'],
  OK: ['Oklahoma', 'Okla.'],
  OR: ['Oregon', 'Ore.', 'Oreg.'],
  PA: ['Pennsylvania', 'Pa.', 'Penn.', 'Penna.', 'Penn'],
  RI: ['Rhode Island', 'R. Isl.', 'Rhode Island and Providence Plantations'],
  SC: ['South Carolina', 'S. Car.', 'S. Carolina', 'So. Carolina'],
  SD: ['South Dakota', 'S. Dak.', 'S. Dakota', 'So. Dakota'],
  TN: ['Tennessee', 'Tenn.'],
  TX: ['Texas', 'Tex.'],
  UT: ['Utah'],
  VT: ['Vermont', 'Vt.'],
  VA: ['Virginia', 'Va.', 'Virg.'],
  WA: ['Washington', 'Wash.', 'Washington State'],
  WV: ['West Virginia', 'W. Va.', 'W. Virginia', 'W. Virg.'],
  WI: ['Wisconsin', 'Wis.', 'Wisc.'],
  WY: ['Wyoming', 'Wyo.'],
  // Territories.
  PR: ['Puerto Rico'],
  GU: ['Guam'],
  VI: [
    'U.S. Virgin Islands',
    'Virgin Islands',
    'United States Virgin Islands',
    'USVI',
    'Virgin Islands of the United States',
  ],
  AS: ['American Samoa', 'Am. Samoa'],
  MP: ['Northern Mariana Islands', 'N. Mariana Islands', 'Mariana Islands', 'CNMI'],
  // Freely associated states, served by US ZIP codes.
  FM: ['Federated States of Micronesia', 'Micronesia'],
  MH: ['Marshall Islands'],
  PW: ['Palau'],
  // Military mail.
  AA: ['Armed Forces Americas', 'Armed Forces Americas (except Canada)'],
  AE: [
    'Armed Forces Europe',
    'Armed Forces Africa',
    'Armed Forces Canada',
    'Armed Forces Middle East',
    'Armed Forces Europe, the Middle East, and Canada',
    'Armed Forces Europe, Middle East, Africa and Canada',
  ],
  AP: ['Armed Forces Pacific'],
};

const CA_REGIONS: Readonly<Record<string, readonly string[]>> = {
  AB: ['Alberta', 'Alta.', 'Alb.'],
  BC: ['British Columbia', 'Colombie-Britannique', 'Brit. Columbia', 'Brit. Col.'],
  MB: ['Manitoba', 'Man.'],
  NB: ['New Brunswick', 'Nouveau-Brunswick', 'N. Brunswick'],
  NL: [
    'Newfoundland and Labrador',
    'Newfoundland',
    'Labrador',
    'Nfld.',
    'Nfld. and Lab.',
    'Nfld. & Labrador',
    'Terre-Neuve-et-Labrador',
    'Terre-Neuve',
    'NF',
    'LB',
  ],
  NS: ['Nova Scotia', 'Nouvelle-Écosse'],
  NT: [
    'Northwest Territories',
    'North West Territories',
    'N.W.T.',
    'NWT',
    'Territoires du Nord-Ouest',
  ],
  NU: ['Nunavut', 'Nvt.'],
  ON: ['Ontario', 'Ont.'],
  PE: [
    'Prince Edward Island',
    'P.E.I.',
    'PEI',
    'Île-du-Prince-Édouard',
    'P.E. Island',
    'Pr. Edward Island',
  ],
  QC: ['Quebec', 'Québec', 'Que.', 'Qué.', 'PQ', 'P.Q.', 'Province de Québec'],
  SK: ['Saskatchewan', 'Sask.'],
  YT: ['Yukon', 'Yukon Territory', 'Y.T.', 'Yuk.', 'YK', 'Yn.'],
};

/** Countries whose addresses use US state codes (territories and associated states). */
const US_ADDRESSING: ReadonlySet<string> = new Set([
  'US',
  'PR',
  'GU',
  'VI',
  'AS',
  'MP',
  'UM',
  'FM',
  'MH',
  'PW',
]);

/** Longer values are no state or province (the longest name is below this). */
const MAX_INPUT = 80;

/** Words that wrap a name without changing it: `State of Texas`, `New York State`. */
const LEADING_WORDS: ReadonlySet<string> = new Set([
  'state',
  'commonwealth',
  'province',
  'territory',
]);
const TRAILING_WORDS: ReadonlySet<string> = new Set(['state', 'province', 'territory']);

function regionKey(name: string): string {
  return joinKey(lookupWords(name));
}

function buildTable(regions: Readonly<Record<string, readonly string[]>>): Map<string, string> {
  const table = new Map<string, string>();
  for (const [code, names] of Object.entries(regions)) {
    table.set(code.toLowerCase(), code);
    for (const name of names) table.set(regionKey(name), code);
  }
  return table;
}

const US_TABLE: ReadonlyMap<string, string> = buildTable(US_REGIONS);
const CA_TABLE: ReadonlyMap<string, string> = buildTable(CA_REGIONS);

/** `US-CA`, `ca-on`, `US_TX`: ISO 3166-2 subdivision codes. */
const ISO_SUBDIVISION = /^(US|CA)[-_ ]([A-Z]{2})$/i;
/** A value written like a code: two letters, with or without dots (`XX`, `Z.Z.`). */
const CODE_LIKE = /^[A-Za-z]\.? ?[A-Za-z]\.?$/;

type Scope = 'US' | 'CA' | 'both';

function scopeOf(context: RowContext): Scope | undefined {
  const country = context.country;
  if (country === undefined) return 'both';
  if (US_ADDRESSING.has(country)) return 'US';
  if (country === 'CA') return 'CA';
  return undefined;
}

function find(key: string, scope: Scope): string | undefined {
  if (key === '') return undefined;
  if (scope !== 'CA') {
    const code = US_TABLE.get(key);
    if (code !== undefined) return code;
  }
  return scope === 'US' ? undefined : CA_TABLE.get(key);
}

/** The keys a written value may be found under: itself, then without `State of`, `... State`. */
function candidateKeys(words: readonly string[]): string[] {
  const keys = [joinKey(words)];
  let start = 0;
  let end = words.length;
  if (end - start > 1 && LEADING_WORDS.has(words[start] ?? '')) start += 1;
  if (end - start > 1 && words[start] === 'of') start += 1;
  if (end - start > 1 && TRAILING_WORDS.has(words[end - 1] ?? '')) end -= 1;
  if (start > 0 || end < words.length) keys.push(joinKey(words.slice(start, end)));
  return keys;
}

/** The region code of a cleaned value within `scope`, or undefined. */
function lookup(cleaned: string, scope: Scope): string | undefined {
  if (cleaned.length > MAX_INPUT) return undefined;
  const iso = ISO_SUBDIVISION.exec(cleaned);
  if (iso !== null) {
    const country = (iso[1] ?? '').toUpperCase();
    if (scope !== 'both' && scope !== country) return undefined;
    return find((iso[2] ?? '').toLowerCase(), country === 'US' ? 'US' : 'CA');
  }
  for (const key of candidateKeys(lookupWords(cleaned))) {
    const code = find(key, scope);
    if (code !== undefined) return code;
  }
  // `Texas, USA`, `Ontario, Canada`: a trailing country that fits the scope.
  const comma = cleaned.lastIndexOf(',');
  if (comma > 0) {
    const country = toCountryCode(cleaned.slice(comma + 1));
    const countryScope: Scope | undefined =
      country === undefined ? undefined : scopeOf({ country });
    if (countryScope !== undefined && (scope === 'both' || scope === countryScope)) {
      return lookup(cleaned.slice(0, comma).trim(), countryScope);
    }
  }
  return undefined;
}

/** Quotes user input for a message, cut short so a huge value cannot bloat the report. */
function quote(s: string): string {
  return s.length > 40 ? `'${s.slice(0, 40)}…'` : `'${s}'`;
}

function unknown(cleaned: string, scope: Scope, country: string | undefined): CellResult {
  let message: string;
  if (scope === 'US') {
    const other = lookup(cleaned, 'CA');
    message =
      other === undefined
        ? `Not a US state, district or territory: ${quote(cleaned)}`
        : `${quote(cleaned)} is the Canadian province or territory ${other}, but the row's country is ${country}`;
  } else if (scope === 'CA') {
    const other = lookup(cleaned, 'US');
    message =
      other === undefined
        ? `Not a Canadian province or territory: ${quote(cleaned)}`
        : `${quote(cleaned)} is the US state or territory ${other}, but the row's country is CA`;
  } else {
    message = `Not a US state or Canadian province code: ${quote(cleaned)}`;
  }
  return { ok: false, code: ERROR_CODES.unknownRegion, message };
}

/**
 * `Virginia` -> `VA`, `dc` -> `DC`, `Québec` -> `QC`; see the module comment
 * for how the row's country decides between a code, the cleaned value and
 * unknown_region.
 */
function normalizeRegion(raw: string, context: RowContext): CellResult {
  const cleaned = cleanText(raw);
  if (cleaned === '') return { ok: true, value: '' };
  const scope = scopeOf(context);
  if (scope === undefined) return { ok: true, value: cleaned };
  const code = lookup(cleaned, scope);
  if (code !== undefined) return { ok: true, value: code };
  if (scope === 'both' && !CODE_LIKE.test(cleaned) && !ISO_SUBDIVISION.test(cleaned)) {
    return { ok: true, value: cleaned };
  }
  return unknown(cleaned, scope, context.country);
}

export const regionType: ColumnTypeDefinition<'region'> = {
  type: 'region',
  sqlType: 'text',
  contextFree: false,
  formulaSafe: false,
  normalize(raw, _options, context): CellResult {
    return normalizeRegion(raw, context);
  },
  headerSynonyms: [
    'state',
    'province',
    'region',
    'stateprovince',
    'stateorprovince',
    'provincestate',
    'stateprovinceregion',
    'stateregion',
    'stateorregion',
    'stateprov',
    'prov',
    'st',
    'statecode',
    'stateabbr',
    'stateabbreviation',
    'statename',
    'provincecode',
    'provincename',
    'regioncode',
    'stateprovincecode',
    // Other languages seen in exports.
    'provincia',
    'bundesland',
  ],
  looksLike(raw) {
    return lookup(cleanText(raw), 'both') !== undefined;
  },
};
