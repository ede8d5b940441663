/**
 * The word lists of person names: honorifics, suffixes and credentials,
 * family-name particles, the Mac names, and the words that start a family
 * name. name.ts and name-case.ts read them.
 */

/**
 * Honorifics recognized before a name (lower case, without a trailing
 * period) and how they are written: abbreviations with a period.
 */
export const HONORIFICS: ReadonlyMap<string, string> = new Map([
  ['dr', 'Dr.'],
  ['mr', 'Mr.'],
  ['mrs', 'Mrs.'],
  ['ms', 'Ms.'],
  ['mx', 'Mx.'],
  ['prof', 'Prof.'],
  ['rev', 'Rev.'],
  ['hon', 'Hon.'],
  ['sir', 'Sir'],
  ['dame', 'Dame'],
  ['miss', 'Miss'],
]);

/**
 * Suffixes recognized after a name (lower case, without a trailing period).
 * Roman numerals are limited to those that are not also a name or an
 * initial: V and X stay initials, VI is a numeral only when written in
 * capitals in a name that is not all capitals (`Vi` is a given name).
 */
export const SUFFIX_LIST: readonly (readonly [key: string, text: string, credential: boolean])[] = [
  ['jr', 'Jr.', false],
  ['sr', 'Sr.', false],
  ['ii', 'II', false],
  ['iii', 'III', false],
  ['iv', 'IV', false],
  ['vii', 'VII', false],
  ['viii', 'VIII', false],
  ['ix', 'IX', false],
  ['phd', 'PhD', true],
  ['ph.d', 'PhD', true],
  ['md', 'MD', true],
  ['m.d', 'MD', true],
  ['dds', 'DDS', true],
  ['d.d.s', 'DDS', true],
  ['dmd', 'DMD', true],
  ['d.m.d', 'DMD', true],
  ['dvm', 'DVM', true],
  ['d.v.m', 'DVM', true],
  ['esq', 'Esq.', true],
  ['cpa', 'CPA', true],
  ['c.p.a', 'CPA', true],
  ['mba', 'MBA', true],
  ['m.b.a', 'MBA', true],
];

/**
 * Particles of family names, kept in lower case inside a name (`Peter van der
 * Berg`, `Juan de la Cruz`) but capitalized as the first word (`Van der Berg`)
 * and as the last one (`Thanh Le`, where it is the family name itself).
 */
export const PARTICLES: ReadonlySet<string> = new Set([
  'al',
  'bin',
  'binti',
  'da',
  'das',
  'de',
  'del',
  'della',
  'den',
  'der',
  'des',
  'di',
  'do',
  'dos',
  'du',
  'ibn',
  'la',
  'le',
  'ten',
  'ter',
  'van',
  'vom',
  'von',
  'zu',
  'zum',
  'zur',
]);

/**
 * Family names written with a capital after `Mac`. Only a known list: many
 * names merely start with those letters (Macy, Mack, Mace, Machado, Macias,
 * Macedo, Machiavelli, Macron).
 */
export const MAC_NAMES: ReadonlySet<string> = new Set([
  'macadam',
  'macalister',
  'macallister',
  'macarthur',
  'macaskill',
  'macaulay',
  'macbain',
  'macbean',
  'macbeth',
  'macbride',
  'maccabe',
  'maccallum',
  'maccarthy',
  'maccormack',
  'maccormick',
  'maccrae',
  'macdermott',
  'macdonagh',
  'macdonald',
  'macdonnell',
  'macdougall',
  'macdowell',
  'macduff',
  'maceachern',
  'macewan',
  'macewen',
  'macfadyen',
  'macfarlane',
  'macgillivray',
  'macgowan',
  'macgrath',
  'macgregor',
  'macguire',
  'macinnes',
  'macinnis',
  'macintyre',
  'maciver',
  'mackay',
  'mackellar',
  'mackenzie',
  'mackinnon',
  'maclachlan',
  'maclaren',
  'maclean',
  'macleish',
  'maclennan',
  'macleod',
  'macmahon',
  'macmanus',
  'macmaster',
  'macmillan',
  'macmurray',
  'macnab',
  'macnamara',
  'macnaughton',
  'macneil',
  'macneill',
  'macnicol',
  'macphail',
  'macphee',
  'macpherson',
  'macquarrie',
  'macqueen',
  'macrae',
  'macritchie',
  'macsween',
  'mactavish',
  'macvicar',
  'macwilliams',
]);

/**
 * Words that start a family name when the value does not say where it
 * starts (splitName): the particles and a few more (Seán Ó Briain, Luis San
 * Martín, Mohamed El Sayed), in lower case.
 */
export const SURNAME_STARTS: ReadonlySet<string> = new Set([
  ...PARTICLES,
  'ó',
  'ní',
  'nic',
  'uí',
  'mac',
  'mc',
  'el',
  'san',
  'santa',
  'st',
  'st.',
  'ste',
  'ste.',
]);
