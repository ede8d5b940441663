import type { EncodingDecision } from './encoding.ts';
import { detectLegacyEncoding } from './legacy-encoding.ts';
import { utf8Evidence } from './utf8-evidence.ts';

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * UTF-8 or UTF-16 announced by a BOM, or UTF-16 without BOM: NUL bytes in
 * every other position (what mostly-ASCII text in UTF-16 looks like).
 */
export function detectBomOrUtf16(sample: Uint8Array): EncodingDecision | undefined {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf)
    return { encoding: 'utf-8', source: 'bom', confidence: 1 };
  if (sample[0] === 0xff && sample[1] === 0xfe)
    return { encoding: 'utf-16le', source: 'bom', confidence: 1 };
  if (sample[0] === 0xfe && sample[1] === 0xff)
    return { encoding: 'utf-16be', source: 'bom', confidence: 1 };
  const pairs = Math.min(sample.length >> 1, 4096);
  if (pairs < 2) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < pairs; i++) {
    if (sample[2 * i] === 0) evenNul++;
    if (sample[2 * i + 1] === 0) oddNul++;
  }
  if (oddNul > pairs * 0.6 && evenNul < pairs * 0.05)
    return { encoding: 'utf-16le', source: 'nul-pattern', confidence: round2(oddNul / pairs) };
  if (evenNul > pairs * 0.6 && oddNul < pairs * 0.05)
    return { encoding: 'utf-16be', source: 'nul-pattern', confidence: round2(evenNul / pairs) };
  return undefined;
}

/**
 * Decides from bytes that hold non-ASCII text (the sniffed sample, or a
 * window from the first byte above 0x7F): UTF-8 unless the evidence is
 * against it. Mistakes are not symmetric: UTF-8 read as Windows-1252 turns
 * every accent into mojibake without a single error, while a legacy file
 * read as UTF-8 gets each affected row reported as invalid_encoding. So a
 * sample with at least as many valid multi-byte UTF-8 sequences as invalid
 * ones is UTF-8 (its few bad bytes become per-row errors), and only a sample
 * where invalid sequences dominate goes to the legacy detector.
 */
export function decideFromEvidence(bytes: Uint8Array, complete: boolean): EncodingDecision {
  const { valid, invalid } = utf8Evidence(bytes, complete);
  if (invalid === 0) return { encoding: 'utf-8', source: 'valid-utf8', confidence: 1 };
  const total = valid + invalid;
  const counted = `${invalid} of ${total} non-ASCII sequences in the sample are not valid UTF-8`;
  if (valid >= invalid) {
    return {
      encoding: 'utf-8',
      source: 'mostly-utf8',
      confidence: round2(valid / total),
      note: `${counted}; their rows are reported as invalid_encoding`,
    };
  }
  const legacy = detectLegacyEncoding(bytes);
  // The detector's confidence, lowered by whatever valid UTF-8 was seen.
  return {
    encoding: legacy?.encoding ?? 'windows-1252',
    source: 'detector',
    confidence: round2((legacy?.confidence ?? 0.1) * (invalid / total)),
    note: legacy ? counted : `${counted}; the detector named no encoding, read as Windows-1252`,
  };
}
