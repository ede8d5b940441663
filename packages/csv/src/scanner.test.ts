import { describe, expect, it } from 'vitest';
import { RecordScanner, recordEnds } from './scanner.ts';
import { utf8 } from './test-helpers.ts';

describe('recordEnds', () => {
  const cases: [name: string, input: string, ends: number[]][] = [
    ['empty input', '', []],
    ['one record with LF', 'a,b\n', [4]],
    ['last record without LF ends at the length', 'a\nb', [2, 3]],
    ['CRLF: CR stays in the record', 'a\r\nb\r\n', [3, 6]],
    ['blank lines are records', '\n\n', [1, 2]],
    ['LF inside quotes is data', '"a\nb",c\nd\n', [8, 10]],
    ['doubled quotes stay inside the field', '"a""\nb"\nc', [8, 9]],
    ['quoted field after a delimiter', 'x,"a\nb"\nc', [8, 9]],
    ['quote inside an unquoted field is literal', 'x,5" disk\ny\n', [10, 12]],
    ['two stray quotes on one line', 'a"b,c"d\ne\n', [8, 10]],
    ['text after a closing quote is unquoted again', '"a"b"c\nd\n', [7, 9]],
    ['a quote after a closing-quote remainder then delimiter opens again', '"a"b,"c\nd"\n', [11]],
    ['unterminated quote on the last line runs to the end', 'a\n"b,c', [2, 6]],
    ['a quote never closed is cut at its line break', 'a\n"b\nc\n', [2, 5, 7]],
    ['CR alone is a terminator', 'a\rb\n', [2, 4]],
    ['CRLF is one terminator, CR CR two', 'a\r\nb\r\rc', [3, 5, 6, 7]],
  ];
  it.each(cases)('%s', (_, input, ends) => {
    expect(recordEnds(utf8(input))).toEqual(ends);
  });

  it('takes a plain Uint8Array view (not only Buffer) at an offset', () => {
    const backing = new Uint8Array(utf8('XXXa\n"b\nc"\nYYY'));
    expect(recordEnds(backing.subarray(3, 11))).toEqual([2, 8]);
  });

  it('honours a custom quote and delimiter', () => {
    expect(recordEnds(utf8("a;'b\nc'\nd"), 0x27, 0x3b)).toEqual([8, 9]);
    // With the default dialect the same bytes have no quoted field.
    expect(recordEnds(utf8("a;'b\nc'\nd"))).toEqual([5, 8, 9]);
  });

  it('counts multi-byte UTF-8 correctly (ASCII bytes never occur inside them)', () => {
    const input = utf8('é,"ü\n🙂"\n中\n');
    const ends = recordEnds(input);
    expect(ends).toEqual([input.indexOf('"\n') + 2, input.length]);
  });
});

describe('RecordScanner across pieces', () => {
  it('carries the quote state and the field-start state over piece boundaries', () => {
    // The piece boundary falls right after a delimiter, then right after a
    // closing quote (so the next piece's quote is an escaped one).
    const scanner = new RecordScanner();
    const ends: string[] = [];
    for (const [i, piece] of ['a,', '"b\n"', '"x"\nc\n'].entries()) {
      scanner.feed(utf8(piece));
      for (let end = scanner.next(0); end !== -1; end = scanner.next(end)) ends.push(`${i}:${end}`);
      if (i === 1) expect(scanner.inQuotes).toBe(false); // after a quote: closed unless doubled
    }
    expect(ends).toEqual(['2:4', '2:6']);
  });
});
