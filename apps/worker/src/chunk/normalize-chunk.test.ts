import { MAX_KEY_BYTES } from '@sluice/contract';
import { COLUMN_TYPES } from '@sluice/normalize';
import { describe, expect, it } from 'vitest';
import type { ChunkTask } from './chunk-task.ts';
import { normalizeChunk } from './normalize-chunk.ts';

const columns: ChunkTask['columns'] = [
  { name: 'name', type: 'text', required: false },
  { name: 'email', type: 'email', required: false },
  { name: 'phone', type: 'phone', required: false },
];

function run(text: string | Uint8Array, recordCount: number, firstRecord = 2, delimiter = ',') {
  const data = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  return normalizeChunk({
    data,
    firstRecord,
    recordCount,
    columns,
    options: { phoneRegion: 'US' },
    maxColumns: 10,
    delimiter,
  });
}
const output = (r: ReturnType<typeof run>) => new TextDecoder().decode(r.output);

describe('normalizeChunk', () => {
  it('normalizes each column by its type and reports invalid optional values', () => {
    const r = run(' Ada  Lovelace ,ADA@Example.com,(415) 555-2671\r\nBob,not-mail,123\r\n', 2, 10);
    expect(output(r)).toBe('Ada Lovelace,ada@example.com,+14155552671\nBob,,\n');
    expect(r).toMatchObject({ rowsAccepted: 2, rowsRejected: 0, rowsBlank: 0 });
    expect(r.errors.map((e) => [e.recordNumber, e.column, e.raw, e.code])).toEqual([
      [11, 'email', 'not-mail', 'invalid_email'],
      [11, 'phone', '123', 'invalid_phone'],
    ]);
  });

  it('accounts for every record exactly once: accepted, rejected or blank', () => {
    const r = run('a,b@c.de,\n\n,,\nx,y\n"unterminated,a,b\n', 5);
    expect(r.rowsAccepted + r.rowsRejected + r.rowsBlank).toBe(5);
    expect(r).toMatchObject({ rowsAccepted: 1, rowsBlank: 2, rowsRejected: 2 });
    // Only the one row that reached the normalizer counts, once per column.
    expect(r.valuesByType).toEqual({ text: 1, email: 1, phone: 1 });
    expect(r.errors.map((e) => [e.recordNumber, e.code])).toEqual([
      [5, 'column_count_mismatch'],
      [6, 'unterminated_quote'],
    ]);
  });

  it('keeps quoted delimiters and newlines inside one field', () => {
    const r = run('"Doe, Jane\nM.",jane@example.com,\n', 1);
    expect(output(r)).toBe('"Doe, Jane M.",jane@example.com,\n');
  });

  it('reports invalid UTF-8 per row instead of replacing characters', () => {
    const bytes = Buffer.concat([
      Buffer.from('ok,,\n'),
      Buffer.from([0x63, 0xe9, 0x2c, 0x2c, 0x0a]),
      Buffer.from('fine,,\n'),
    ]);
    const r = run(bytes, 3);
    expect(output(r)).toBe('ok,,\nfine,,\n');
    expect(r.errors).toEqual([
      expect.objectContaining({ recordNumber: 3, code: 'invalid_encoding' }),
    ]);
  });

  it('neutralizes formulas in text cells but not in E.164 phones', () => {
    const r = run('=1+2,,+1 415 555 2671\n', 1);
    expect(output(r)).toBe("'=1+2,,+14155552671\n");
  });

  it("parses by the file's delimiter and writes comma-separated output", () => {
    const r = run('Ann;"a@b.co";"(415) 555-2671"\nBob, Jr.;;\n', 2, 2, ';');
    expect(output(r)).toBe('Ann,a@b.co,+14155552671\n"Bob, Jr.",,\n');
  });

  // PostgreSQL text cannot hold NUL: an accepted value must never carry one
  // into result rows, which an import COPYs into the dataset's text columns.
  it.each(Object.keys(COLUMN_TYPES))('writes no NUL byte for a %s value holding one', (type) => {
    const r = normalizeChunk({
      data: new TextEncoder().encode('Ann\0 Lee,a\0b@example.com,2024\0-01-02\0\n'),
      firstRecord: 2,
      recordCount: 1,
      columns: [
        { name: 'a', type: type as ChunkTask['columns'][number]['type'], required: false },
        { name: 'b', type: type as ChunkTask['columns'][number]['type'], required: false },
        { name: 'c', type: type as ChunkTask['columns'][number]['type'], required: false },
      ],
      options: { phoneRegion: 'US' },
      maxColumns: 10,
      delimiter: ',',
    });
    expect(r.rowsAccepted + r.rowsRejected).toBe(1);
    expect(output(r)).not.toContain('\0');
  });

  it('fails loudly when record boundaries disagree with the splitter', () => {
    expect(() => run('a,,\nb,,\n', 3)).toThrow(/expected 3/);
  });
});

