// Line breaks (LF, CR, CRLF) and the recovery from quotes that never close
// (dialect.ts), checked on all three readers of record boundaries: the
// splitter (API, bytes in pieces), recordEnds and parseRecords (worker).
import { describe, expect, it } from 'vitest';
import { CsvInputError } from './errors.ts';
import { type ParsedRecord, parseRecords } from './parse.ts';
import { recordEnds } from './scanner.ts';
import { splitRecords } from './split.ts';
import { type Chunk, pieces, rng, split, utf8 } from './test-helpers.ts';

const ok = (...fields: string[]): ParsedRecord => ({ fields });
const bad = (code: string) => ({
  error: expect.objectContaining({ code, message: expect.any(String) }),
});
const parse = (text: string) => parseRecords(text, { maxFields: 100 });

/** Each record of each chunk as text, and each chunk parsed on its own (as a worker does). */
function fromChunks(chunks: Chunk[]): { texts: string[]; parsed: unknown[] } {
  const texts: string[] = [];
  const parsed: unknown[] = [];
  for (const chunk of chunks) {
    let start = 0;
    for (const end of recordEnds(chunk.bytes)) {
      texts.push(chunk.bytes.subarray(start, end).toString());
      start = end;
    }
    const records = parse(chunk.bytes.toString());
    expect(records).toHaveLength(chunk.recordCount);
    parsed.push(...records);
  }
  return { texts, parsed };
}

const PIECES: [string, (i: number) => number][] = [
  ['whole', () => Number.MAX_SAFE_INTEGER],
  ['1-byte', () => 1],
  ['2-byte', () => 2],
  ['3-byte', () => 3],
  ['7-byte', () => 7],
];

