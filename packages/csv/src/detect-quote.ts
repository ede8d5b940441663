import { wholeRecords } from './detect-delimiter.ts';
import { firstRecords } from './first-records.ts';

export const QUOTE_CANDIDATES = ['"', "'"] as const;
/** A quote character Sluice reads (detected or given). */
export type Quote = (typeof QUOTE_CANDIDATES)[number];

export interface QuoteGuess {
  quote: Quote;
  /** Fields of the sample that open with the chosen quote (0: nothing quoted). */
  quotedFields: number;
}

/** Fields that open with `quote`: at the start of a line or right after the delimiter. */
function fieldsOpeningWith(text: string, quote: string, delimiter: string): number {
  let count = 0;
  for (let at = text.indexOf(quote); at !== -1; at = text.indexOf(quote, at + 1)) {
    const before = at === 0 ? '\n' : text[at - 1]!;
    if (before === delimiter || before === '\n' || before === '\r') count += 1;
  }
  return count;
}

/**
 * The quote character of a file, from the start of it (UTF-8 text, the
 * delimiter known). Double quotes unless the evidence for single quotes is
 * unambiguous: no field opens with a double quote, at least two open with a
 * single quote, and reading the sample with single quotes gives no record
 * error (a stray apostrophe at a field's start, as in `'90s`, would). A
 * file that quotes nothing reads the same either way and keeps the default.
 */
export function detectQuote(
  text: string,
  complete: boolean,
  delimiter: string,
  maxRecords = 200,
): QuoteGuess {
  const body = wholeRecords(text, complete);
  const doubles = fieldsOpeningWith(body, '"', delimiter);
  const singles = fieldsOpeningWith(body, "'", delimiter);
  if (doubles > 0 || singles < 2) return { quote: '"', quotedFields: doubles };
  const records = firstRecords(body, { delimiter, quote: "'", maxFields: 10_000 }, maxRecords);
  if (records.some((record) => 'error' in record)) return { quote: '"', quotedFields: 0 };
  return { quote: "'", quotedFields: singles };
}
