import { checkDialectBytes, DEFAULT_QUOTE, dialectByte } from './dialect.ts';
import { neutralizeFormula } from './formula.ts';

// Per delimiter, a test for "this field must be quoted". Cached: formatRecord
// runs once per output row.
const needsQuotesCache = new Map<string, RegExp>();

function needsQuotes(delimiter: string): RegExp {
  let re = needsQuotesCache.get(delimiter);
  if (!re) {
    checkDialectBytes(DEFAULT_QUOTE, dialectByte('delimiter', delimiter));
    const d = delimiter.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
    // Delimiter, quote, CR, LF anywhere; or leading/trailing space or tab,
    // which many readers would trim away.
    re = new RegExp(`[${d}"\\r\\n]|^[ \\t]|[ \\t]$`);
    needsQuotesCache.set(delimiter, re);
  }
  return re;
}

/**
 * One CSV record ending in '\n', fields written as given (internal: the
 * package exports formatSafeRecord, which neutralizes formulas). A field is quoted only when it has to be, so
 * the output stays readable and diffs cleanly; inner quotes are doubled.
 */
export function formatRecord(fields: readonly string[], delimiter = ','): string {
  return writeRecord(fields, delimiter, undefined);
}

/**
 * formatRecord with formula neutralizing (see formatSafeRecord) in the same
 * pass: one line per output row, no intermediate array of cells.
 */
function writeRecord(
  fields: readonly string[],
  delimiter: string,
  formulaSafe: readonly boolean[] | undefined,
): string {
  const re = needsQuotes(delimiter);
  // A single empty field would be a blank line, which many readers skip:
  // write it as "" so the row survives (neutralizing leaves '' as it is).
  if (fields.length === 1 && fields[0] === '') return '""\n';
  let line = '';
  for (let i = 0; i < fields.length; i++) {
    const field =
      formulaSafe === undefined || formulaSafe[i] ? fields[i]! : neutralizeFormula(fields[i]!);
    if (i > 0) line += delimiter;
    line += re.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
  }
  return `${line}\n`;
}

export interface SafeRecordOptions {
  delimiter?: string;
  /**
   * Per field: true where the value cannot be a formula by construction, so
   * it is written as it is (a normalized number such as -5 must stay -5).
   * The exemption is explicit, field by field; every other field is
   * neutralized.
   */
  formulaSafe?: readonly boolean[];
}

/**
 * One CSV record for people who open it in a spreadsheet: every field goes
 * through neutralizeFormula unless `formulaSafe` exempts it. The only CSV
 * writer @sluice/csv exports, so no file Sluice writes (results, their
 * header line, error reports) can carry a formula from its input: raw header
 * names, rejected values and messages that quote them included.
 */
export function formatSafeRecord(
  fields: readonly string[],
  options: SafeRecordOptions = {},
): string {
  // Without `formulaSafe`, a table that exempts nothing: every field is neutralized.
  return writeRecord(fields, options.delimiter ?? ',', options.formulaSafe ?? NOTHING_SAFE);
}

/**
 * The values formatSafeRecord writes, unquoted: what a reader of its line
 * gets back (an import stages these, as if read from its chunk's output).
 */
export function safeFields(
  fields: readonly string[],
  options: Pick<SafeRecordOptions, 'formulaSafe'> = {},
): string[] {
  const { formulaSafe } = options;
  return fields.map((field, i) => (formulaSafe?.[i] ? field : neutralizeFormula(field)));
}

/** No field is exempt from neutralizing (formatSafeRecord without formulaSafe). */
const NOTHING_SAFE: readonly boolean[] = [];
