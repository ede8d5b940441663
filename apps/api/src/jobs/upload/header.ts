import { partOutputName } from '@sluice/contract';
import { dataKindOf, parseRecords } from '@sluice/csv';
import { type ColumnRequest, NAME_SPLIT_PARTS } from '@sluice/normalize';
import { HttpProblem } from '../../http/problem.ts';
import { requireStorableText } from '../../http/storable-text.ts';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads the column names from the header record. A header that looks like
 * data in part (a number or e-mail address among names) is refused up
 * front, unless the request says the file has a header (`header=true`):
 * files whose first row is wholly data are found before (detectHeaderLayout)
 * and get generated names; anything in between is the user's to say, since
 * guessing would silently mislabel their data or lose a row.
 */
export function readHeaderNames(
  header: Buffer,
  maxColumns: number,
  dialect: { delimiter?: string; quote?: string; headerForced?: boolean } = {},
): string[] {
  const { delimiter = ',', quote = '"' } = dialect;
  let text: string;
  try {
    text = strictUtf8.decode(header);
  } catch {
    throw new HttpProblem(
      'invalid_encoding',
      'The first line of the file is not valid UTF-8 text; save the file as UTF-8 CSV.',
    );
  }
  const [record] = parseRecords(text, { maxFields: maxColumns, delimiter, quote });
  if (!record)
    throw new HttpProblem(
      'missing_header',
      'The first line of the file is empty; it must name the columns.',
    );
  if ('error' in record) {
    const code = record.error.code === 'too_many_fields' ? 'too_many_columns' : 'malformed_header';
    throw new HttpProblem(code, `The header line could not be read: ${record.error.message}`);
  }
  const names = record.fields.map((f) => f.trim());
  if (names.every((n) => n === '')) {
    throw new HttpProblem(
      'missing_header',
      'The first line of the file is empty; it must name the columns.',
    );
  }
  const dataLike = dialect.headerForced ? undefined : names.find((n) => dataKindOf(n));
  if (dataLike !== undefined) {
    throw new HttpProblem(
      'missing_header',
      `The first line looks like data (${JSON.stringify(dataLike.slice(0, 80))}), not column names; add a header line, or say header=false (generated column names column_1, ...) or header=true (the first line is the header).`,
    );
  }
  const seen = new Map<string, number>();
  return names.map((name, index) => {
    if (name === '') {
      throw new HttpProblem(
        'invalid_header',
        `Column ${index + 1} has no name in the header line.`,
      );
    }
    // Column names are stored (jsonb) with the job.
    requireStorableText(name, `The name of column ${index + 1} in the header line`);
    const key = name.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      throw new HttpProblem(
        'duplicate_column',
        `Columns ${first + 1} and ${index + 1} are both named ${JSON.stringify(name)}.`,
      );
    }
    seen.set(key, index);
    return name;
  });
}

/** Names for the columns of a file without a header: column_1, column_2, ... */
export function generatedHeaderNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `column_${i + 1}`);
}

/**
 * The output header of a job: each column's `rename`, else its own name,
 * without the dropped columns (requests match header names
 * case-insensitively, as in the profiler). Two columns with one output name
 * (case aside) would write a file with a duplicate header: refused as the
 * input header's duplicates are. Dropping every column would leave nothing
 * to write: refused as an option that cannot be used with this file.
 */
export function requireUsableOutputHeader(
  names: readonly string[],
  requests: Readonly<Record<string, ColumnRequest>>,
): void {
  const renames = new Map<string, string>();
  const dropped = new Set<string>();
  const split = new Set<string>();
  for (const [name, request] of Object.entries(requests)) {
    if (request.rename !== undefined) renames.set(name.toLowerCase(), request.rename);
    if (request.drop === true) dropped.add(name.toLowerCase());
    if (request.split === true) split.add(name.toLowerCase());
  }
  const kept = names.filter((name) => !dropped.has(name.toLowerCase()));
  if (kept.length === 0) {
    throw new HttpProblem(
      'invalid_option',
      `columns drops every column of the file (${names.map((n) => JSON.stringify(n)).join(', ')}); nothing would be left to write. Keep at least one.`,
    );
  }
  const seen = new Map<string, string>();
  for (const name of kept) {
    const base = renames.get(name.toLowerCase()) ?? name;
    // A split name writes its parts too, each under a name of its own.
    const outputs = split.has(name.toLowerCase())
      ? [base, ...NAME_SPLIT_PARTS.map((part) => partOutputName(base, part))]
      : [base];
    for (const output of outputs) {
      const key = output.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) {
        throw new HttpProblem(
          'duplicate_column',
          `Columns ${JSON.stringify(first)} and ${JSON.stringify(name)} would both be named ${JSON.stringify(output)} in the output; rename one of them differently.`,
          { extra: { columns: [first, name], outputName: output } },
        );
      }
      seen.set(key, name);
    }
  }
}
