/**
 * Input encodings Sluice reads. Everything is transcoded to UTF-8 at the door
 * (the API), so chunks, workers and outputs only ever see UTF-8.
 */
export const INPUT_ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252'] as const;
export type InputEncoding = (typeof INPUT_ENCODINGS)[number];

export interface EncodingGuess {
  encoding: InputEncoding;
  /** How it was decided, for the job's report. */
  reason: 'bom' | 'nul-pattern' | 'valid-utf8' | 'not-utf8';
}

/**
 * Decides a file's encoding from its first bytes: a BOM wins; UTF-16 without
 * BOM shows as NUL bytes in every other position (for mostly-ASCII CSV);
 * otherwise a sample that decodes as strict UTF-8 is UTF-8, and one that does
 * not is taken as Windows-1252 (what Excel on Windows writes). `complete`
 * says the sample is the whole file (so a cut multi-byte character at its end
 * is an error, not an artefact of sampling).
 */
export function detectEncoding(sample: Uint8Array, complete: boolean): EncodingGuess {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf)
    return { encoding: 'utf-8', reason: 'bom' };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', reason: 'bom' };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf-16be', reason: 'bom' };
  const pairs = Math.min(sample.length >> 1, 4096);
  if (pairs >= 2) {
    let evenNul = 0;
    let oddNul = 0;
    for (let i = 0; i < pairs; i++) {
      if (sample[2 * i] === 0) evenNul++;
      if (sample[2 * i + 1] === 0) oddNul++;
    }
    if (oddNul > pairs * 0.6 && evenNul < pairs * 0.05)
      return { encoding: 'utf-16le', reason: 'nul-pattern' };
    if (evenNul > pairs * 0.6 && oddNul < pairs * 0.05)
      return { encoding: 'utf-16be', reason: 'nul-pattern' };
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: !complete });
    return { encoding: 'utf-8', reason: 'valid-utf8' };
  } catch {
    return { encoding: 'windows-1252', reason: 'not-utf8' };
  }
}

/**
 * Streams `source` as UTF-8. UTF-8 passes through untouched (invalid sequences
 * are found and reported per row later, never replaced). UTF-16 is decoded
 * strictly: an unpaired surrogate fails the stream with a clear error.
 */
export async function* transcodeToUtf8(
  source: AsyncIterable<Uint8Array>,
  encoding: InputEncoding,
): AsyncGenerator<Uint8Array> {
  if (encoding === 'utf-8') {
    yield* source;
    return;
  }
  const decoder = new TextDecoder(encoding, { fatal: encoding !== 'windows-1252' });
  const encoder = new TextEncoder();
  try {
    for await (const piece of source) {
      const text = decoder.decode(piece, { stream: true });
      if (text) yield encoder.encode(text);
    }
    const rest = decoder.decode();
    if (rest) yield encoder.encode(rest);
  } catch (error) {
    if (error instanceof TypeError) {
      throw new InvalidEncodingError(`The file is not valid ${encoding.toUpperCase()} text.`);
    }
    throw error;
  }
}

export class InvalidEncodingError extends Error {
  readonly code = 'invalid_encoding';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEncodingError';
  }
}
