import { cleanText } from '../clean-text.ts';
import type { CellResult, ColumnTypeDefinition } from '../column-type.ts';
import { ERROR_CODES } from '../errors.ts';
import { FAST_PATHS } from '../fast-paths.ts';
import { honorific, type Suffix, suffixOf } from './name-affixes.ts';
import { lower, needsRecase, properCaseWord } from './name-case.ts';
import { PARTICLES, SURNAME_STARTS } from './name-data.ts';
import { fastName } from './name-fast.ts';

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
const URL_LIKE = /:\/\/|\bwww\./i;
const COMMA = /[,\uFF0C]/;

function invalid(reason: string): CellResult {
  return {
    ok: false,
    code: ERROR_CODES.invalidName,
    message: `Not a valid person name: ${reason}`,
  };
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
  const fast = FAST_PATHS.enabled ? fastName(raw) : undefined;
  if (fast !== undefined) return { ok: true, value: fast };
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

export const nameType: ColumnTypeDefinition<'name'> = {
  type: 'name',
  sqlType: 'text',
  contextFree: true,
  formulaSafe: false,
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
