import { analyse } from 'chardet';
import { type InputEncoding, inputEncodingOf } from './encoding.ts';

/** Candidates of chardet's ranking looked at more closely. */
const CANDIDATES = 6;

const LETTER = /\p{L}/u;

/**
 * Share of the non-ASCII characters of `bytes` decoded as `encoding` that are
 * letters, or -1 when `bytes` is not valid in that encoding at all.
 */
function letterShare(bytes: Uint8Array, encoding: InputEncoding): number {
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return -1;
  }
  let other = 0;
  let letters = 0;
  for (const char of text) {
    if (char.charCodeAt(0) < 0x80) continue;
    if (LETTER.test(char)) letters += 1;
    else other += 1;
  }
  return letters + other === 0 ? 1 : letters / (letters + other);
}

/**
 * Names the legacy (not UTF-8) encoding of `bytes` with chardet, a port of
 * ICU's statistical detector, among the encodings the platform's TextDecoder
 * reads that keep ASCII as ASCII (the splitter needs delimiters, quotes and
 * line breaks to be the ASCII bytes). chardet's byte statistics are weak on
 * short samples (a column of kanji names ranks Windows-1252 above
 * Shift_JIS), so its top candidates are checked by decoding: one that cannot
 * decode the sample is dropped, and each score is multiplied by the square of
 * the share of letters among the decoded non-ASCII characters (kanji read as
 * Windows-1252 come out as punctuation and symbols). Confidence 0..1.
 */
export function detectLegacyEncoding(
  bytes: Uint8Array,
): { encoding: InputEncoding; confidence: number } | undefined {
  let best: { encoding: InputEncoding; confidence: number } | undefined;
  const seen = new Set<InputEncoding>();
  for (const match of analyse(bytes)) {
    const encoding = inputEncodingOf(match.name);
    if (!encoding || encoding === 'utf-8' || encoding.startsWith('utf-16')) continue;
    if (seen.has(encoding)) continue;
    seen.add(encoding);
    const share = letterShare(bytes, encoding);
    const confidence = share < 0 ? -1 : Math.min(1, (match.confidence / 100) * share * share);
    if (confidence >= 0 && (!best || confidence > best.confidence)) best = { encoding, confidence };
    if (seen.size >= CANDIDATES) break;
  }
  return best;
}
