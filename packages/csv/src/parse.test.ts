import { describe, expect, it } from 'vitest';
import { eachRecord, type ParsedRecord, parseRecords } from './parse.ts';
import { recordEnds } from './scanner.ts';
import { pieces, rng, split, utf8 } from './test-helpers.ts';

const parse = (text: string, maxFields = 10) => parseRecords(text, { maxFields });
const ok = (...fields: string[]): ParsedRecord => ({ fields });
const err = (code: string) => ({
  error: expect.objectContaining({ code, message: expect.any(String) }),
});

describe('parseRecords', () => {
  const cases: [name: string, text: string, expected: unknown[]][] = [
    ['empty text has no records', '', []],
    ['simple record', 'a,b,c\n', [ok('a', 'b', 'c')]],
    ['no entry after a final terminator, last line without LF kept', 'a\nb', [ok('a'), ok('b')]],
    ['empty fields', ',,\n', [ok('', '', '')]],
    ['trailing delimiter gives an empty last field', 'a,b,\n', [ok('a', 'b', '')]],
    ['trailing delimiter at end of text', 'a,', [ok('a', '')]],
    ['blank line is one empty field', 'a\n\nb\n', [ok('a'), ok(''), ok('b')]],
    ['quoted empty field', '"",x,""\n', [ok('', 'x', '')]],
    ['doubled quotes', '"say ""hi""","""",x\n', [ok('say "hi"', '"', 'x')]],
    ['quoted delimiter and newlines', '"a,b","c\nd",e\n', [ok('a,b', 'c\nd', 'e')]],
    ['CRLF line endings are dropped', 'a,b\r\nc,d\r\n', [ok('a', 'b'), ok('c', 'd')]],
    ['embedded CRLF inside quotes is kept', '"l1\r\nl2",x\r\n', [ok('l1\r\nl2', 'x')]],
    ['closing quote then CRLF', '"a"\r\n"b"\r', [ok('a'), ok('b')]],
    ['CR ending the text is a terminator', 'a,b\r', [ok('a', 'b')]],
    ['CR alone ends a record (old Mac files)', 'a\rb,c\r', [ok('a'), ok('b', 'c')]],
    [
      'CR-only rows inside an LF file are rows of their own',
      'a,b\n1,2\r3,4\n5,6\n',
      [ok('a', 'b'), ok('1', '2'), ok('3', '4'), ok('5', '6')],
    ],
    ['CR then CRLF is a record and a blank record', 'a\r\r\nb', [ok('a'), ok(''), ok('b')]],
    ['CR inside quotes is data', '"a\rb",c\r', [ok('a\rb', 'c')]],
    ['closing quote then a lone CR', '"a"\r"b"\n', [ok('a'), ok('b')]],
    [
      'unicode (multi-byte, astral, combining)',
      'Zoë,Nguyễn,🙂,e\u0301\n',
      [ok('Zoë', 'Nguyễn', '🙂', 'e\u0301')],
    ],
    [
      'quote inside an unquoted field is literal',
      'x,5" disk,a"b"c\n',
      [ok('x', '5" disk', 'a"b"c')],
    ],
    ['space before a quote makes the field unquoted', 'a, "b"\n', [ok('a', ' "b"')]],
    ['spaces are kept (trimming is the normalizer’s job)', ' a , b \n', [ok(' a ', ' b ')]],
    ['invalid_quoting: text after a closing quote', '"abc"def,x\n', [err('invalid_quoting')]],
    ['invalid_quoting: space after a closing quote', '"abc" ,x\n', [err('invalid_quoting')]],
    [
      'unterminated_quote on the last line runs to the end of the text',
      'a,"open,b,c',
      [err('unterminated_quote')],
    ],
    [
      'a quote never closed is cut at its line break; the next lines are read',
      'a,"open\nb,c\nd,e\n',
      [err('unterminated_quote'), ok('b', 'c'), ok('d', 'e')],
    ],
    ['unterminated after doubled quotes', '"a""', [err('unterminated_quote')]],
    ['too_many_fields', 'a,b,c,d\n', [err('too_many_fields')]],
  ];

  it.each(cases)('%s', (name, text, expected) => {
    const maxFields = name === 'too_many_fields' ? 3 : 10;
    expect(parse(text, maxFields)).toEqual(expected);
  });

  it('accepts exactly maxFields fields', () => {
    expect(parse('a,b,c', 3)).toEqual([ok('a', 'b', 'c')]);
  });

  it('an error affects only its own record', () => {
    const text = '1,ok\n2,"bad"x\n3,"fine"\n4,a,b,c\n5,"line\nbreak"\n6,"open\n';
    expect(parse(text, 2)).toEqual([
      ok('1', 'ok'),
      err('invalid_quoting'),
      ok('3', 'fine'),
      err('too_many_fields'),
      ok('5', 'line\nbreak'),
      err('unterminated_quote'),
    ]);
  });

  it('after invalid quoting, a later quoted field still hides its newline', () => {
    // Same boundaries as the splitter: the quote after the delimiter opens.
    expect(parse('"a"b,"c\nd"\ne\n')).toEqual([err('invalid_quoting'), ok('e')]);
  });

  it('names the offending field in error messages', () => {
    const [record] = parse('a,"b"c\n');
    expect(record).toEqual({
      error: { code: 'invalid_quoting', message: expect.stringContaining('Field 2') },
    });
  });

  it('supports another delimiter and quote', () => {
    expect(
      parseRecords("a;'b;c';'it''s';x,\"y\"\n", { delimiter: ';', quote: "'", maxFields: 5 }),
    ).toEqual([ok('a', 'b;c', "it's", 'x,"y"')]);
    expect(parseRecords('a\t"b\tc"\n', { delimiter: '\t', maxFields: 5 })).toEqual([
      ok('a', 'b\tc'),
    ]);
  });

  it('rejects unusable options', () => {
    expect(() => parseRecords('a', { maxFields: 0 })).toThrow(RangeError);
    expect(() => parseRecords('a', { maxFields: 1, delimiter: '::' })).toThrow(RangeError);
    expect(() => parseRecords('a', { maxFields: 1, delimiter: '"' })).toThrow(RangeError);
    expect(() => parseRecords('a', { maxFields: 1, quote: '\n' })).toThrow(RangeError);
  });

  // Their speed is measured by `pnpm bench hostile-input`; this checks the answers.
  it('reads only the fields asked for, the others blank', () => {
    expect(
      parseRecords('a,"b,1",c\n"x""y",,z,w\n"bad"q,r\n', { maxFields: 10, only: [0, 2] }),
    ).toEqual([ok('a', '', 'c'), ok('x"y', '', 'z', ''), err('invalid_quoting')]);
  });

  it('handles a long record with many fields', () => {
    const fields = Array.from({ length: 200_000 }, (_, i) => String(i));
    const [record] = parseRecords(`${fields.join(',')}\n`, { maxFields: 200_000 });
    expect(record).toEqual({ fields });
  });
});

