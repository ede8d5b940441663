import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Entry } from 'unzipper';
import { HttpProblem } from '../../../http/problem.ts';
import type { UploadLimits } from '../request-body.ts';
import { ExpansionGuard } from './expansion-guard.ts';
import { cellText, csvLine } from './sheet-cells.ts';

/** A ZIP archive's local file header signature (what an .xlsx file starts with). */
export const isZip = (head: Uint8Array) =>
  head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;

/**
 * The readers, loaded with the first workbook: importing them costs an API
 * process about 0.4 s and 28 MB, which a deployment that never sees a
 * workbook should not pay at every start.
 */
let readers: Promise<[typeof import('exceljs'), typeof import('unzipper')]> | undefined;
const loadReaders = () =>
  (readers ??= Promise.all([import('exceljs'), import('unzipper')]).then(([excel, zip]) => [
    excel.default,
    zip.default,
  ]));

/** Excel's last row: a row numbered beyond it is a broken file (and would be that many blank lines). */
const MAX_SHEET_ROWS = 1_048_576;

/** Rows whose widths decide how many fields every row gets (cells at the end of a row are not stored). */
const WIDTH_ROWS = 100;

interface SheetRow {
  number: number;
  eachCell(
    options: { includeEmpty: boolean },
    visit: (cell: { value: unknown; numFmt?: string }, column: number) => void,
  ): void;
}

/**
 * The parts of exceljs 4.4.0's streaming WorkbookReader this module drives
 * (its own parse loop spools sheets to unbounded temporary files and
 * drains other parts unguarded, so the loop is ours): the parsers of the
 * workbook's relationships, sheet list, styles (number formats: which
 * numbers are dates), shared strings, and of one worksheet, row by row.
 * The version is pinned; read-workbook.test.ts covers each.
 */
interface ReaderParts {
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncIterable<unknown>;
  _parseWorksheet(
    iterator: AsyncIterable<unknown>,
    sheetNo: string,
  ): Iterable<{ eventType: string; value: AsyncIterable<SheetRow> }>;
  sharedStrings?: unknown[];
  workbookRels?: Array<{ Id: string; Target: string }>;
  model?: { sheets?: Array<{ name: string; rId: string }> };
  properties?: { date1904?: boolean };
}

const invalidWorkbook = (why: string) =>
  new HttpProblem(
    'invalid_workbook',
    `The file is not a readable Excel workbook (.xlsx): ${why}. Save it again from Excel, or export the sheet as CSV.`,
  );

/**
 * Reads an Excel workbook (.xlsx) as it streams and writes one sheet of it
 * out as CSV (UTF-8, comma-separated, RFC 4180 quoting), so the rest of the
 * upload reads it as any CSV: line N of the CSV is row N of the sheet
 * (empty rows as blank lines; title rows above the header are then skipped
 * as in a CSV), and every row has as many fields as the widest of the
 * first rows (a sheet stores no trailing empty cells). Cell values:
 * sheet-cells.ts. `sheet` names the sheet; the first one of the workbook
 * otherwise.
 *
 * Sheets whose shared strings or styles come later in the archive (Excel
 * writes them after the sheets) are spooled, as decompressed XML, to a
 * temporary file and read once the archive has been read; each part is
 * bounded by ExpansionGuard. Anything unreadable (not a ZIP archive, no
 * sheet, broken XML) is invalid_workbook; a sheet that does not exist is
 * sheet_not_found.
 */
