/**
 * legalForm and split answer plain ASCII words without their Unicode
 * patterns (and long words without lower-casing them): the answers must be
 * those of the pattern-only code they replaced, kept here as the reference,
 * on generated words of every kind of character they tell apart.
 */
import { describe, expect, it } from 'vitest';
import { generate } from '../fast-path-test-helpers.ts';
import {
  LEGAL_FORMS,
  LONGEST_LEGAL_FORM,
  legalForm,
  split,
  writeLegalForm,
} from './company-legal-forms.ts';

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** split as written with patterns only. */
function referenceSplit(word: string) {
  const start = word.search(/[\p{L}\p{N}&]/u);
  if (start < 0) return { before: word, core: '', after: '' };
  let end = word.length;
  while (end > start && !LETTER_OR_DIGIT.test(word.charAt(end - 1)) && word[end - 1] !== '&') {
    end -= 1;
  }
  return { before: word.slice(0, start), core: word.slice(start, end), after: word.slice(end) };
}

/** legalForm as written with patterns only (the same table). */
function referenceLegalForm(word: string): string | undefined {
  const { core, after } = referenceSplit(word);
  const key = core.toLowerCase().replaceAll('.', '');
  const form = LEGAL_FORMS.get(key);
  if (key === 'spa' && !core.includes('.') && core !== 'SpA' && !after.startsWith('.')) {
    return undefined;
  }
  return form;
}

// Letters of legal forms, other ASCII, punctuation around words, and
// non-ASCII letters, digits, a surrogate pair and İ (whose lower case is longer).
const PIECES = [
  ...'abcdeghiklnoprstuvyABCGHILKLMPSV',
  ...'0123456789',
  ...'.&(),-\'"/ ',
  'é',
  'Ü',
  'ß',
  'İ',
  '²',
  '٣',
  '𝐀',
  '\u0301',
  'llc',
  'LLC',
  'Inc',
  'GmbH',
  'S.p.A',
  'SpA',
  'spa',
  'B.V',
  'Co',
  'Pty',
];

const words = [
  ...generate(20_251_203, 40_000, (r, pick) => {
    let word = '';
    const length = 1 + Math.floor(r() * 7);
    for (let i = 0; i < length; i++) word += pick(PIECES);
    return word;
  }),
  'Brightpath',
  'Holdings',
  'Inc.',
  '(Pty)',
  'S.p.A.',
  'Ltd.,',
  'GMBH.',
  'K.G.a.A.',
  '...',
  '.Inc',
];

describe('company legal forms without patterns', () => {
  it('the longest key is what longerThanAnyForm counts against', () => {
    expect(LONGEST_LEGAL_FORM).toBe(4);
  });

  it('split gives the pattern-only answer for every generated word', () => {
    for (const word of words) {
      expect(split(word), JSON.stringify(word)).toEqual(referenceSplit(word));
    }
  });

  it('legalForm and writeLegalForm give the pattern-only answers for every generated word', () => {
    let forms = 0;
    for (const word of words) {
      const form = legalForm(word);
      expect(form, JSON.stringify(word)).toBe(referenceLegalForm(word));
      if (form !== undefined) {
        forms += 1;
        const { before, after } = referenceSplit(word);
        expect(writeLegalForm(word, form)).toBe(
          before + form + (after.startsWith('.') ? after.slice(1) : after),
        );
      }
    }
    // The generator does reach legal forms (the comparison is not only of undefined).
    expect(forms).toBeGreaterThan(500);
  });
});