describe('parseRecords agrees with recordEnds and splitRecords on messy input', () => {
  // Alphabet heavy in the characters that matter for boundaries.
  const ALPHABET = ['a', 'é', '🙂', ',', ',', '"', '"', '""', '\n', '\r\n', '\r', ' ', '5" x'];

  it('for 300 random texts: same record count, and each record parses alone to the same result', async () => {
    const random = rng(7);
    for (let round = 0; round < 300; round++) {
      const length = 1 + Math.floor(random() * 60);
      const text = Array.from(
        { length },
        () => ALPHABET[Math.floor(random() * ALPHABET.length)],
      ).join('');
      const bytes = utf8(text);
      const parsed = parse(text, 1000);
      const ends = recordEnds(bytes);
      expect(parsed.length, JSON.stringify(text)).toBe(ends.length);

      // The visitor form: the same records in order, and their count.
      const visited: ParsedRecord[] = [];
      expect(eachRecord(text, { maxFields: 1000 }, (r) => visited.push(r))).toBe(parsed.length);
      expect(visited, JSON.stringify(text)).toEqual(parsed);

      // Worker fallback path: parse record by record using recordEnds.
      let start = 0;
      const one: ParsedRecord[] = [];
      for (const end of ends) {
        one.push(...parse(bytes.subarray(start, end).toString('utf8'), 1000));
        start = end;
      }
      expect(one, JSON.stringify(text)).toEqual(parsed);

      // Reading only some fields: the same records, the others blank.
      const only = [0, 2, 5].filter(() => random() < 0.7);
      expect(parseRecords(text, { maxFields: 1000, only }), JSON.stringify(text)).toEqual(
        parsed.map((r) =>
          'fields' in r ? { fields: r.fields.map((f, i) => (only.includes(i) ? f : '')) } : r,
        ),
      );

      // Splitter on the same bytes behind a header line, fed in 1-3 byte pieces.
      if (text.trim() === '') continue;
      const { chunks } = await split(
        pieces(utf8(`h\n${text}`), () => 1 + Math.floor(random() * 3)),
        { chunkBytes: 1 + Math.floor(random() * 20), maxRecordBytes: 10_000 },
      );
      expect(
        chunks.reduce((sum, c) => sum + c.recordCount, 0),
        JSON.stringify(text),
      ).toBe(parsed.length);
      for (const chunk of chunks) {
        expect(parse(chunk.bytes.toString('utf8'), 1000)).toHaveLength(chunk.recordCount);
      }
    }
  });
});

describe('eachRecord', () => {
  it('hands each record over before cutting the next (a visitor that throws stops it)', () => {
    const seen: string[] = [];
    expect(() =>
      eachRecord('a\nb\nc\n', { maxFields: 10 }, (r) => {
        if ('fields' in r) seen.push(r.fields[0]!);
        if (seen.length === 2) throw new Error('enough');
      }),
    ).toThrow('enough');
    expect(seen).toEqual(['a', 'b']);
  });
});
