import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../errors.ts';
import { booleanType, parseBoolean } from './boolean.ts';

// The registry does not list this type yet: call the definition directly.
const boolean = (raw: string) => booleanType.normalize(raw, { phoneRegion: 'US' }, {});

describe('boolean: valid', () => {
  const cases: [raw: string, expected: 'true' | 'false'][] = [
    // contacts-sample.csv, column subscribed.
    ['yes', 'true'],
    ['no', 'false'],
    ['Y', 'true'],
    ['1', 'true'],
    ['TRUE', 'true'],
    ['false', 'false'],
    ['N', 'false'],
    // SPEC example.
    ['Yes', 'true'],
    // English words and letters, any case.
    ['YES', 'true'],
    ['yEs', 'true'],
    ['y', 'true'],
    ['No', 'false'],
    ['NO', 'false'],
    ['n', 'false'],
    ['true', 'true'],
    ['True', 'true'],
    ['False', 'false'],
    ['FALSE', 'false'],
    ['t', 'true'],
    ['T', 'true'],
    ['f', 'false'],
    ['F', 'false'],
    ['on', 'true'],
    ['ON', 'true'],
    ['off', 'false'],
    ['Off', 'false'],
    // Digits, also as numeric exports write flags.
    ['0', 'false'],
    ['1.0', 'true'],
    ['0.0', 'false'],
    // Check marks.
    ['x', 'true'],
    ['X', 'true'],
    ['✓', 'true'],
    ['✔', 'true'],
    ['✔\ufe0f', 'true'], // emoji presentation
    ['☑', 'true'],
    ['✅', 'true'],
    ['✗', 'false'],
    ['✘', 'false'],
    ['❌', 'false'],
    // Other languages.
    ['oui', 'true'],
    ['Oui', 'true'],
    ['non', 'false'],
    ['NON', 'false'],
    ['ja', 'true'],
    ['Ja', 'true'],
    ['J', 'true'],
    ['nein', 'false'],
    ['Nein', 'false'],
    ['si', 'true'],
    ['sí', 'true'],
    ['Sí', 'true'],
    ['SÍ', 'true'],
    ['si\u0301', 'true'], // NFD
    ['sì', 'true'],
    ['sim', 'true'],
    ['não', 'false'],
    ['nao', 'false'],
    ['NÃO', 'false'],
    ['nee', 'false'],
    ['nej', 'false'],
    ['vrai', 'true'],
    ['faux', 'false'],
    ['wahr', 'true'],
    ['falsch', 'false'],
    ['verdadero', 'true'],
    ['vero', 'true'],
    ['falso', 'false'],
    // Whitespace and invisible characters around.
    ['  yes  ', 'true'],
    ['\tNo\r\n', 'false'],
    ['\u00a0TRUE\u00a0', 'true'],
    ['\ufeffyes', 'true'],
    ['y\u200b', 'true'],
  ];
  it.each(cases)('%j -> %s', (raw, expected) => {
    expect(boolean(raw)).toEqual({ ok: true, value: expected });
  });

  it('parseBoolean agrees', () => {
    for (const [raw, expected] of cases) expect(parseBoolean(raw)).toBe(expected === 'true');
  });
});

describe('boolean: invalid', () => {
  const cases: string[] = [
    'perhaps', // contacts-sample.csv
    'maybe',
    'unknown',
    'n/a',
    'N/A',
    'null',
    'none',
    '-',
    '?',
    '2',
    '-1',
    '10',
    '01',
    '1.5',
    'yes/no',
    'yes no',
    'y e s',
    'yess',
    'ye',
    'yes.',
    'no!',
    'true1',
    'tru',
    'xx',
    'o',
    'enabled',
    'checked',
    '✓✓',
    'Yes, please',
    'x'.repeat(100_000),
  ];
  it.each(cases.map((raw) => [raw.length > 50 ? `${raw.slice(0, 20)}…` : raw, raw]))(
    '%j -> invalid_boolean',
    (_label, raw) => {
      const result = boolean(raw);
      expect(result).toMatchObject({ ok: false, code: ERROR_CODES.invalidBoolean });
      expect(result.ok ? '' : result.message).toMatch(/^Not a yes\/no value: '/);
      expect(result.ok ? '' : result.message.length).toBeLessThan(100);
    },
  );

  it('quotes the value in the message', () => {
    expect(boolean(' perhaps ')).toEqual({
      ok: false,
      code: ERROR_CODES.invalidBoolean,
      message: "Not a yes/no value: 'perhaps'",
    });
  });

  // Their speed is measured by `pnpm bench hostile-input`; this checks the answers.
  it('answers 100k-character values', () => {
    for (const raw of ['y'.repeat(100_000), ` ${' '.repeat(100_000)}yes`, '✓'.repeat(100_000)]) {
      boolean(raw);
      booleanType.looksLike?.(raw);
    }
    expect(boolean(`${' '.repeat(100_000)}yes`)).toEqual({ ok: true, value: 'true' });
  });
});

describe('boolean: header synonyms and looksLike', () => {
  it('header synonyms are header keys', () => {
    for (const synonym of booleanType.headerSynonyms) expect(synonym).toMatch(/^[a-z0-9]*[a-z]$/);
    expect(new Set(booleanType.headerSynonyms).size).toBe(booleanType.headerSynonyms.length);
  });

  it.each([
    'subscribed',
    'active',
    'enabled',
    'optin',
    'isactive',
    'verified',
    'consent',
    'newsletter',
  ])('claims %s', (key) => {
    expect(booleanType.headerSynonyms).toContain(key);
  });

  it.each([
    ['yes', true],
    ['N', true],
    ['TRUE', true],
    ['x', true],
    ['✓', true],
    ['oui', true],
    ['1', false], // as much a number as a boolean
    ['0', false],
    ['1.0', false],
    ['perhaps', false],
    ['42', false],
  ] as const)('%j -> %s', (raw, expected) => {
    expect(booleanType.looksLike?.(raw)).toBe(expected);
  });
});
