import { ERROR_CODES } from './errors.ts';
import { cleanText } from './text.ts';
import type { CellResult, ColumnTypeDefinition } from './types.ts';

/** A person name split into its parts (each '' when absent). */
export interface NameParts {
  /** Honorifics before the name: `Dr.`, `Prof. Dr.`, `Mrs.`. */
  prefix: string;
  first: string;
  /** Every given name or initial between the first and the last name: `A. B.`. */
  middle: string;
  /** The family name with its particles: `van der Berg`, `de la Cruz`, `MacLeod`. */
  last: string;
  /** Generational suffixes and credentials as written out: `Jr.`, `III`, `Jr., PhD`. */
  suffix: string;
}

// Every pattern below is a single character class, a fixed literal or an
// anchored pattern of bounded length: linear time whatever the input length.
const LETTER = /\p{L}/u;
const UPPER = /^[\p{Lu}\p{Lt}]$/u;
const LOWER = /^\p{Ll}$/u;
const URL_LIKE = /:\/\/|\bwww\./i;
const COMMA = /[,\uFF0C]/;
/** Letters, marks, digits and apostrophes: the runs of a word that are cased as one. */
const WORD_RUN = /[\p{L}\p{M}\p{N}'\u2019\u02BC]+/gu;
const APOSTROPHE = /['\u2019\u02BC]/;
const DIGIT_START = /^\p{N}/u;
const ORDINAL = /^\d+(?:st|nd|rd|th)\.?$/i;

/**
 * Honorifics recognized before a name (lower case, without a trailing
 * period) and how they are written: abbreviations with a period.
 */
const HONORIFICS: ReadonlyMap<string, string> = new Map([
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

interface Suffix {
  text: string;
  /** Credentials (PhD, MD, Esq.) follow the name after a comma; generational suffixes after a space. */
  credential: boolean;
}

/**
 * Suffixes recognized after a name (lower case, without a trailing period).
 * Roman numerals are limited to those that are not also a name or an
 * initial: V and X stay initials, VI is a numeral only when written in
 * capitals in a name that is not all capitals (`Vi` is a given name).
 */
const SUFFIX_LIST: readonly (readonly [key: string, text: string, credential: boolean])[] = [
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
const SUFFIXES: ReadonlyMap<string, Suffix> = new Map(
  SUFFIX_LIST.map(([key, text, credential]) => [key, { text, credential }]),
);

/**
 * Particles of family names, kept in lower case inside a name (`Peter van der
 * Berg`, `Juan de la Cruz`) but capitalized as the first word (`Van der Berg`)
 * and as the last one (`Thanh Le`, where it is the family name itself).
 */
const PARTICLES: ReadonlySet<string> = new Set([
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
const MAC_NAMES: ReadonlySet<string> = new Set([
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
const SURNAME_STARTS: ReadonlySet<string> = new Set([
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

const MC = /^mc\p{L}\p{L}/u;
/** One letter, an apostrophe, a letter: O'Brien, D'Angelo, N'Dour. */
const LETTER_APOSTROPHE = /^\p{L}['\u2019\u02BC]\p{L}/u;

function invalid(reason: string): CellResult {
  return {
    ok: false,
    code: ERROR_CODES.invalidName,
    message: `Not a valid person name: ${reason}`,
  };
}

/** Lower case; capital dotted I (Turkish) becomes a plain i instead of i + combining dot. */
function lower(s: string): string {
  return s.replace(/\u0130/g, 'i').toLowerCase();
}

/**
 * `lowered` with the character at `at` in upper case, or as written in
 * `original` when it already was a capital there (keeps `İ`).
 */
function upperAt(lowered: string, original: string, at: number): string {
  const code = lowered.codePointAt(at);
  if (code === undefined) return lowered;
  const ch = String.fromCodePoint(code);
  const written = original.slice(at, at + ch.length);
  const upper = UPPER.test(written) ? written : ch.toUpperCase();
  return lowered.slice(0, at) + upper + lowered.slice(at + ch.length);
}

/** Proper case for one run of letters (with apostrophes and digits). */
function caseRun(run: string): string {
  const low = lower(run);
  // 21st, 3rd: a run that starts with a digit stays in lower case.
  if (DIGIT_START.test(low) || low.length !== run.length) return low;
  const start = low.search(LETTER);
  if (start < 0) return low;
  const word = low.slice(start);
  let out = upperAt(low, run, start);
  if (LETTER_APOSTROPHE.test(word)) {
    out = upperAt(out, run, start + word.search(APOSTROPHE) + 1);
  } else if (MC.test(word) || MAC_NAMES.has(word)) {
    out = upperAt(out, run, start + (word.startsWith('mc') ? 2 : 3));
  }
  return out;
}

/**
 * Proper case for one word written all in lower case or in capitals: every
 * part between hyphens, periods and other punctuation gets a capital
 * (`garcía-lópez` -> `García-López`, `j.r.r.` -> `J.R.R.`), with the
 * Mc/Mac/O' rules (`MCDONALD` -> `McDonald`, `macleod` -> `MacLeod`,
 * `o'brien` -> `O'Brien`; Mac only for known names).
 */
export function properCaseWord(word: string): string {
  return word.replace(WORD_RUN, caseRun);
}

/**
 * True when a word is written all in lower case or mostly in capitals, the
 * words that are re-cased; mixed case (`DeVito`, `Min-jun`, `McDonald`,
 * `Van`) is kept as written.
 */
export function needsRecase(word: string): boolean {
  let upper = 0;
  let lowerCount = 0;
  for (const ch of word) {
    const code = ch.charCodeAt(0);
    // ASCII without the Unicode-aware patterns: A-Z are its only capitals, a-z its only lower case.
    if (code < 0x80) {
      if (code >= 0x41 && code <= 0x5a) upper += 1;
      else if (code >= 0x61 && code <= 0x7a) lowerCount += 1;
    } else if (UPPER.test(ch)) upper += 1;
    else if (LOWER.test(ch)) lowerCount += 1;
  }
  return upper === 0 || upper > lowerCount;
}

function honorific(token: string): string | undefined {
  const key = lower(token);
  return HONORIFICS.get(key.endsWith('.') ? key.slice(0, -1) : key);
}

function suffixOf(token: string, nameHasLowerCase: boolean): Suffix | undefined {
  if (token === 'VI' && nameHasLowerCase) return { text: 'VI', credential: false };
  if (ORDINAL.test(token)) return { text: lower(token).replace('.', ''), credential: false };
  const key = lower(token);
  return SUFFIXES.get(key.endsWith('.') ? key.slice(0, -1) : key);
}

/** A name taken apart: canonical prefixes and suffixes, name words as written. */
interface Parsed {
  prefixes: string[];
  /** The name's words in output order (first name first), not yet cased. */
  words: string[];
  /** Indexes into `words` after which a comma is written (names that could not be reordered). */
  commasAfter: Set<number>;
  /** Where the family name starts in `words`, when "Last, First" said so. */
  lastStart: number | undefined;
  suffixes: Suffix[];
}

/** Moves leading honorifics of `words` into `prefixes`, leaving at least one word. */
function takePrefixes(words: string[], prefixes: string[]): string[] {
  let i = 0;
  while (i < words.length - 1) {
    const prefix = honorific(words[i] ?? '');
    if (prefix === undefined) break;
    prefixes.push(prefix);
    i += 1;
  }
  return words.slice(i);
}

/** Splits trailing suffixes off `words`, leaving at least one word; answers them in order. */
function takeSuffixes(words: string[], hasLowerCase: boolean): Suffix[] {
  const taken: Suffix[] = [];
  while (words.length > 1) {
    const suffix = suffixOf(words[words.length - 1] ?? '', hasLowerCase);
    if (suffix === undefined) break;
    taken.push(suffix);
    words.pop();
  }
  return taken.reverse();
}

function parse(cleaned: string): Parsed {
  const hasLowerCase = /\p{Ll}/u.test(cleaned);
  const segments = cleaned
    .split(COMMA)
    .map((segment) => segment.trim())
    .filter((segment) => segment !== '')
    .map((segment) => segment.split(' '));
  // Segments after the first made only of suffixes: "Smith, Jr.", "John Smith, PhD".
  const names: string[][] = [];
  const trailing: Suffix[] = [];
  for (const [index, words] of segments.entries()) {
    const suffixes = index === 0 ? [] : words.map((w) => suffixOf(w, hasLowerCase));
    if (index > 0 && suffixes.every((s) => s !== undefined)) {
      trailing.push(...(suffixes as Suffix[]));
    } else {
      names.push(words);
    }
  }
  const prefixes: string[] = [];
  if (names.length === 2) {
    // "Last, First Middle": the family name first, then the given names.
    const last = takePrefixes(names[0] ?? [], prefixes);
    const lastSuffixes = takeSuffixes(last, hasLowerCase);
    const given = takePrefixes(names[1] ?? [], prefixes);
    const givenSuffixes = takeSuffixes(given, hasLowerCase);
    return {
      prefixes,
      words: [...given, ...last],
      commasAfter: new Set(),
      lastStart: given.length,
      suffixes: [...lastSuffixes, ...givenSuffixes, ...trailing],
    };
  }
  if (names.length === 1) {
    const words = takePrefixes(names[0] ?? [], prefixes);
    const suffixes = takeSuffixes(words, hasLowerCase);
    return {
      prefixes,
      words,
      commasAfter: new Set(),
      lastStart: undefined,
      suffixes: [...suffixes, ...trailing],
    };
  }
  // Several commas: not a "Last, First" shape; kept in its order, cased.
  const words: string[] = [];
  const commasAfter = new Set<number>();
  for (const segment of segments) {
    if (words.length > 0) commasAfter.add(words.length - 1);
    words.push(...segment);
  }
  return { prefixes: [], words, commasAfter, lastStart: undefined, suffixes: [] };
}

const SINGLE_CASED_LETTER = /^\p{L}$/u;

/**
 * Spanish "y" between two family names (José Ortega y Gasset): written in
 * lower case, after a given name and a family name, between words longer
 * than an initial. Otherwise Y is an initial (John Y. Smith, X. Y. Z).
 */
function isConjunction(words: readonly string[], index: number): boolean {
  return (
    words[index] === 'y' &&
    index >= 2 &&
    (words[index - 1] ?? '').length > 2 &&
    (words[index + 1] ?? '').length > 2
  );
}

/** Cases the name's words: re-casing, particles, initials. */
function caseWords(words: readonly string[]): string[] {
  return words.map((word, index) => {
    const inside = index > 0 && index < words.length - 1;
    if (!needsRecase(word)) return word;
    const low = lower(word);
    if (inside && (PARTICLES.has(low) || isConjunction(words, index))) return low;
    const cased = properCaseWord(word);
    // An initial before another name gets its period ("John A Smith" -> "John A. Smith").
    // Ó is the Irish particle (Seán Ó Briain), not an initial.
    if (
      index < words.length - 1 &&
      SINGLE_CASED_LETTER.test(cased) &&
      cased !== 'Ó' &&
      cased.toLowerCase() !== cased.toUpperCase()
    ) {
      return `${cased}.`;
    }
    return cased;
  });
}

function formatSuffixes(suffixes: readonly Suffix[]): string {
  let out = '';
  for (const suffix of suffixes) {
    if (out !== '') out += suffix.credential ? ', ' : ' ';
    out += suffix.text;
  }
  return out;
}

interface Checked {
  parsed: Parsed;
  cased: string[];
}

function check(raw: string): Checked | { reason: string } {
  const cleaned = cleanText(raw);
  if (cleaned === '') return { reason: 'empty' };
  if (!LETTER.test(cleaned)) return { reason: 'no letters' };
  if (cleaned.includes('@')) return { reason: 'looks like an e-mail address' };
  if (URL_LIKE.test(cleaned)) return { reason: 'looks like a web address' };
  const parsed = parse(cleaned);
  return { parsed, cased: caseWords(parsed.words) };
}

/**
 * `"SMITH, JOHN A. JR"` -> `John A. Smith Jr.`: cleaned like text, "Last,
 * First" reordered, words written in lower case or mostly in capitals put in
 * proper case (Mc/Mac/O', particles, hyphenated parts), mixed case kept,
 * honorifics and suffixes written consistently (`Dr.`, `Jr.`, `III`, `, PhD`),
 * initials given a period. Invalid: no letters, an e-mail or web address.
 */
function normalizeName(raw: string): CellResult {
  const checked = check(raw);
  if ('reason' in checked) return invalid(checked.reason);
  const { parsed, cased } = checked;
  let out = parsed.prefixes.join(' ');
  for (const [index, word] of cased.entries()) {
    if (out !== '') out += ' ';
    out += parsed.commasAfter.has(index) ? `${word},` : word;
  }
  const suffixes = formatSuffixes(parsed.suffixes);
  if (suffixes !== '') out += (parsed.suffixes[0]?.credential ? ', ' : ' ') + suffixes;
  return { ok: true, value: out };
}

/** Where the family name starts when nothing said so: the last word and the particles before it. */
function guessLastStart(words: readonly string[]): number {
  let start = words.length - 1;
  while (start > 1) {
    const before = words[start - 1] ?? '';
    if (SURNAME_STARTS.has(lower(before))) start -= 1;
    else if (before === 'y' && start > 2)
      start -= 2; // Ortega y Gasset
    else break;
  }
  return start;
}

/**
 * Splits a person name into prefix, first, middle, last and suffix, each in
 * the normalized form of nameType (`"SMITH, JOHN A. JR"` -> prefix '', first
 * `John`, middle `A.`, last `Smith`, suffix `Jr.`). Takes a raw or normalized
 * value; "Last, First" tells where the family name starts (`García López,
 * María` -> last `García López`), otherwise it is the last word with its
 * particles (`van der Berg`). A single word is the first name, or the last
 * one next to an honorific or a suffix (`Dr. Smith`, `Smith Jr.`). Every part is '' for a value that is
 * not a valid name.
 */
export function splitName(value: string): NameParts {
  const checked = check(value);
  const parts: NameParts = { prefix: '', first: '', middle: '', last: '', suffix: '' };
  if ('reason' in checked) return parts;
  const { parsed, cased } = checked;
  parts.prefix = parsed.prefixes.join(' ');
  parts.suffix = formatSuffixes(parsed.suffixes);
  const titled = parsed.prefixes.length > 0 || parsed.suffixes.length > 0;
  if (cased.length === 1 && titled && parsed.lastStart === undefined) {
    parts.last = cased[0] ?? '';
    return parts;
  }
  const lastStart = parsed.lastStart ?? (cased.length === 1 ? 1 : guessLastStart(cased));
  const given = cased.slice(0, lastStart);
  parts.first = given[0] ?? '';
  parts.middle = given.slice(1).join(' ');
  parts.last = cased.slice(lastStart).join(' ');
  return parts;
}

export const nameType: ColumnTypeDefinition = {
  type: 'name',
  normalize: normalizeName,
  headerSynonyms: [
    'name',
    'names',
    'fullname',
    'fullnames',
    'personname',
    'contactname',
    'customername',
    'clientname',
    'membername',
    'employeename',
    'patientname',
    'studentname',
    'attendeename',
    'recipientname',
    'displayname',
    'nameoncard',
    'firstandlastname',
    'firstlastname',
    'firstname',
    'fname',
    'givenname',
    'forename',
    'forenames',
    'middlename',
    'middlenames',
    'middleinitial',
    'lastname',
    'lname',
    'surname',
    'familyname',
    // A few other languages seen in exports.
    'nom',
    'nomcomplet',
    'prenom',
    'nombre',
    'nombrecompleto',
    'apellido',
    'apellidos',
    'vorname',
    'nachname',
    'vollername',
    'nome',
    'cognome',
    'sobrenome',
    'naam',
    'voornaam',
    'achternaam',
  ],
};