describe('record boundaries agree in the splitter, recordEnds and parseRecords', () => {
  const cases: { name: string; header: string; body: string; records: [string, unknown][] }[] = [
    {
      name: 'CR-only file (old Mac export)',
      header: 'h1,h2\r',
      body: '1,a\r2,b\r',
      records: [
        ['1,a\r', ok('1', 'a')],
        ['2,b\r', ok('2', 'b')],
      ],
    },
    {
      name: 'CR-only rows inside an LF file do not merge',
      header: 'h\n',
      body: '1\r2\n3\n',
      records: [
        ['1\r', ok('1')],
        ['2\n', ok('2')],
        ['3\n', ok('3')],
      ],
    },
    {
      name: 'CRLF is one break, also when split over pieces',
      header: 'h\r\n',
      body: '1\r\n2\r\n',
      records: [
        ['1\r\n', ok('1')],
        ['2\r\n', ok('2')],
      ],
    },
    {
      name: 'mixed line endings, blank CRLF line, last line without break',
      header: 'h\n',
      body: '1\r\n2\r3\n\r\n4',
      records: [
        ['1\r\n', ok('1')],
        ['2\r', ok('2')],
        ['3\n', ok('3')],
        ['\r\n', ok('')],
        ['4', ok('4')],
      ],
    },
    {
      name: 'CR inside quotes is data',
      header: 'h,x\r',
      body: '1,"a\rb"\r2,c\r',
      records: [
        ['1,"a\rb"\r', ok('1', 'a\rb')],
        ['2,c\r', ok('2', 'c')],
      ],
    },
    {
      name: 'a quote never closed costs one row; the following lines are read',
      header: 'id,notes\n',
      body: '1,"oops\n2,b\n3,c\n',
      records: [
        ['1,"oops\n', bad('unterminated_quote')],
        ['2,b\n', ok('2', 'b')],
        ['3,c\n', ok('3', 'c')],
      ],
    },
    {
      name: 'a stray quote closed by the next quoted field (closing quote followed by text)',
      header: 'id,a,b\n',
      body: '1,"oops,x\n2,b,c\n3,"ok",f\n',
      records: [
        ['1,"oops,x\n', bad('unterminated_quote')],
        ['2,b,c\n', ok('2', 'b', 'c')],
        ['3,"ok",f\n', ok('3', 'ok', 'f')],
      ],
    },
    {
      name: 'legitimate quoted line breaks keep one record',
      header: 'id,notes\n',
      body: '1,"line one\nline two"\n2,x\n',
      records: [
        ['1,"line one\nline two"\n', ok('1', 'line one\nline two')],
        ['2,x\n', ok('2', 'x')],
      ],
    },
    {
      name: 'legitimate quoted CRLF with doubled quotes',
      header: 'id,notes,z\r\n',
      body: '1,"say ""hi""\r\nbye",z\r\n2,x,y\r\n',
      records: [
        ['1,"say ""hi""\r\nbye",z\r\n', ok('1', 'say "hi"\r\nbye', 'z')],
        ['2,x,y\r\n', ok('2', 'x', 'y')],
      ],
    },
    {
      name: 'a later spanning field that fails cuts the record at its FIRST quoted break',
      header: 'a,b,c\n',
      body: '"x\ny","p\nq"r,1\n2,3,4\n',
      records: [
        ['"x\n', bad('unterminated_quote')],
        ['y","p\n', bad('unterminated_quote')],
        ['q"r,1\n', ok('q"r', '1')],
        ['2,3,4\n', ok('2', '3', '4')],
      ],
    },
    {
      name: 'a cut at a CRLF break takes both bytes',
      header: 'h\r\n',
      body: '"a\r\nb"c\r\nd\r\n',
      records: [
        ['"a\r\n', bad('unterminated_quote')],
        ['b"c\r\n', ok('b"c')],
        ['d\r\n', ok('d')],
      ],
    },
    {
      name: 'end of input inside a spanning quoted field',
      header: 'h\n',
      body: '"a\nb',
      records: [
        ['"a\n', bad('unterminated_quote')],
        ['b', ok('b')],
      ],
    },
    {
      name: 'a spanning field closed by the end of input is fine',
      header: 'h\n',
      body: '"a\nb"',
      records: [['"a\nb"', ok('a\nb')]],
    },
    {
      name: 'a quoted field without a line break and text after its close stays invalid_quoting',
      header: 'a,b\n',
      body: '"x"y,1\n2,3\n',
      records: [
        ['"x"y,1\n', bad('invalid_quoting')],
        ['2,3\n', ok('2', '3')],
      ],
    },
  ];

  it.each(cases)('$name', async ({ header, body, records }) => {
    const texts = records.map(([text]) => text);
    const parsed = records.map(([, record]) => record);
    expect(texts.join('')).toBe(body);
    const bytes = utf8(body);
    const ends = recordEnds(bytes);
    expect(ends.map((end, i) => bytes.subarray(ends[i - 1] ?? 0, end).toString())).toEqual(texts);
    expect(parse(body)).toEqual(parsed);

    for (const [name, size] of PIECES) {
      for (const chunkBytes of [1, 10_000]) {
        const label = `${name} pieces, chunkBytes ${chunkBytes}`;
        const got = await split(pieces(utf8(header + body), size), {
          chunkBytes,
          maxRecordBytes: 1000,
        });
        expect(got.header, label).toBe(header.replace(/\r?\n$|\r$/, ''));
        expect(fromChunks(got.chunks), label).toEqual({ texts, parsed });
        expect(got.chunks[0]?.firstRecord, label).toBe(2);
      }
    }
  });

  it('a header with a quote that never closes is cut like any record', async () => {
    const got = await split(
      pieces(utf8('a,"b\nc,d\n1,2\n'), () => 2),
      {
        chunkBytes: 1,
        maxRecordBytes: 100,
      },
    );
    expect(got.header).toBe('a,"b');
    expect(fromChunks(got.chunks).texts).toEqual(['c,d\n', '1,2\n']);
  });
});

