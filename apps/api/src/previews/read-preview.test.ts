import type { DatasetView } from '@sluice/db';
import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../http/problem.ts';
import { readJobRequest } from '../jobs/job-options.ts';
import type { CsvUpload } from '../jobs/upload/request-body.ts';
import { readPreview } from './read-preview.ts';

/** An upload of `pieces` that counts how many of them were taken. */
function uploadOf(pieces: Array<string | Buffer>) {
  const state = { taken: 0 };
  const upload: CsvUpload = {
    bytes: (async function* () {
      for (const piece of pieces) {
        state.taken += 1;
        yield typeof piece === 'string' ? Buffer.from(piece) : piece;
      }
    })(),
    fileName: null,
    fields: {},
    digest: Promise.resolve(undefined),
    arrived: () => state.taken === pieces.length,
  };
  return { upload, state };
}

const LIMITS = { records: 20, maxBytes: 1024 * 1024, maxRecordBytes: 1024 * 1024, maxColumns: 100 };

function preview(
  pieces: Array<string | Buffer>,
  query: Record<string, string> = {},
  limits: Partial<typeof LIMITS> = {},
  dataset?: DatasetView,
) {
  const { upload } = uploadOf(pieces);
  return readPreview(upload, readJobRequest(query, {}), { ...LIMITS, ...limits }, dataset);
}

describe('readPreview', () => {
  it('is not truncated when the file ends right after the rows asked for', async () => {
    const csv = 'email\na@x.io\nb@x.io\n';
    expect((await preview([csv], {}, { records: 2 })).truncated).toBe(false);
    const cut = await preview([csv], {}, { records: 1 });
    expect(cut.truncated).toBe(true);
    expect(cut.rows.map((r) => r.recordNumber)).toEqual([2]);
  });

  it('stops taking the upload at the byte bound, and says the ASCII-only encoding is not final', async () => {
    const line = `${'x'.repeat(1000)}\n`;
    const pieces = Array.from({ length: 100 }, () => line.repeat(10));
    const { upload, state } = uploadOf(['note\n', ...pieces]);
    const result = await readPreview(upload, readJobRequest({}, {}), {
      ...LIMITS,
      records: 200,
      maxBytes: 64 * 1024,
    });
    expect(result.truncated).toBe(true);
    expect(state.taken).toBeLessThan(20);
    expect(result.sample.bytes).toBeGreaterThanOrEqual(64 * 1024);
    expect(result.encoding).toMatchObject({ name: 'utf-8', source: 'ascii', confidence: 1 });
    expect(result.encoding.note).toMatch(/all ASCII; a job decides the encoding/);
  });

  it('reports rows a worker would reject: bad field counts, bad quoting, invalid UTF-8', async () => {
    const result = await preview([
      Buffer.concat([
        Buffer.from('email,name\na@x.io,Zoë\nb@x.io\n"c@x.io"x,Renée\nd@x.io,'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('\n'),
      ]),
    ]);
    expect(
      result.rows.map((r) => [r.recordNumber, r.rejected, r.errors.map((e) => e.code)]),
    ).toEqual([
      [2, false, []],
      [3, true, ['column_count_mismatch']],
      [4, true, ['invalid_quoting']],
      [5, true, ['invalid_encoding']],
    ]);
    expect(result.rows[1]!.normalized).toBeNull();
    expect(result.rows[3]!.raw).toBeNull();
  });

  it('maps an import onto the dataset and rejects a key too long for it', async () => {
    const dataset: DatasetView = {
      tenantId: 't',
      name: 'people',
      tableName: 'people_t',
      columns: [
        { name: 'code', type: 'text', required: false },
        { name: 'email', type: 'email', required: false },
      ],
      key: ['code'],
      createdAt: new Date(0),
    };
    const result = await preview(
      [`Code,Email\nA1,a@x.io\n${'k'.repeat(2100)},b@x.io\n`],
      { dataset: 'people' },
      {},
      dataset,
    );
    expect(result.columns.map((c) => [c.name, c.datasetColumn, c.key, c.required])).toEqual([
      ['Code', 'code', true, true],
      ['Email', 'email', false, false],
    ]);
    expect(result.rows.map((r) => r.errors.map((e) => e.code))).toEqual([[], ['key_too_long']]);
  });

  it('shows a dropped column, flagged, with no value in normalized and no errors', async () => {
    const result = await preview(['Notes,Email,Phone\nnot-mail,A@X.io,bad\n'], {
      columns: '{"notes":{"drop":true}}',
    });
    expect(result.columns.map((c) => [c.name, c.dropped ?? false])).toEqual([
      ['Notes', true],
      ['Email', false],
      ['Phone', false],
    ]);
    expect(result.header).toEqual(['Notes', 'Email', 'Phone']);
    expect(result.rows[0]!.raw).toEqual(['not-mail', 'A@X.io', 'bad']);
    expect(result.rows[0]!.normalized).toEqual(['a@x.io', '']);
    expect(result.rows[0]!.errors.map((e) => e.column)).toEqual(['Phone']);
  });

  it('bounds an import key at its written position when a column before it is dropped', async () => {
    const dataset: DatasetView = {
      tenantId: 't',
      name: 'codes',
      tableName: 'codes_t',
      columns: [
        { name: 'code', type: 'text', required: false },
        { name: 'note', type: 'text', required: false },
      ],
      key: ['code'],
      createdAt: new Date(0),
    };
    const result = await preview(
      [`Junk,Code,Note\nx,A1,n\nx,${'k'.repeat(2100)},n\n`],
      { dataset: 'codes', columns: '{"JUNK":{"drop":true}}' },
      {},
      dataset,
    );
    expect(result.columns.map((c) => [c.name, c.datasetColumn, c.dropped ?? false])).toEqual([
      ['Junk', null, true],
      ['Code', 'code', false],
      ['Note', 'note', false],
    ]);
    expect(result.rows[0]!.normalized).toEqual(['A1', 'n']);
    expect(result.rows.map((r) => r.errors.map((e) => e.code))).toEqual([[], ['key_too_long']]);
  });

  it('refuses what a job refuses, as the same problems', async () => {
    const codeOf = (pieces: string[], query = {}) =>
      preview(pieces, query).then(
        () => 'answered',
        (e: unknown) => (e instanceof HttpProblem ? e.code : String(e)),
      );
    expect(await codeOf([''])).toBe('empty_file');
    expect(await codeOf(['email\n'])).toBe('no_rows');
    expect(await codeOf(['email,Email\na,b\n'])).toBe('duplicate_column');
    expect(await codeOf(['email\na@x.io\n'], { columns: '{"nope":"text"}' })).toBe(
      'unknown_column',
    );
    expect(await codeOf(['email\na@x.io\n'], { columns: '{"nope":{"drop":true}}' })).toBe(
      'unknown_column',
    );
    expect(await codeOf(['a,b\n1,2\n'], { columns: '{"A":{"drop":true},"b":{"drop":true}}' })).toBe(
      'invalid_option',
    );
  });
});
