import { describe, expect, it } from 'vitest';
import { formatRecord, formatSafeRecord } from './format.ts';
import { parseRecords } from './parse.ts';
import { rng } from './test-helpers.ts';

describe('formatRecord', () => {
  const cases: [name: string, fields: string[], line: string][] = [
    ['plain fields are not quoted', ['a', 'b c', 'é'], 'a,b c,é\n'],
    ['delimiter forces quotes', ['a,b', 'c'], '"a,b",c\n'],
    ['inner quotes are doubled', ['5" disk', '"x"'], '"5"" disk","""x"""\n'],
    ['LF and CR force quotes', ['l1\nl2', 'a\rb', 'c\r\nd'], '"l1\nl2","a\rb","c\r\nd"\n'],
    ['leading or trailing space forces quotes', [' a', 'b ', 'in side'], '" a","b ",in side\n'],
    ['leading or trailing tab forces quotes', ['\ta', 'b\t'], '"\ta","b\t"\n'],
    ['empty fields stay empty', ['', 'x', ''], ',x,\n'],
    ['a lone empty field is written as "" (not a blank line)', [''], '""\n'],
    ['apostrophe and other punctuation untouched', ["'=1", 'a;b|c'], "'=1,a;b|c\n"],
  ];
  it.each(cases)('%s', (_, fields, line) => {
    expect(formatRecord(fields)).toBe(line);
  });

  it('uses another delimiter, quoting only for that one', () => {
    expect(formatRecord(['a,b', 'c;d', 'e|f'], ';')).toBe('a,b;"c;d";e|f\n');
    expect(formatRecord(['a.b', 'c'], '.')).toBe('"a.b".c\n'); // regex metacharacter as delimiter
  });

  it('rejects a delimiter that cannot work', () => {
    expect(() => formatRecord(['a'], '"')).toThrow(RangeError);
    expect(() => formatRecord(['a'], ', ')).toThrow(RangeError);
  });
});

describe('formatRecord round-trips through parseRecords', () => {
  const PARTS = [
    'a',
    'Zoë',
    '🙂',
    ',',
    '"',
    '""',
    '\n',
    '\r\n',
    '\r',
    ' ',
    '\t',
    ';',
    '=1',
    "'",
    '5" disk',
    '',
  ];

  it.each([',', ';', '\t', '|'])('for 500 random field arrays with delimiter %j', (delimiter) => {
    const random = rng(delimiter.charCodeAt(0));
    const lines: string[] = [];
    const rows: string[][] = [];
    for (let round = 0; round < 500; round++) {
      const count = 1 + Math.floor(random() * 6);
      const fields = Array.from({ length: count }, () =>
        Array.from(
          { length: Math.floor(random() * 5) },
          () => PARTS[Math.floor(random() * PARTS.length)],
        ).join(''),
      );
      const line = formatRecord(fields, delimiter);
      expect(parseRecords(line, { delimiter, maxFields: 10 }), JSON.stringify(fields)).toEqual([
        { fields },
      ]);
      lines.push(line);
      rows.push(fields);
    }
    // Many lines joined into one file parse back to the same rows, in order.
    expect(parseRecords(lines.join(''), { delimiter, maxFields: 10 })).toEqual(
      rows.map((fields) => ({ fields })),
    );
  });
});

describe('formatSafeRecord', () => {
  it('neutralizes every field by default', () => {
    expect(formatSafeRecord(['=HDR()', '@SUM(1)', '+1', '-5', '\tx', 'plain', ''])).toBe(
      `'=HDR(),'@SUM(1),'+1,'-5,'\tx,plain,\n`,
    );
  });

  it('writes only the fields marked formula-safe as they are', () => {
    expect(
      formatSafeRecord(['-5', '-5', '=1'], { formulaSafe: [true, false, undefined as never] }),
    ).toBe("-5,'-5,'=1\n");
  });

  it('quotes after neutralizing, with the delimiter given', () => {
    expect(formatSafeRecord(['=a;b', 'c'], { delimiter: ';' })).toBe(`"'=a;b";c\n`);
    expect(formatSafeRecord(['=x"y'])).toBe(`"'=x""y"\n`);
  });
});
