import { describe, expect, it } from 'vitest';
import { CsvInputError } from './errors.ts';
import { parseRecords } from './parse.ts';
import { recordEnds } from './scanner.ts';
import { splitRecords } from './split.ts';
import { type Chunk, pieces, rng, split, utf8 } from './test-helpers.ts';

/** Every data record of a split as [recordNumber, text], from the chunks alone. */
function records(chunks: Chunk[]): [number, string][] {
  const out: [number, string][] = [];
  for (const chunk of chunks) {
    let start = 0;
    recordEnds(chunk.bytes).forEach((end, i) => {
      out.push([chunk.firstRecord + i, chunk.bytes.subarray(start, end).toString('utf8')]);
      start = end;
    });
  }
  return out;
}

const MESSY = [
  'id,name,notes\r\n',
  '1,"Doe, Jane","line one\r\nline ""two"", with comma"\r\n',
  '2,Seán Ó Briain,5" disk\r\n',
  '\r\n',
  '3,"",\r\n',
  '4,Nguyễn 🙂,"multi\n\nline\n"\r\n',
  '5,"x"y,bad quoting\r\n',
  '6,last,no newline',
].join('');

const WHOLE = (_: number) => Number.MAX_SAFE_INTEGER;

describe('splitRecords over many chunkings of the same input', () => {
  const input = utf8(`\uFEFF${MESSY}`);
  const random = rng(42);
  const chunkings: [string, (i: number) => number][] = [
    ['whole', WHOLE],
    ['1-byte', () => 1],
    ['7-byte', () => 7],
    ['random 1..40', () => 1 + Math.floor(random() * 40)],
    ['random 1..3', () => 1 + Math.floor(random() * 3)],
  ];
  const chunkSizes = [1, 16, 64, 10_000];

  it('gives the same header, records and numbering for every piece size and chunk size', async () => {
    const reference = await split(pieces(input, WHOLE), { chunkBytes: 1, maxRecordBytes: 1000 });
    expect(reference.header).toBe('id,name,notes');
    const expected = records(reference.chunks);
    expect(expected.map(([n]) => n)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(expected[0]![1]).toBe('1,"Doe, Jane","line one\r\nline ""two"", with comma"\r\n');
    expect(expected[6]![1]).toBe('6,last,no newline');

    for (const [name, size] of chunkings) {
      for (const chunkBytes of chunkSizes) {
        const got = await split(pieces(input, size), { chunkBytes, maxRecordBytes: 1000 });
        const label = `${name}, chunkBytes ${chunkBytes}`;
        expect(got.header, label).toBe('id,name,notes');
        expect(got.order[0], label).toBe('header');
        expect(records(got.chunks), label).toEqual(expected);
        expect(
          got.chunks.map((c) => c.seq),
          label,
        ).toEqual(got.chunks.map((_, i) => i));
        // Chunks concatenated are exactly the file after the header line.
        expect(Buffer.concat(got.chunks.map((c) => c.bytes)).toString(), label).toBe(
          MESSY.slice(MESSY.indexOf('\n') + 1),
        );
      }
    }
  });

  it('agrees with parseRecords on every chunk (worker numbering)', async () => {
    const { chunks } = await split(
      pieces(input, () => 3),
      { chunkBytes: 20, maxRecordBytes: 1000 },
    );
    for (const chunk of chunks) {
      expect(parseRecords(chunk.bytes.toString('utf8'), { maxFields: 10 })).toHaveLength(
        chunk.recordCount,
      );
    }
    expect(chunks.reduce((sum, c) => sum + c.recordCount, 0)).toBe(7);
  });

  it('cuts a chunk at the first record boundary at or past chunkBytes', async () => {
    const body = Array.from({ length: 50 }, (_, i) => `${i},${'x'.repeat(i % 13)}\n`).join('');
    const { chunks } = await split(
      pieces(utf8(`h\n${body}`), () => 5),
      { chunkBytes: 30, maxRecordBytes: 100 },
    );
    const longest = Math.max(...body.split('\n').map((l) => l.length + 1));
    chunks.forEach((chunk, i) => {
      const ends = recordEnds(chunk.bytes);
      const withoutLast = ends.at(-2) ?? 0;
      if (i < chunks.length - 1) expect(chunk.bytes.length).toBeGreaterThanOrEqual(30);
      expect(withoutLast).toBeLessThan(30); // not held back longer than needed
      expect(chunk.bytes.length).toBeLessThanOrEqual(30 + longest);
      expect(chunk.bytes.at(-1)).toBe(0x0a);
    });
    expect(chunks.map((c) => c.firstRecord)).toEqual(
      chunks.map((_, i) => 2 + chunks.slice(0, i).reduce((sum, c) => sum + c.recordCount, 0)),
    );
  });

  it('marks as last only the chunk cut at the end of the input', async () => {
    const body = Array.from({ length: 20 }, (_, i) => `${i},${'y'.repeat(i % 5)}\n`).join('');
    const many = await split(
      pieces(utf8(`h\n${body}`), () => 3),
      {
        chunkBytes: 30,
        maxRecordBytes: 100,
      },
    );
    expect(many.chunks.length).toBeGreaterThan(1);
    expect(many.chunks.map((c) => c.last)).toEqual(
      many.chunks.map((_, i) => i === many.chunks.length - 1),
    );
    // The whole input in one chunk: the one chunk is the last.
    const one = await split(
      pieces(utf8(`h\n${body}`), () => 3),
      {
        chunkBytes: 10_000,
        maxRecordBytes: 100,
      },
    );
    expect(one.chunks.map((c) => c.last)).toEqual([true]);
    // Cut at the size limit right at the end: nothing is known to follow yet.
    const exact = await split(pieces(utf8('h\n12345\n'), WHOLE), {
      chunkBytes: 6,
      maxRecordBytes: 100,
    });
    expect(exact.chunks.map((c) => c.last)).toEqual([false]);
  });
});

describe('splitRecords cases', () => {
  const cases: {
    name: string;
    input: string;
    header: string;
    chunks: [firstRecord: number, recordCount: number, text: string][];
  }[] = [
    {
      name: 'quoted newlines never split a record',
      input: 'a,b\n"1\n2\n3","x\ny"\nz,"\n"\n',
      header: 'a,b',
      chunks: [
        [2, 1, '"1\n2\n3","x\ny"\n'],
        [3, 1, 'z,"\n"\n'],
      ],
    },
    {
      name: 'CRLF file: CR stays in the record, header loses its CRLF',
      input: 'a,b\r\n1,2\r\n3,4\r\n',
      header: 'a,b',
      chunks: [
        [2, 1, '1,2\r\n'],
        [3, 1, '3,4\r\n'],
      ],
    },
    {
      name: 'BOM is stripped from the header',
      input: '\uFEFFa,b\n1,2\n',
      header: 'a,b',
      chunks: [[2, 1, '1,2\n']],
    },
    {
      name: 'no trailing newline: last record still counted',
      input: 'a\n1\n2',
      header: 'a',
      chunks: [
        [2, 1, '1\n'],
        [3, 1, '2'],
      ],
    },
    {
      name: 'blank lines are records (numbering matches the parser)',
      input: 'a\n\n1\n\n',
      header: 'a',
      chunks: [
        [2, 1, '\n'],
        [3, 1, '1\n'],
        [4, 1, '\n'],
      ],
    },
    {
      name: 'stray quote inside an unquoted field does not open a quote',
      input: 'a,b\n1,5" disk\n2,3" disk\n',
      header: 'a,b',
      chunks: [
        [2, 1, '1,5" disk\n'],
        [3, 1, '2,3" disk\n'],
      ],
    },
    {
      name: 'header-only file with newline',
      input: 'a,b\r\n',
      header: 'a,b',
      chunks: [],
    },
    { name: 'header-only file without newline', input: 'a,b', header: 'a,b', chunks: [] },
    {
      name: 'a quote never closed is cut at its line break, the next lines are records',
      input: 'a\n1\n"open\n2\n',
      header: 'a',
      chunks: [
        [2, 1, '1\n'],
        [3, 1, '"open\n'],
        [4, 1, '2\n'],
      ],
    },
    {
      name: 'unterminated quote on the last line is the last record',
      input: 'a\n1\n"open,2',
      header: 'a',
      chunks: [
        [2, 1, '1\n'],
        [3, 1, '"open,2'],
      ],
    },
  ];

  it.each(cases)('$name', async ({ input, header, chunks }) => {
    for (const size of [WHOLE, () => 1]) {
      const got = await split(pieces(utf8(input), size), { chunkBytes: 1, maxRecordBytes: 100 });
      expect(got.header).toBe(header);
      expect(got.chunks.map((c) => [c.firstRecord, c.recordCount, c.bytes.toString()])).toEqual(
        chunks,
      );
    }
  });

  it('accepts a custom quote and delimiter byte', async () => {
    const got = await split(pieces(utf8("a;b\n1;'x\n;y'\n"), WHOLE), {
      chunkBytes: 1,
      maxRecordBytes: 100,
      quote: 0x27,
      delimiter: 0x3b,
    });
    expect(got.chunks.map((c) => c.bytes.toString())).toEqual(["1;'x\n;y'\n"]);
  });

  it('rejects bad options as programmer errors', async () => {
    await expect(
      split(pieces(utf8('a\n'), WHOLE), { chunkBytes: 0, maxRecordBytes: 10 }),
    ).rejects.toThrow(RangeError);
    await expect(
      split(pieces(utf8('a\n'), WHOLE), { chunkBytes: 1, maxRecordBytes: 10, quote: 0x0a }),
    ).rejects.toThrow(RangeError);
  });
});

describe('splitRecords errors', () => {
  const empty = [
    ['no bytes', ''],
    ['only a BOM', '\uFEFF'],
    ['only newlines', '\n\n\r\n'],
    ['BOM and blank lines', '\uFEFF \r\n\t\n'],
  ];
  it.each(empty)('empty_file for %s', async (_, input) => {
    for (const size of [WHOLE, () => 1]) {
      const error = await split(pieces(utf8(input), size), {
        chunkBytes: 10,
        maxRecordBytes: 100,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CsvInputError);
      expect(error).toMatchObject({ code: 'empty_file', recordNumber: undefined });
    }
  });

  it('a blank first line followed by data is not an empty file (header is blank)', async () => {
    const got = await split(
      pieces(utf8('\n\na,b\n'), () => 1),
      { chunkBytes: 1, maxRecordBytes: 100 },
    );
    expect(got.header).toBe('');
    expect(got.chunks.map((c) => [c.firstRecord, c.recordCount])).toEqual([
      [2, 1],
      [3, 1],
    ]);
  });

  it('record_too_large for one line over the limit, without reading the rest of an endless file', async () => {
    let pulled = 0;
    async function* endless() {
      yield utf8('id,notes\n1,ok\n2,"never closed');
      // Long enough to notice a splitter that reads on (bounded so such a bug
      // fails the assertions below instead of hanging the run).
      for (let i = 0; i < 10_000; i++) {
        pulled += 1;
        yield utf8('more text, no line break '.repeat(10));
      }
    }
    const events: string[] = [];
    const error = await (async () => {
      for await (const e of splitRecords(endless(), {
        chunkBytes: 1,
        maxRecordBytes: 1000,
      })) {
        events.push(e.kind);
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CsvInputError);
    expect(error).toMatchObject({ code: 'record_too_large', recordNumber: 3 });
    expect(pulled).toBeLessThanOrEqual(5); // 1000 bytes / 250 per piece, then stop
    expect(events).toEqual(['header', 'chunk']); // record 2 was delivered before the failure
  });

  it('record_too_large counts the header as record 1 and checks it too', async () => {
    const error = await split(
      pieces(utf8(`${'h'.repeat(50)}\n1\n`), () => 4),
      {
        chunkBytes: 10,
        maxRecordBytes: 20,
      },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'record_too_large', recordNumber: 1 });
  });

  it('a record exactly maxRecordBytes long (terminator included) passes, one byte more fails', async () => {
    const ok = await split(
      pieces(utf8('h\n123456789\n'), () => 3),
      { chunkBytes: 1, maxRecordBytes: 10 },
    );
    expect(ok.chunks.map((c) => c.bytes.toString())).toEqual(['123456789\n']);
    const error = await split(
      pieces(utf8('h\n1234567890\n'), () => 3),
      {
        chunkBytes: 1,
        maxRecordBytes: 10,
      },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'record_too_large', recordNumber: 2 });
  });
});