export async function* readWorkbookAsCsv(
  source: AsyncIterable<Uint8Array>,
  options: {
    sheet: string | undefined;
    limits: UploadLimits;
    /** The name of the sheet read, once known. */
    onSheet: (name: string) => void;
  },
): AsyncGenerator<Uint8Array> {
  const [ExcelJS, unzipper] = await loadReaders();
  const guard = new ExpansionGuard(options.limits);
  const input = Readable.from(guard.counted(source), { objectMode: false });
  const zip = unzipper.Parse({ forceStream: true });
  input.on('error', (error) => zip.destroy(error));
  input.pipe(zip);
  // The reader is used for its parsers only (its input is never read).
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(new Readable({ read() {} }), {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  }) as unknown as ReaderParts;
  let spoolDir: string | undefined;
  const spooled = new Map<string, string>();
  let stylesRead = false;
  let streamed = false;
  // The part being read. unzipper (0.10.14) reports an archive cut short
  // (FILE_ENDED) on the archive, then may hand out one more entry whose data
  // never ends: the part is failed with the archive's error instead.
  let current: Transform | undefined;
  let broken: Error | undefined;
  zip.on('error', (error: Error) => {
    broken = error;
    current?.destroy(error);
  });
  try {
    for await (const entry of zip as AsyncIterable<Entry>) {
      const part = entry.pipe(guard.part(entry.path));
      current = part;
      // Its reader learns of a failure by reading; one after that (the
      // archive breaking later) must not go unheard: that would crash the process.
      part.on('error', () => {});
      entry.on('error', (error) => part.destroy(error));
      if (broken) part.destroy(broken);
      const sheetNo = /^xl\/worksheets\/sheet(\d+)\.xml$/.exec(entry.path)?.[1];
      if (entry.path === 'xl/_rels/workbook.xml.rels') await reader._parseRels(part);
      else if (entry.path === 'xl/workbook.xml') await reader._parseWorkbook(part);
      else if (entry.path === 'xl/styles.xml') {
        await reader._parseStyles(part);
        stylesRead = true;
      } else if (entry.path === 'xl/sharedStrings.xml') {
        for await (const _ of reader._parseSharedStrings(part));
      } else if (
        sheetNo !== undefined &&
        !streamed &&
        mayBeWanted(reader, sheetNo, options.sheet)
      ) {
        if (reader.sharedStrings && stylesRead && wantedSheet(reader, options.sheet) === sheetNo) {
          // Everything the sheet needs came first: streamed straight through.
          options.onSheet(sheetName(reader, sheetNo));
          yield* sheetCsv(reader, part, sheetNo);
          streamed = true;
        } else {
          spoolDir ??= await mkdtemp(join(tmpdir(), 'sluice-xlsx-'));
          const path = join(spoolDir, `sheet${sheetNo}.xml`);
          await pipeline(part, createWriteStream(path));
          spooled.set(sheetNo, path);
        }
      } else {
        // Read to the end through the guard: a bomb in any part is stopped.
        for await (const _ of part);
      }
    }
    if (broken) throw broken;
    if (streamed) return;
    // Without a sheet list (no xl/workbook.xml), the lowest numbered sheet is the first.
    const listed = reader.model?.sheets !== undefined && reader.workbookRels !== undefined;
    const sheetNo = listed
      ? wantedSheet(reader, options.sheet)
      : options.sheet === undefined
        ? firstSpooled(spooled)
        : undefined;
    const path = sheetNo === undefined ? undefined : spooled.get(sheetNo);
    if (sheetNo === undefined || path === undefined) {
      if (options.sheet !== undefined) throw sheetNotFound(reader, options.sheet);
      throw invalidWorkbook('it has no worksheet');
    }
    options.onSheet(sheetName(reader, sheetNo));
    yield* sheetCsv(reader, createReadStream(path), sheetNo);
  } catch (error) {
    throw error instanceof HttpProblem ? error : invalidWorkbook(describe(error));
  } finally {
    input.destroy();
    zip.destroy();
    if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
  }
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').slice(0, 200);
}

/** The sheet file number (xl/worksheets/sheetN.xml) of the named sheet, or of the first one. */
function wantedSheet(reader: ReaderParts, name: string | undefined): string | undefined {
  const sheets = reader.model?.sheets;
  if (!sheets || !reader.workbookRels) return undefined;
  const sheet =
    name === undefined
      ? sheets[0]
      : (sheets.find((s) => s.name === name) ??
        sheets.find((s) => s.name.toLowerCase() === name.toLowerCase()));
  const rel = sheet && reader.workbookRels.find((r) => r.Id === sheet.rId);
  return rel && /worksheets\/sheet(\d+)\.xml$/.exec(rel.Target)?.[1];
}