describe('a quoted field spanning lines over maxRecordBytes', () => {
  // The first quote after the opening one closes properly (`end"` then LF),
  // but only after more than maxRecordBytes: the record is cut at its first
  // quoted line break. Without the chunk ending at that cut, a worker parsing
  // the chunk would find the closing quote and read one record instead.
  const lines = Array.from({ length: 40 }, (_, i) => `${i},plain\n`).join('');
  const input = `id,notes\n1,"oops\n${lines}3,end"\n4,x\n`;

  it('is cut at its first line break, the lines after it are records, the chunk ends there', async () => {
    for (const [name, size] of PIECES) {
      const got = await split(pieces(utf8(input), size), {
        chunkBytes: 100_000,
        maxRecordBytes: 100,
      });
      const { texts, parsed } = fromChunks(got.chunks);
      expect(texts[0], name).toBe('1,"oops\n');
      expect(parsed[0], name).toEqual(bad('unterminated_quote'));
      expect(texts.slice(1), name).toEqual([...lines.split(/(?<=\n)/), '3,end"\n', '4,x\n']);
      expect(
        parsed.slice(1).every((r) => 'fields' in (r as ParsedRecord)),
        name,
      ).toBe(true);
      expect(got.chunks[0]!.recordCount, name).toBe(1);
    }
  });

  it('is one record when the limit allows it', async () => {
    const got = await split(
      pieces(utf8(input), () => 5),
      {
        chunkBytes: 100_000,
        maxRecordBytes: 10_000,
      },
    );
    expect(fromChunks(got.chunks).parsed).toEqual([ok('1', `oops\n${lines}3,end`), ok('4', 'x')]);
  });

  it('an unclosed quote with an endless file of plain lines behind it does not fail the upload', async () => {
    async function* endless() {
      yield utf8('id,notes\n1,ok\n2,"never closed\n');
      for (let i = 0; i < 200; i++) yield utf8('more text, more lines\n'.repeat(10));
    }
    let records = 0;
    let firstBad: Chunk | undefined;
    for await (const event of splitRecords(endless(), {
      chunkBytes: 4096,
      maxRecordBytes: 1000,
    })) {
      if (event.kind !== 'chunk') continue;
      records += event.recordCount;
      if (event.firstRecord <= 3 && event.firstRecord + event.recordCount > 3) firstBad = event;
    }
    expect(records).toBe(2 + 2000);
    const parsed = parse(firstBad!.bytes.toString());
    expect(parsed[3 - firstBad!.firstRecord]).toEqual(bad('unterminated_quote'));
  });

  it('a cut record itself over the limit is record_too_large', async () => {
    const error = await split(
      pieces(utf8(`h\n"${'x'.repeat(200)}\nmore\n`), () => 16),
      {
        chunkBytes: 1,
        maxRecordBytes: 100,
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CsvInputError);
    expect(error).toMatchObject({ code: 'record_too_large', recordNumber: 2 });
  });
});

describe('random messy input with small record limits', () => {
  const ALPHABET = ['a', 'é', ',', ',', '"', '"', '""', '\n', '\r\n', '\r', ' ', 'x"y'];

  it('gives the same records for every piece size, and every chunk parses to its record count', async () => {
    const random = rng(11);
    for (let round = 0; round < 300; round++) {
      const length = 1 + Math.floor(random() * 80);
      const text = Array.from(
        { length },
        () => ALPHABET[Math.floor(random() * ALPHABET.length)],
      ).join('');
      const maxRecordBytes = 4 + Math.floor(random() * 40);
      const chunkBytes = 1 + Math.floor(random() * 30);
      const outcomes = [];
      for (const [, size] of PIECES.slice(0, 4)) {
        const outcome = await split(pieces(utf8(`h\n${text}`), size), {
          chunkBytes,
          maxRecordBytes,
        }).then(
          (got) => fromChunks(got.chunks).texts,
          (error: unknown) => (error as CsvInputError).code,
        );
        outcomes.push(outcome);
      }
      const label = JSON.stringify({ text, maxRecordBytes, chunkBytes });
      for (const outcome of outcomes.slice(1)) expect(outcome, label).toEqual(outcomes[0]);
    }
  });
});
