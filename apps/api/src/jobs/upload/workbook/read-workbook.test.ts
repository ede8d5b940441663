import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../../../http/problem.ts';
import { readWorkbookAsCsv } from './read-workbook.ts';

const LIMITS = {
  maxUploadBytes: 64 * 1024 * 1024,
  maxDecompressionRatio: 200,
  maxWorkbookSharedStringsBytes: 1024 * 1024,
};

async function* pieces(bytes: Uint8Array, size = 1000): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function csvOf(xlsx: Uint8Array, sheet?: string, limits = LIMITS) {
  let name: string | undefined;
  const parts: Buffer[] = [];
  for await (const piece of readWorkbookAsCsv(pieces(xlsx), {
    sheet,
    limits,
    onSheet: (n) => {
      name = n;
    },
  }))
    parts.push(Buffer.from(piece));
  return { csv: Buffer.concat(parts).toString('utf8'), sheet: name };
}

async function problemOf(promise: Promise<unknown>): Promise<HttpProblem> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpProblem);
  return error as HttpProblem;
}

/** A workbook as Excel writes one: shared strings and styles after the sheets. */
async function workbook(build: (wb: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

describe('readWorkbookAsCsv', () => {
  it('writes the first sheet as CSV: strings, numbers as written, dates as ISO dates, formulas as results', async () => {
    const xlsx = await workbook((wb) => {
      const ws = wb.addWorksheet('People');
      ws.addRow(['name', 'amount', 'born', 'seen', 'total', 'ok', 'note']);
      ws.addRow([
        'Doe, Jane',
        1234.5,
        new Date(Date.UTC(1990, 6, 4)),
        new Date(Date.UTC(2026, 10, 30, 14, 5, 0)),
        { formula: 'B2*2', result: 2469 },
        true,
        'says "hi"\nthen leaves',
      ]);
      ws.addRow(['Bob', 0.1, null, null, { formula: 'B3*2', result: 0.2 }, false]);
      wb.addWorksheet('Other').addRow(['x']);
    });
    const { csv, sheet } = await csvOf(xlsx);
    expect(sheet).toBe('People');
    expect(csv).toBe(
      [
        'name,amount,born,seen,total,ok,note',
        '"Doe, Jane",1234.5,1990-07-04,2026-11-30T14:05:00,2469,TRUE,"says ""hi""\nthen leaves"',
        'Bob,0.1,,,0.2,FALSE,',
        '',
      ].join('\n'),
    );
  });

  it('reads a named sheet; an unknown one is sheet_not_found naming the sheets', async () => {
    const xlsx = await workbook((wb) => {
      wb.addWorksheet('First').addRow(['a']);
      const second = wb.addWorksheet('Second');
      second.addRow(['b', 'c']);
      second.addRow([1, 2]);
    });
    expect(await csvOf(xlsx, 'Second')).toEqual({ csv: 'b,c\n1,2\n', sheet: 'Second' });
    const problem = await problemOf(csvOf(xlsx, 'Third'));
    expect(problem.code).toBe('sheet_not_found');
    expect(problem.extra).toEqual({ sheets: ['First', 'Second'] });
  });

  it('keeps row numbers: empty rows as blank lines, short rows padded to the width', async () => {
    const xlsx = await workbook((wb) => {
      const ws = wb.addWorksheet('S');
      ws.getCell('A1').value = 'Export of 2026-11-30';
      ws.getRow(3).values = ['name', 'email', 'n'];
      ws.getRow(4).values = ['Ann', 'ann@example.com'];
      ws.getRow(6).values = ['Bob', 'bob@example.com', 2];
    });
    expect((await csvOf(xlsx)).csv).toBe(
      'Export of 2026-11-30,,\n\nname,email,n\nAnn,ann@example.com,\n\nBob,bob@example.com,2\n',
    );
  });

  it('streams a sheet written with shared strings and styles first (the streaming writer)', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (piece: Buffer) => chunks.push(piece));
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: out,
      useSharedStrings: true,
      useStyles: true,
    });
    const ws = wb.addWorksheet('Streamed');
    ws.addRow(['when', 'what']).commit();
    ws.addRow([new Date(Date.UTC(2026, 0, 2)), 'x']).commit();
    ws.commit();
    await wb.commit();
    expect(await csvOf(Buffer.concat(chunks))).toEqual({
      csv: 'when,what\n2026-01-02,x\n',
      sheet: 'Streamed',
    });
  });

  it('refuses what is not a workbook, and a zip bomb, with problems', async () => {
    const notZip = await problemOf(csvOf(Buffer.from('PK\u0003\u0004 but nothing else')));
    expect(notZip.code).toBe('invalid_workbook');
    const whole = await workbook((wb) => {
      wb.addWorksheet('S').addRow(['a']);
      wb.addWorksheet('T').addRow(['b']);
    });
    // Cut inside a part (a cut in the central directory alone leaves every part whole: read).
    for (const end of [100, 1000, 2000, 3000]) {
      const cut = await problemOf(csvOf(whole.subarray(0, end)));
      expect(cut.code).toBe('invalid_workbook');
    }

    const xlsx = await workbook((wb) => {
      const ws = wb.addWorksheet('S');
      ws.addRow(['a', 'b']);
      for (let i = 0; i < 30_000; i++) ws.addRow([0, 0]);
    });
    const bomb = await problemOf(csvOf(xlsx, undefined, { ...LIMITS, maxDecompressionRatio: 2 }));
    expect(bomb.code).toBe('excessive_compression');
    const tooLarge = await problemOf(
      csvOf(xlsx, undefined, { ...LIMITS, maxUploadBytes: 100_000, maxDecompressionRatio: 1000 }),
    );
    expect(tooLarge.code).toBe('payload_too_large');
    // Shared strings are held in memory: bounded on their own.
    const wordy = await workbook((wb) => {
      const ws = wb.addWorksheet('S');
      for (let i = 0; i < 3000; i++) ws.addRow([`unique text number ${i} ${'x'.repeat(400)}`]);
    });
    const strings = await problemOf(
      csvOf(wordy, undefined, { ...LIMITS, maxDecompressionRatio: 1000 }),
    );
    expect(strings.code).toBe('payload_too_large');
    expect(strings.message).toMatch(/shared strings/);
    expect(
      (
        await csvOf(wordy, undefined, {
          ...LIMITS,
          maxWorkbookSharedStringsBytes: 4 * 1024 ** 2,
          maxDecompressionRatio: 1000,
        })
      ).csv.split('\n'),
    ).toHaveLength(3001);
  });
});
