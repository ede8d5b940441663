import { parseRecords } from './parse.ts';

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
    const counts = parseRecords(body, { delimiter, quote, maxFields: 10_000 })
      .slice(0, maxRecords)
      .flatMap((r) =>
        'fields' in r && !(r.fields.length === 1 && r.fields[0] === '') ? [r.fields.length] : [],
      );
    if (counts.length === 0) continue;
    const freq = new Map<number, number>();
    for (const n of counts) freq.set(n, (freq.get(n) ?? 0) + 1);
    const [modal, hits] = [...freq.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]!;
    if (modal < 2) continue;
    const confidence = hits / counts.length;
    // Consistency first; among equally consistent splits, more fields wins
    // (a comma inside semicolon-separated values splits fewer rows evenly).
    const score = confidence * 1000 + Math.min(modal, 999);
    if (score > bestScore) {
      bestScore = score;
      best = { delimiter, confidence, fields: modal };
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
