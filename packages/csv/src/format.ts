import { checkDialectBytes, DEFAULT_QUOTE, dialectByte } from './dialect.ts';

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
 * One CSV record ending in '\n'. A field is quoted only when it has to be, so
 * the output stays readable and diffs cleanly; inner quotes are doubled.
 */
export function formatRecord(fields: readonly string[], delimiter = ','): string {
  const re = needsQuotes(delimiter);
  // A single empty field would be a blank line, which many readers skip:
  // write it as "" so the row survives.
  if (fields.length === 1 && fields[0] === '') return '""\n';
  let line = '';
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    if (i > 0) line += delimiter;
    line += re.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
  }
  return `${line}\n`;
}
