import { firstRecords } from './first-records.ts';
import type { ParsedRecord } from './parse.ts';

export const DELIMITER_CANDIDATES = [',', ';', '\t', '|'] as const;
/** A field delimiter Sluice reads (detected or given). */
export type Delimiter = (typeof DELIMITER_CANDIDATES)[number];

export interface DelimiterGuess {
  delimiter: Delimiter;
  /** 0..1: share of sampled records that have the modal field count. */
  confidence: number;
  fields: number;
}

/**
 * Picks the delimiter under which the sample's records most consistently
 * split into the same number (> 1) of fields. `text` is the start of a file
 * in UTF-8; a possibly cut last record is ignored unless `complete`.
 */
export function detectDelimiter(
  text: string,
  complete: boolean,
  maxRecords = 50,
  quote = '"',
): DelimiterGuess {
  let best: DelimiterGuess = { delimiter: ',', confidence: 0, fields: 1 };
  let bestScore = -1;
  const body = wholeRecords(text, complete);
  for (const delimiter of DELIMITER_CANDIDATES) {
    const split = modalFieldCount(
      firstRecords(body, { delimiter, quote, maxFields: 10_000 }, maxRecords),
    );
    if (split === undefined || split.modal < 2) continue;
    const confidence = split.hits / split.counted;
    // Consistency first; among equally consistent splits, more fields wins
    // (a comma inside semicolon-separated values splits fewer rows evenly).
    const score = confidence * 1000 + Math.min(split.modal, 999);
    if (score > bestScore) {
      bestScore = score;
      best = { delimiter, confidence, fields: split.modal };
    }
  }
  return best;
}

/**
 * The sample up to its last line break (LF, CR or CRLF), which ends the
 * last whole record; all of it when it is the whole file (or has no break).
 */
export function wholeRecords(text: string, complete: boolean): string {
  const cut = complete ? text.length : Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r')) + 1;
  return text.slice(0, cut > 0 ? cut : text.length);
}

/**
 * The most frequent field count of the records that have fields (errors and
 * empty lines left out), ties to the larger count; how many records had it
 * and how many were counted. Undefined when none was.
 */
function modalFieldCount(
  records: readonly ParsedRecord[],
): { modal: number; hits: number; counted: number } | undefined {
  const freq = new Map<number, number>();
  let counted = 0;
  for (const record of records) {
    if (!('fields' in record)) continue;
    const { fields } = record;
    if (fields.length === 1 && fields[0] === '') continue;
    counted += 1;
    freq.set(fields.length, (freq.get(fields.length) ?? 0) + 1);
  }
  if (counted === 0) return undefined;
  let modal = 0;
  let hits = 0;
  for (const [n, h] of freq) {
    if (h > hits || (h === hits && n > modal)) {
      modal = n;
      hits = h;
    }
  }
  return { modal, hits, counted };
}
