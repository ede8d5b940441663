import { describe, expect, it } from 'vitest';
import { dataKindOf, detectHeaderLayout } from './detect-header.ts';
import { recordEnds } from './scanner.ts';
import { pieces, split, utf8 } from './test-helpers.ts';

const layout = (text: string, quote = '"') =>
  detectHeaderLayout(text, true, { delimiter: ',', quote });

describe('dataKindOf', () => {
  it.each([
    ['12', 'number'],
    ['-1,234.50', 'number'],
    ['ann@example.com', 'email'],
    ['2026-11-30', 'date'],
    ['30.11.2026', 'date'],
    ['name', undefined],
    ['2026 revenue', undefined],
  ])('%s is %s', (value, kind) => {
    expect(dataKindOf(value)).toBe(kind);
  });
});

describe('detectHeaderLayout', () => {
  it('keeps a normal header, however the rows look', () => {
    expect(layout('name,email\nAnn,ann@example.com\n')).toEqual({
      titleLines: 0,
      firstRowIsData: false,
      width: 2,
    });
    // One data-like name among names is the user's to settle (header=true|false).
    expect(layout('region,2025\nnorth,1\n').firstRowIsData).toBe(false);
    // A first row of data over a column of text: a header after all.
    expect(layout('1,2\nx,y\nz,w\n').firstRowIsData).toBe(false);
  });

  it('finds a first row that is data like the rest of its columns', () => {
    expect(layout('ann@example.com,12\nbob@example.com,13\n')).toMatchObject({
      titleLines: 0,
      firstRowIsData: true,
      width: 2,
    });
    // A first row alone says nothing.
    expect(layout('1,2\n').firstRowIsData).toBe(false);
  });

  it('skips titles and blank lines above the header', () => {
    expect(layout('Export of 2026-11-30\n\nname,email\nAnn,a@b.co\n').titleLines).toBe(2);
    expect(layout('Customers,,\n,,\nname,email,n\nAnn,a@b.co,1\n').titleLines).toBe(2);
    expect(layout('\nname,email\nAnn,a@b.co\n').titleLines).toBe(1);
  });

  it('is conservative about titles', () => {
    // A one-column file has no title lines to tell apart.
    expect(layout('Title\nname\nAnn\n').titleLines).toBe(0);
    // An unreadable first line is not a title.
    expect(layout('a,"b\nx,y\n').titleLines).toBe(0);
    // More leading lines than a title has: not a title.
    expect(layout(`${'x\n'.repeat(11)}a,b\n1,2\n`).titleLines).toBe(0);
    // The candidate header must have the width of the rows under it.
    expect(layout('note\na,b\n1,2,3\n4,5,6\n').titleLines).toBe(0);
  });
});

describe('splitRecords: title lines and headerless files', () => {
  const text = 'Title\n\nname,email\nAnn,a@b.co\nBob,b@b.co\n';
  it('drops skipped records but keeps their numbers', async () => {
    for (const size of [1, 3, 1000]) {
      const { header, chunks } = await split(
        pieces(utf8(text), () => size),
        {
          chunkBytes: 1000,
          maxRecordBytes: 100,
          skipRecords: 2,
        },
      );
      expect(header).toBe('name,email');
      expect(chunks.map((c) => [c.firstRecord, c.recordCount])).toEqual([[4, 2]]);
    }
  });

  it('a headerless file has no header event and starts at record 1', async () => {
    const { header, chunks, order } = await split(
      pieces(utf8('1,2\n3,4\n'), () => 2),
      {
        chunkBytes: 4,
        maxRecordBytes: 100,
        headerless: true,
      },
    );
    expect(header).toBeUndefined();
    expect(order).toEqual(['chunk', 'chunk']);
    expect(chunks.map((c) => [c.firstRecord, c.bytes.toString()])).toEqual([
      [1, '1,2\n'],
      [2, '3,4\n'],
    ]);
    expect(recordEnds(chunks[0]!.bytes)).toEqual([4]);
  });
});
