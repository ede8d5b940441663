/**
 * Booleans to `true` / `false`.
 *
 * Read, in any case, after the usual text cleaning (trimmed, invisible
 * characters removed):
 * - true: yes, y, true, t, 1, on, x (a cross in a checkbox column), ✓ ✔ ☑ ✅,
 *   and oui, ja, j, si, sí, sì, sim, vrai, wahr, verdadero, vero;
 * - false: no, n, false, f, 0, off, ✗ ✘ ❌, and non, nein, nee, nej, não,
 *   nao, faux, falsch, falso.
 * `1.0` / `0.0` (numeric exports of flags) count as 1 and 0. Anything else
 * (`perhaps`, `2`, `-`, `n/a`) is `invalid_boolean`: guessing would turn an
 * unknown into a fact. A blank cell stays empty (handled before this module).
 */

import { cleanText } from '../clean-text.ts';
import type { CellResult, ColumnTypeDefinition } from '../column-type.ts';
import { ERROR_CODES } from '../errors.ts';

const TRUE_WORDS = [
  'yes',
  'y',
  'true',
  't',
  '1',
  '1.0',
  'on',
  'x',
  '\u2713', // ✓ check mark
  '\u2714', // ✔ heavy check mark
  '\u2611', // ☑ ballot box with check
  '\u2705', // ✅ white heavy check mark
  'oui',
  'ja',
  'j',
  'si',
  'sí',
  'sì',
  'sim',
  'vrai',
  'wahr',
  'verdadero',
  'vero',
];

const FALSE_WORDS = [
  'no',
  'n',
  'false',
  'f',
  '0',
  '0.0',
  'off',
  '\u2717', // ✗ ballot x
  '\u2718', // ✘ heavy ballot x
  '\u274C', // ❌ cross mark
  'non',
  'nein',
  'nee',
  'nej',
  'não',
  'nao',
  'faux',
  'falsch',
  'falso',
];

const VALUES: ReadonlyMap<string, boolean> = new Map([
  ...TRUE_WORDS.map((w) => [w, true] as const),
  ...FALSE_WORDS.map((w) => [w, false] as const),
]);

/** Emoji presentation selector, as in ✔️ (a check mark followed by U+FE0F). */
const VARIATION_SELECTORS = /[\uFE0E\uFE0F]/g;

/** The boolean a value means, or undefined when it means none. */
export function parseBoolean(raw: string): boolean | undefined {
  return VALUES.get(cleanText(raw).replace(VARIATION_SELECTORS, '').toLowerCase());
}

/** `"Yes"` -> `true`; `"N"` -> `false`; `"perhaps"` is invalid_boolean. */
function normalizeBoolean(raw: string): CellResult {
  const value = parseBoolean(raw);
  if (value === undefined) {
    const shown = cleanText(raw);
    return {
      ok: false,
      code: ERROR_CODES.invalidBoolean,
      message: `Not a yes/no value: '${shown.length > 40 ? `${shown.slice(0, 40)}…` : shown}'`,
    };
  }
  return { ok: true, value: value ? 'true' : 'false' };
}

export const booleanType: ColumnTypeDefinition<'boolean'> = {
  type: 'boolean',
  sqlType: 'boolean',
  contextFree: true,
  formulaSafe: false,
  normalize: normalizeBoolean,
  headerSynonyms: [
    'boolean',
    'bool',
    'flag',
    'subscribed',
    'unsubscribed',
    'issubscribed',
    'subscriber',
    'active',
    'isactive',
    'enabled',
    'isenabled',
    'disabled',
    'optin',
    'optedin',
    'optout',
    'optedout',
    'emailoptin',
    'marketingoptin',
    'verified',
    'isverified',
    'emailverified',
    'consent',
    'marketingconsent',
    'gdprconsent',
    'newsletter',
    'deleted',
    'isdeleted',
    'archived',
    'donotcall',
    'donotemail',
    'donotcontact',
    // Other languages.
    'aktiv',
    'actif',
    'activo',
    'abonniert',
    'einwilligung',
  ],
  looksLike(raw) {
    // 1 and 0 alone are as much numbers as booleans: they do not vote.
    const value = parseBoolean(raw);
    if (value === undefined) return false;
    const key = cleanText(raw);
    return key !== '1' && key !== '0' && key !== '1.0' && key !== '0.0';
  },
};
