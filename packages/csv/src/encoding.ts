/**
 * Input encodings Sluice reads, by their WHATWG names (what the platform's
 * TextDecoder decodes; Node has them all through ICU). Everything is
 * transcoded to UTF-8 at the door (the API), so chunks, workers and outputs
 * only ever see UTF-8. UTF-16 is found by BOM or NUL pattern; the 8-bit and
 * East Asian ones by the detector (legacy-encoding.ts) or the request.
 */
export const INPUT_ENCODINGS = [
  'utf-8',
  'utf-16le',
  'utf-16be',
  'windows-1252',
  'windows-1250',
  'windows-1251',
  'windows-1253',
  'windows-1254',
  'windows-1255',
  'windows-1256',
  'windows-1257',
  'windows-1258',
  'windows-874',
  'iso-8859-2',
  'iso-8859-5',
  'iso-8859-6',
  'iso-8859-7',
  'iso-8859-8',
  'iso-8859-15',
  'koi8-r',
  'shift_jis',
  'euc-jp',
  'euc-kr',
  'big5',
  'gbk',
  'gb18030',
] as const;
export type InputEncoding = (typeof INPUT_ENCODINGS)[number];

/**
 * The encoding an encoding label names (any WHATWG label: `latin1`,
 * `ISO-8859-1`, `cp1252`, `sjis`, ...), if Sluice reads it.
 */
export function inputEncodingOf(label: string): InputEncoding | undefined {
  let name: string;
  try {
    name = new TextDecoder(label.trim()).encoding;
  } catch {
    return undefined;
  }
  return (INPUT_ENCODINGS as readonly string[]).includes(name)
    ? (name as InputEncoding)
    : undefined;
}

/** How a file's encoding was decided, reported with the job. */
export interface EncodingDecision {
  encoding: InputEncoding;
  /**
   * 'request'; 'bom'; 'nul-pattern' (UTF-16 without BOM); 'ascii' (no byte
   * above 0x7F: every candidate reads it the same); 'valid-utf8'; 'mostly-utf8'
   * (some invalid sequences, reported per row as invalid_encoding);
   * 'detector' (not UTF-8: the statistical detector chose).
   */
  source: 'request' | 'bom' | 'nul-pattern' | 'ascii' | 'valid-utf8' | 'mostly-utf8' | 'detector';
  /** 0..1: how strongly the evidence supports it (1 for a request, a BOM, ASCII). */
  confidence: number;
  /** What the decision rests on, for people (absent when obvious). */
  note?: string;
}

export class InvalidEncodingError extends Error {
  readonly code = 'invalid_encoding';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEncodingError';
  }
}

/**
 * Decodes one encoding into UTF-8 bytes piece by piece. UTF-8 passes through
 * untouched (invalid sequences are found and reported per row later, never
 * replaced). Other encodings decode strictly: a byte sequence the encoding
 * does not define fails with InvalidEncodingError (never a silent U+FFFD).
 */
export class Utf8Transcoder {
  private readonly decision: EncodingDecision;
  private readonly decoder: InstanceType<typeof TextDecoder> | undefined;
  private readonly encoder = new TextEncoder();

  constructor(decision: EncodingDecision) {
    this.decision = decision;
    this.decoder =
      decision.encoding === 'utf-8'
        ? undefined
        : new TextDecoder(decision.encoding, { fatal: true });
  }

  /** The UTF-8 of `piece` (or of its completed characters); `last` flushes. */
  push(piece: Uint8Array, last = false): Uint8Array {
    if (!this.decoder) return piece;
    try {
      return this.encoder.encode(this.decoder.decode(piece, { stream: !last }));
    } catch (error) {
      if (error instanceof TypeError) throw this.invalid();
      throw error;
    }
  }

  private invalid(): InvalidEncodingError {
    const { encoding, source, confidence } = this.decision;
    const how =
      source === 'request'
        ? 'as requested'
        : `(detected: ${source}, confidence ${confidence.toFixed(2)})`;
    return new InvalidEncodingError(`The file is not valid ${encoding.toUpperCase()} text ${how}.`);
  }
}
