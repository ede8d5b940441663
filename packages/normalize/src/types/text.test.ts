import { describe, expect, it } from 'vitest';
import { cleanText, isBlank } from '../clean-text.ts';
import { normalizeValue } from '../registry.ts';

const options = { phoneRegion: 'US' };
const text = (raw: string) => normalizeValue('text', raw, options);

describe('text', () => {
  const cases: [raw: string, expected: string][] = [
    ['  Acme\u200b  Corp ', 'Acme Corp'], // SPEC example
    ['hello', 'hello'],
    ['Acme Corp', 'Acme Corp'],
    ['  a  b  ', 'a b'],
    ['a\tb\nc\r\nd', 'a b c d'],
    ['line one\r\n\r\nline two', 'line one line two'],
    ['a\u00a0b', 'a b'], // no-break space
    ['a\u00a0\u00a0 b', 'a b'],
    ['a\u2003b', 'a b'], // em space
    ['a\u3000b', 'a b'], // ideographic space
    ['a\u202fb', 'a b'], // narrow no-break space
    ['a\u2028b\u2029c', 'a b c'], // line / paragraph separators
    ['a\u0085b', 'a b'], // NEXT LINE
    ['a\u000bb\u000cc', 'a b c'], // vertical tab, form feed
    ['\u00a0 padded \u00a0', 'padded'],
    ['Cafe\u0301', 'Café'], // NFD -> NFC
    ['e\u0301', 'é'],
    ['A\u030a', 'Å'],
    ['Ｆｕｌｌ ｗｉｄｔｈ', 'Ｆｕｌｌ ｗｉｄｔｈ'], // NFC, not NFKC: kept
    ['\ufeffName', 'Name'], // byte order mark
    ['soft\u00adhyphen', 'softhyphen'],
    ['a\u0000b\u0007c\u001bd', 'abcd'], // C0 controls
    ['a\u007fb\u0080c\u009fd', 'abcd'], // DEL and C1 controls
    ['\u202eabc\u202c', 'abc'], // bidi override
    ['\u200eabc\u200f', 'abc'], // LRM / RLM
    ['\u2066x\u2069', 'x'], // bidi isolates
    ['\u061cx', 'x'], // Arabic letter mark
    ['zero\u200dwidth\u200cjoiners', 'zerowidthjoiners'],
    ['\u2060join', 'join'], // word joiner
    ['a\u200b\u200b b', 'a b'],
    ['a \u200b b', 'a b'], // removal happens before collapsing
    ['Zoë', 'Zoë'],
    ['  maría   garcía lópez ', 'maría garcía lópez'],
    ['北京 市', '北京 市'],
    ['Ελληνικά', 'Ελληνικά'],
    ['עברית', 'עברית'],
    ['👍 ok', '👍 ok'],
    ['🇺🇸 flag', '🇺🇸 flag'],
    ['=SUM(A1)', '=SUM(A1)'], // formula neutralizing is the CSV writer's job
    ["O'Brien", "O'Brien"],
    ['"quoted"', '"quoted"'],
    ['1,234.50', '1,234.50'],
    ['', ''],
    ['   ', ''],
    ['\t\r\n', ''],
    ['\u200b', ''],
    ['\u0007', ''],
    ['\ufeff \u00a0', ''],
  ];
  it.each(cases)('%j -> %j', (raw, expected) => {
    expect(text(raw)).toEqual({ ok: true, value: expected });
  });

  it('cleanText agrees with the text type', () => {
    for (const [raw, expected] of cases) expect(cleanText(raw)).toBe(expected);
  });

  it('isBlank', () => {
    expect(isBlank('')).toBe(true);
    expect(isBlank(' \t\u00a0\u200b\ufeff\u0085')).toBe(true);
    expect(isBlank(' x ')).toBe(false);
    expect(isBlank('\u00ad.')).toBe(false);
  });

  it('is idempotent', () => {
    for (const [raw] of cases) {
      const once = cleanText(raw);
      expect(cleanText(once)).toBe(once);
    }
  });

  // Their speed is measured by `pnpm bench hostile-input`; this checks the answers.
  it('handles 100k-character values', () => {
    const inputs = [
      'a'.repeat(100_000),
      ' '.repeat(100_000),
      'a '.repeat(50_000),
      'a\u200b'.repeat(50_000),
      ' \u00a0\t'.repeat(33_000),
      'e\u0301'.repeat(50_000),
    ];
    for (const raw of inputs) {
      const result = text(raw);
      expect(result.ok).toBe(true);
    }
    expect(text('a '.repeat(50_000))).toEqual({ ok: true, value: 'a '.repeat(50_000).trim() });
    expect(text('e\u0301'.repeat(50_000))).toEqual({ ok: true, value: 'é'.repeat(50_000) });
  });
});
