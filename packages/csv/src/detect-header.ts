import { wholeRecords } from './detect-delimiter.ts';
import { firstRecords } from './first-records.ts';

/** The kinds of value that name data, not a column: a header cell of one of these is data. */
const DATA_KINDS = {
  // Before numbers, which 30.11.2026 would also match.
  date: /^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$/,
  number: /^[-+]?\d[\d.,\s]*$/, // numbers, amounts
  email: /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
} as const;
type DataKind = keyof typeof DATA_KINDS;

/** The kind of data a cell holds (number, e-mail, date), or undefined for text such as a name. */
export function dataKindOf(value: string): DataKind | undefined {
  const trimmed = value.trim();
  for (const kind of Object.keys(DATA_KINDS) as DataKind[]) {
    if (DATA_KINDS[kind].test(trimmed)) return kind;
  }
  return undefined;
}

/** Most lines above the header taken as a title (an export's title, a date, blank lines). */
export const MAX_TITLE_LINES = 10;

/** Share of a column's other values that must be of the first row's kind for it to be data. */
const SAME_KIND_SHARE = 0.8;

export interface HeaderLayout {
  /** Lines above the header to skip: titles and blank lines (records, each one line). */
  titleLines: number;
  /**
   * The first record after the titles is data, not names: every cell of it
   * is a number, an e-mail address or a date, and so are the other values of
   * its column. False when anything speaks for a header.
   */
  firstRowIsData: boolean;
  /** Fields of the first record after the titles (the header's, or the first row's). */
  width: number;
}

/**
 * Where the header is, from the start of a file (UTF-8 text, dialect
 * known). Conservative: a file whose first line names two or more columns
 * always keeps that line as its header, unless every one of its cells is
 * data of the kind its column holds.
 *
 * Title lines: the records before the first one with two or more non-empty
 * fields, when each has at most one (a title, a date, a blank line; what a
 * spreadsheet saved as CSV writes as `Export of 2026-11-30,,,`), there are
 * at most MAX_TITLE_LINES of them, and the record after them has the field
 * count most records that follow have.
 */
export function detectHeaderLayout(
  text: string,
  complete: boolean,
  dialect: { delimiter: string; quote: string },
  maxRecords = 200,
): HeaderLayout {
  const records = firstRecords(
    wholeRecords(text, complete),
    { ...dialect, maxFields: 10_000 },
    maxRecords,
  ).map((record) => ('fields' in record ? record.fields : undefined));
  const filled = (fields: string[] | undefined) =>
    fields === undefined ? 0 : fields.filter((f) => f.trim() !== '').length;
  const start = records.findIndex((fields) => filled(fields) >= 2);
  let titleLines = 0;
  // A record that cannot be read (an unclosed quote) is no title line.
  const readable = records.slice(0, Math.max(start, 0)).every((fields) => fields !== undefined);
  if (start > 0 && start <= MAX_TITLE_LINES && readable) {
    const width = records[start]!.length;
    const after = records.slice(start + 1).filter((fields) => fields && filled(fields) > 0);
    const sameWidth = after.filter((fields) => fields!.length === width).length;
    // The candidate header must look like the records after it (or be all there is).
    if (after.length === 0 || sameWidth * 2 > after.length) titleLines = start;
  }
  const rest = records.slice(titleLines);
  return {
    titleLines,
    firstRowIsData: firstRowIsData(rest),
    width: Math.max(rest[0]?.length ?? 1, 1),
  };
}

function firstRowIsData(records: Array<string[] | undefined>): boolean {
  const [first, ...rest] = records;
  if (!first || first.length === 0) return false;
  const kinds = first.map(dataKindOf);
  if (kinds.some((kind) => kind === undefined)) return false;
  const rows = rest.filter((fields): fields is string[] => fields !== undefined);
  if (rows.length === 0) return false;
  return kinds.every((kind, column) => {
    const values = rows.map((fields) => fields[column]?.trim() ?? '').filter((v) => v !== '');
    if (values.length === 0) return false;
    const same = values.filter((value) => dataKindOf(value) === kind).length;
    return same >= values.length * SAME_KIND_SHARE;
  });
}
