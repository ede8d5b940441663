import { cleanAscii } from '../clean-text.ts';
import { LONGEST_LEGAL_FORM, legalForm, writeLegalForm } from './company-legal-forms.ts';

/** A word of ASCII letters only, longer than any legal form (`Holdings`): legalForm is undefined. */
function isLongWord(word: string): boolean {
  if (word.length <= LONGEST_LEGAL_FORM) return false;
  for (let i = 0; i < word.length; i++) {
    const code = word.charCodeAt(i) | 0x20;
    if (code < 0x61 || code > 0x7a) return false;
  }
  return true;
}

/**
 * The most common company names, answered without the general code:
 * printable ASCII (cleanAscii) without a comma, in mixed case (both a capital
 * and a lower-case letter: `Brightpath Holdings`, `eBay`, `Acme LLC`), with
 * at most one trailing legal form. Mixed case is kept as written, so the
 * general code's result is the cleaned value with its last word rewritten
 * when that word is a legal form (`Acme llc` -> `Acme LLC`, `Acme Ltd` ->
 * `Acme Ltd.`, `Acme & Co` -> `Acme & Co.`). Undefined for every other
 * value, and whenever the word before a legal form is a legal form itself,
 * or `&` after one (`Pty Ltd`, `GmbH & Co.`, where the general code's rules
 * for runs of legal forms apply), or the last word is `&`.
 */
export function fastCompany(raw: string): string | undefined {
  const text = cleanAscii(raw);
  if (text === undefined) return undefined;
  let upper = false;
  let lower = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x2c) return undefined; // ',': the general code spaces commas
    if (code >= 0x41 && code <= 0x5a) upper = true;
    else if (code >= 0x61 && code <= 0x7a) lower = true;
  }
  if (!upper || !lower) return undefined;
  const lastSpace = text.lastIndexOf(' ');
  // One word: legal forms are only read after a name, so it stays as written.
  if (lastSpace === -1) return text;
  const last = text.slice(lastSpace + 1);
  if (last === '&') return undefined;
  const form = isLongWord(last) ? undefined : legalForm(last);
  if (form === undefined) return text;
  const previousSpace = text.lastIndexOf(' ', lastSpace - 1);
  const previous = text.slice(previousSpace + 1, lastSpace);
  if (previous === '&') {
    // `Acme & Co.`: legalFormsStart carries the run of legal forms over `&`
    // only when a legal form comes before it (`GmbH & Co.`); otherwise the
    // run is the last word alone, as with any other word before it.
    if (previousSpace !== -1) {
      const before = text.slice(text.lastIndexOf(' ', previousSpace - 1) + 1, previousSpace);
      if (legalForm(before) !== undefined) return undefined;
    }
  } else if (legalForm(previous) !== undefined) {
    return undefined;
  }
  return text.slice(0, lastSpace + 1) + writeLegalForm(last, form);
}
