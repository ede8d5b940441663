import { parseRecords } from '@sluice/csv';
import { createDatabase, inClientTransaction } from '@sluice/db';
import { sql } from 'kysely';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { ChunkTask } from './chunk-task.ts';
import { normalizeChunk } from './normalize-chunk.ts';

const handle = createDatabase({ url: inject('databaseUrl'), poolSize: 1 });
afterAll(() => handle.close());

// Two imported columns around one that is written but not imported.
const columns: ChunkTask['columns'] = [
  { name: 'a', type: 'text', required: false, target: 'a' },
  { name: 'skip', type: 'text', required: false },
  { name: 'c', type: 'text', required: false, target: 'c' },
];

const HOSTILE = [
  '=SUM(A1)',
  'say "hi" \\ back\\slash',
  'NULL',
  '{x,y}',
  ' lead and trail ',
  'two\nlines',
  '',
  'ünïcödé 🙂',
  '"',
  '\\',
  'tab\there',
  '\\N',
  'cr\rhere',
];

const csvField = (v: string) => `"${v.replaceAll('"', '""')}"`;

describe('staged rows of an import chunk (COPY input)', () => {
  it('read back by PostgreSQL exactly as the chunk output reads back (NULL for empty)', async () => {
    // Every value that means something to COPY's text format (\\N is a value, not NULL).
    const lines = Array.from({ length: 70 }, () =>
      HOSTILE.map((v, i) => `${csvField(v)},x,${csvField(HOSTILE.at(-1 - i)!)}\n`),
    ).flat();
    const result = normalizeChunk({
      data: new TextEncoder().encode(lines.join('')),
      firstRecord: 2,
      recordCount: lines.length,
      columns,
      options: { phoneRegion: 'US' },
      maxColumns: 10,
      delimiter: ',',
      stage: { seq: 7 },
    });
    expect(result.rowsAccepted).toBe(lines.length);
    const output = parseRecords(new TextDecoder().decode(result.output), {
      maxFields: 10,
      delimiter: ',',
    }).map((r) => ('fields' in r ? r.fields : []));
    expect(result.staged).toMatchObject({ rows: lines.length, columnCount: 2, seq: 7 });
    const read = await inClientTransaction(handle.pool, async (trx, copy) => {
      await sql`create temp table staged (_seq int, _row bigint, _line bigint, c0 text, c1 text) on commit drop`.execute(
        trx,
      );
      await copy('copy staged from stdin', result.staged!.copy);
      const { rows } = await sql<{
        seq: number;
        row: string;
        line: string;
        a: string | null;
        c: string | null;
      }>`
        select _seq as seq, _row::text as row, _line::text as line, c0 as a, c1 as c
        from staged order by _row`.execute(trx);
      return rows;
    });
    expect(read).toEqual(
      output.map((fields, i) => ({
        seq: 7,
        row: String(i + 1),
        line: String(2 + i),
        a: fields[0] || null,
        c: fields[2] || null,
      })),
    );
    // Formula neutralized as in the file (what the dataset got before staging).
    expect(read[0]!.a).toBe("'=SUM(A1)");
  });

  it('normalize jobs stage nothing', () => {
    const result = normalizeChunk({
      data: new TextEncoder().encode('a,b,c\n'),
      firstRecord: 2,
      recordCount: 1,
      columns,
      options: { phoneRegion: 'US' },
      maxColumns: 10,
      delimiter: ',',
    });
    expect(result.staged).toBeUndefined();
  });
});
