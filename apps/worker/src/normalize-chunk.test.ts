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

  it('fails loudly when record boundaries disagree with the splitter', () => {
    expect(() => run('a,,\nb,,\n', 3)).toThrow(/expected 3/);
  });
});