/** Whether a sheet may be the one wanted: unknown until the sheet list and its relationships are read. */
function mayBeWanted(reader: ReaderParts, sheetNo: string, name: string | undefined): boolean {
  if (!reader.model?.sheets || !reader.workbookRels) return true;
  return wantedSheet(reader, name) === sheetNo;
}

/** A sheet's name by its file number (sheetN.xml); `SheetN` when the workbook does not say. */
function sheetName(reader: ReaderParts, sheetNo: string): string {
  const rel = reader.workbookRels?.find((r) => r.Target.endsWith(`worksheets/sheet${sheetNo}.xml`));
  const sheet = rel && reader.model?.sheets?.find((s) => s.rId === rel.Id);
  return sheet?.name ?? `Sheet${sheetNo}`;
}

function firstSpooled(spooled: Map<string, string>): string | undefined {
  return [...spooled.keys()].sort((a, b) => Number(a) - Number(b))[0];
}

function sheetNotFound(reader: ReaderParts, name: string): HttpProblem {
  const sheets = (reader.model?.sheets ?? []).map((s) => s.name);
  return new HttpProblem(
    'sheet_not_found',
    `The workbook has no sheet named ${JSON.stringify(name)}; its sheets are ${sheets.map((s) => JSON.stringify(s)).join(', ') || 'none'}.`,
    { extra: { sheets } },
  );
}

/** One sheet's rows as CSV lines, row N on line N. */
async function* sheetCsv(
  reader: ReaderParts,
  xml: Readable | Transform,
  sheetNo: string,
): AsyncGenerator<Uint8Array> {
  const [event] = [...reader._parseWorksheet(xml, sheetNo)];
  if (!event) throw invalidWorkbook(`sheet ${sheetNo} cannot be read`);
  const date1904 = reader.properties?.date1904 === true;
  let width: number | undefined;
  const held: string[][] = [];
  let line = 0;
  const write = (fields: string[]) => {
    const padded =
      fields.length < width! ? [...fields, ...Array(width! - fields.length).fill('')] : fields;
    return Buffer.from(csvLine(padded));
  };
  const blankLines = (upTo: number) => {
    const count = upTo - line - 1;
    line = upTo;
    return count > 0 ? Buffer.from('\n'.repeat(count)) : undefined;
  };
  let pendingGap: Array<number> = [];
  for await (const row of event.value) {
    if (!(row.number > line && row.number <= MAX_SHEET_ROWS)) {
      throw invalidWorkbook(
        `row ${row.number} of the sheet is out of order or beyond row ${MAX_SHEET_ROWS}`,
      );
    }
    const fields: string[] = [];
    row.eachCell({ includeEmpty: false }, (cell, column) => {
      while (fields.length < column - 1) fields.push('');
      fields[column - 1] = cellText(cell.value, cell.numFmt, date1904);
    });
    if (width === undefined) {
      // Held until the width is known: the first WIDTH_ROWS rows.
      pendingGap.push(row.number);
      held.push(fields);
      if (held.length < WIDTH_ROWS) continue;
      width = Math.max(1, ...held.map((f) => f.length));
      yield* flushHeld(held, pendingGap, blankLines, write);
      pendingGap = [];
      continue;
    }
    const gap = blankLines(row.number);
    if (gap) yield gap;
    yield write(fields);
  }
  if (width === undefined) {
    width = Math.max(1, ...held.map((f) => f.length));
    yield* flushHeld(held, pendingGap, blankLines, write);
  }
}

function* flushHeld(
  held: string[][],
  numbers: number[],
  blankLines: (upTo: number) => Buffer | undefined,
  write: (fields: string[]) => Buffer,
): Generator<Buffer> {
  for (const [i, fields] of held.entries()) {
    const gap = blankLines(numbers[i]!);
    if (gap) yield gap;
    yield write(fields);
  }
  held.length = 0;
}