describe('normalizeChunk, values repeated within a chunk', () => {
  const placeColumns: ChunkTask['columns'] = [
    { name: 'country', type: 'country', required: false },
    { name: 'zip', type: 'postal_code', required: false },
    { name: 'state', type: 'region', required: false },
    { name: 'note', type: 'text', required: false },
  ];
  const runPlaces = (text: string, recordCount: number) =>
    normalizeChunk({
      data: new TextEncoder().encode(text),
      firstRecord: 2,
      recordCount,
      columns: placeColumns,
      options: { phoneRegion: 'US' },
      maxColumns: 10,
      delimiter: ',',
    });

  it("formats the same postal code and region by each row's own country", () => {
    const r = runPlaces(
      'US,501,ON,a\nNetherlands,501,ON,b\nCanada,501,ON,c\n,501,ON,d\nUS,501,ON,e\nNL,1012ab,CA,f\nUS,1012ab,CA,g\n',
      7,
    );
    expect(output(r)).toBe(
      'US,00501,,a\nNL,,ON,b\nCA,,ON,c\n,501,ON,d\nUS,00501,,e\nNL,1012 AB,CA,f\nUS,,CA,g\n',
    );
    expect(r.errors.map((e) => [e.recordNumber, e.column, e.code])).toEqual([
      [2, 'state', 'unknown_region'],
      [3, 'zip', 'invalid_postal_code'],
      [4, 'zip', 'invalid_postal_code'],
      [6, 'state', 'unknown_region'],
      [8, 'zip', 'invalid_postal_code'],
    ]);
  });

  it('writes large outputs with multi-byte characters intact', () => {
    const rows = Array.from(
      { length: 3000 },
      (_, i) => `España,${28000 + (i % 50)},,"Zoë 🇪🇸 ${i} ${'ß'.repeat(i % 7)}, ok"\n`,
    );
    const r = runPlaces(rows.join(''), rows.length);
    const expected = Array.from(
      { length: 3000 },
      (_, i) => `ES,${28000 + (i % 50)},,"Zoë 🇪🇸 ${i} ${'ß'.repeat(i % 7)}, ok"\n`,
    ).join('');
    expect(r.output.byteLength).toBeGreaterThan(64 * 1024);
    expect(r.output.byteLength).toBe(Buffer.byteLength(expected));
    expect(output(r)).toBe(expected);
    expect(r.rowsAccepted).toBe(3000);
  });
});

describe('import keys over MAX_KEY_BYTES', () => {
  it('rejects the row alone with key_too_long (a merge would fail as a whole)', () => {
    const keyed: ChunkTask['columns'] = [
      { name: 'code', type: 'text', required: true, key: true },
      { name: 'name', type: 'text', required: false },
    ];
    const long = 'k'.repeat(MAX_KEY_BYTES + 1);
    const fits = 'é'.repeat(MAX_KEY_BYTES / 2);
    const r = normalizeChunk({
      data: new TextEncoder().encode(`${long},a\nshort,b\n${fits},c\n${fits}é,d\n`),
      firstRecord: 2,
      recordCount: 4,
      columns: keyed,
      options: { phoneRegion: 'US' },
      maxColumns: 10,
      delimiter: ',',
    });
    expect(r).toMatchObject({ rowsAccepted: 2, rowsRejected: 2 });
    expect(r.errors.map((e) => [e.recordNumber, e.column, e.code])).toEqual([
      [2, 'code', 'key_too_long'],
      [5, 'code', 'key_too_long'],
    ]);
    expect(new TextDecoder().decode(r.output)).toBe(`short,b\n${fits},c\n`);
  });
});

describe('dropped columns', () => {
  const task = (data: string, recordCount: number): ChunkTask => ({
    data: new TextEncoder().encode(data),
    firstRecord: 2,
    recordCount,
    columns: [
      { name: 'notes', type: 'email', required: false, dropped: true },
      { name: 'code', type: 'text', required: true, key: true },
      { name: 'phone', type: 'phone', required: false },
      { name: 'dob', type: 'date', required: false, dropped: true },
    ],
    options: { phoneRegion: 'US' },
    maxColumns: 10,
    delimiter: ',',
  });

  it('are neither normalized nor written, and report no errors; the rest keep their order', () => {
    const r = normalizeChunk(task('not-mail,A1,(415) 555-2671,31/31/31\n=1+1,B2,,\n', 2));
    expect(new TextDecoder().decode(r.output)).toBe('A1,+14155552671\nB2,\n');
    expect(r.errors).toEqual([]);
    expect(r).toMatchObject({ rowsAccepted: 2, rowsRejected: 0 });
    expect(r.valuesByType).toEqual({ text: 2, phone: 2 });
  });

  it('still count as fields of the record, and key bounds follow the written positions', () => {
    const long = 'k'.repeat(MAX_KEY_BYTES + 1);
    const r = normalizeChunk(task(`x,A1,,\nx,${long},,\n`, 2));
    expect(r.errors.map((e) => [e.recordNumber, e.column, e.code])).toEqual([
      [3, 'code', 'key_too_long'],
    ]);
    const short = normalizeChunk(task('x,A1,,\n', 1));
    expect(short.errors).toEqual([]);
    const mismatch = normalizeChunk(task('A1,,\n', 1));
    expect(mismatch.errors.map((e) => e.code)).toEqual(['column_count_mismatch']);
  });
});
