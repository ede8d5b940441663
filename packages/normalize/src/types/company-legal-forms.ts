/**
 * Legal forms at the end of a company name (`LLC`, `Inc.`, `GmbH & Co. KG`):
 * which words are one and how each is written. Shared by the company type
 * (company.ts) and its fast path (company-fast.ts).
 */

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * Legal-form abbreviations (lower case, periods removed) and how they are
 * written. Words such as Corporation, Incorporated, Limited, Company stay
 * words; only abbreviations are rewritten, and only at the end of the name.
 */
export const LEGAL_FORMS: ReadonlyMap<string, string> = new Map([
  ['llc', 'LLC'],
  ['pllc', 'PLLC'],
  ['llp', 'LLP'],
  ['lllp', 'LLLP'],
  ['lp', 'L.P.'],
  ['inc', 'Inc.'],
  ['corp', 'Corp.'],
  ['co', 'Co.'],
  ['ltd', 'Ltd.'],
  ['plc', 'PLC'],
  ['pty', 'Pty'],
  ['pte', 'Pte.'],
  ['pvt', 'Pvt.'],
  ['sdn', 'Sdn.'],
  ['bhd', 'Bhd.'],
  ['gmbh', 'GmbH'],
  ['mbh', 'mbH'],
  ['ag', 'AG'],
  ['kg', 'KG'],
  ['kgaa', 'KGaA'],
  ['ug', 'UG'],
  ['se', 'SE'],
  ['sa', 'S.A.'],
  ['sl', 'S.L.'],
  ['spa', 'S.p.A.'],
  ['bv', 'B.V.'],
  ['nv', 'N.V.'],
  ['ab', 'AB'],
  ['oy', 'Oy'],
  ['oyj', 'Oyj'],
]);

/** The length of the longest legal-form key: a plain word longer than this is no legal form. */
export const LONGEST_LEGAL_FORM = Math.max(...[...LEGAL_FORMS.keys()].map((key) => key.length));

const isAsciiLetterOrDigit = (code: number) =>
  (code >= 0x30 && code <= 0x39) || ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a);

/** A word split into its leading punctuation, its core and its trailing punctuation. */
export function split(word: string): { before: string; core: string; after: string } {
  // Most words start and end with an ASCII letter or digit: all core, no pattern needed.
  const leadsWithCore = isAsciiLetterOrDigit(word.charCodeAt(0));
  if (leadsWithCore && isAsciiLetterOrDigit(word.charCodeAt(word.length - 1))) {
    return { before: '', core: word, after: '' };
  }
  // An ASCII letter or digit first is where the pattern's search would stop (`Inc.`).
  const start = leadsWithCore ? 0 : word.search(/[\p{L}\p{N}&]/u);
  if (start < 0) return { before: word, core: '', after: '' };
  let end = word.length;
  while (end > start && !isCoreEnd(word, end - 1)) end -= 1;
  return { before: word.slice(0, start), core: word.slice(start, end), after: word.slice(end) };
}

/** Whether the core may end at `word[index]`: a letter, digit or `&` (ASCII without the pattern). */
function isCoreEnd(word: string, index: number): boolean {
  const code = word.charCodeAt(index);
  if (code < 0x80) return isAsciiLetterOrDigit(code) || code === 0x26;
  return LETTER_OR_DIGIT.test(word.charAt(index));
}

/**
 * Whether a word of ASCII letters and periods has more letters than any
 * legal-form key, so legalForm is undefined without lower-casing it (most
 * words of a company name: `Brightpath`). False for any other word.
 */
function longerThanAnyForm(word: string): boolean {
  if (word.length <= LONGEST_LEGAL_FORM) return false;
  let letters = 0;
  for (let i = 0; i < word.length; i++) {
    const code = word.charCodeAt(i);
    if (code === 0x2e) continue;
    if ((code | 0x20) < 0x61 || (code | 0x20) > 0x7a) return false;
    letters += 1;
  }
  return letters > LONGEST_LEGAL_FORM;
}

/** The legal-form key of a word: lower case, periods removed, surrounding punctuation ignored. */
export function legalForm(word: string): string | undefined {
  if (longerThanAnyForm(word)) return undefined;
  const { core, after } = split(word);
  const key = core.toLowerCase().replaceAll('.', '');
  const form = LEGAL_FORMS.get(key);
  // "Spa" is also a word (Day Spa): S.p.A. only when written with periods or as SpA.
  if (key === 'spa' && !core.includes('.') && core !== 'SpA' && !after.startsWith('.')) {
    return undefined;
  }
  return form;
}

/**
 * Rewrites a legal-form word, keeping the punctuation around it (a comma
 * after it, parentheses: `(Pty)`); the period of an abbreviation replaces a
 * written one.
 */
export function writeLegalForm(word: string, form: string): string {
  const { before, after } = split(word);
  return before + form + (after.startsWith('.') ? after.slice(1) : after);
}

/** Index of the first word of the trailing legal forms (`Co., Ltd.`, `GmbH & Co. KG`); never 0. */
export function legalFormsStart(words: readonly string[]): number {
  let start = words.length;
  while (start > 1) {
    const word = words[start - 1] ?? '';
    if (legalForm(word) !== undefined) start -= 1;
    else if (word === '&' && start > 2 && legalForm(words[start - 2] ?? '') !== undefined) {
      start -= 1;
    } else break;
  }
  return start;
}
