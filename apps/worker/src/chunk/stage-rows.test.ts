import { parseRecords } from '@sluice/csv';
import { createDatabase } from '@sluice/db';
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
];

const csvField = (v: string) => `"${v.replaceAll('"', '""')}"`;

describe('staged rows of an import chunk (PostgreSQL array literals)', () => {
  it('read back by PostgreSQL exactly as the chunk output reads back (NULL for empty)', async () => {
    // 700 rows: elements are joined in pieces of a few hundred rows, whose
    // seams must not show.
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
      stage: true,
    });
    expect(result.rowsAccepted).toBe(lines.length);
    const output = parseRecords(new TextDecoder().decode(result.output), {
      maxFields: 10,
      delimiter: ',',
    }).map((r) => ('fields' in r ? r.fields : []));
    const expected = [0, 2].map((field) => output.map((f) => f[field] || null));
    expect(result.staged?.rows).toBe(result.rowsAccepted);
    const read = [];
    for (const literal of result.staged!.columns) {
      const { rows } = await sql<{ v: string | null }>`
        select unnest(${Buffer.from(literal)}::text::text[]) as v`.execute(handle.db);
      read.push(rows.map((r) => r.v));
    }
    expect(read).toEqual(expected);
    // Formula neutralized as in the file (what the dataset got before staging).
    expect(read[0]![0]).toBe("'=SUM(A1)");
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
