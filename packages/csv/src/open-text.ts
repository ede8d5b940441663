import { isAscii } from 'node:buffer';
import { decideFromEvidence, detectBomOrUtf16 } from './decide-encoding.ts';
import { type EncodingDecision, type InputEncoding, Utf8Transcoder } from './encoding.ts';
import { CsvInputError } from './errors.ts';
import { detectBinary, detectNotText, type NotText } from './not-text.ts';
import { peek } from './peek.ts';
import { firstNonAscii } from './utf8-evidence.ts';

export interface CsvText {
  /** The first bytes, decoded leniently: for sniffing the delimiter, never stored. */
  sampleText: string;
  /** The sample is the whole file. */
  complete: boolean;
  /** The whole file as UTF-8 (invalid UTF-8 in a UTF-8 file passes through, for per-row errors). */
  stream: AsyncIterable<Uint8Array>;
  /**
   * How the encoding was decided. Final once `stream` has ended; until then a
   * file that was all ASCII so far says so (`source: 'ascii'`).
   */
  encoding(): EncodingDecision;
}

const notCsv = ({ detected, description }: NotText) =>
  new CsvInputError(
    'not_csv',
    `The upload is not CSV text: it looks like ${description}.`,
    undefined,
    detected,
  );

/**
 * Opens an upload as UTF-8 text. From the first `sniffBytes`: refuses what is
 * not text (file signatures, UTF-32, binary), then decides the encoding: the
 * request's; a BOM; UTF-16 by its NUL pattern; else from the UTF-8 evidence
 * of the non-ASCII bytes (decide-encoding.ts). A file whose first `sniffBytes`
 * are plain ASCII is not decided yet: ASCII reads the same in every candidate,
 * so it passes through until the first byte above 0x7F, wherever it is, and
 * the decision is made on a window of `sniffBytes` from there.
 */
export async function openCsvText(
  source: AsyncIterable<Uint8Array>,
  options: { sniffBytes: number; encoding?: InputEncoding | undefined },
): Promise<CsvText> {
  const { sample, complete, stream } = await peek(source, options.sniffBytes);
  const notText = detectNotText(sample);
  if (notText) throw notCsv(notText);
  let decision: EncodingDecision | undefined = options.encoding
    ? { encoding: options.encoding, source: 'request', confidence: 1 }
    : detectBomOrUtf16(sample);
  if (!decision?.encoding.startsWith('utf-16')) {
    const binary = detectBinary(sample);
    if (binary) throw notCsv(binary);
  }
  if (!decision && (complete || firstNonAscii(sample) !== -1)) {
    decision = firstNonAscii(sample) === -1 ? ascii() : decideFromEvidence(sample, complete);
  }
  const sampleText = new TextDecoder(decision?.encoding ?? 'utf-8').decode(sample);
  if (decision) {
    const decided = decision;
    return { sampleText, complete, stream: transcode(stream, decided), encoding: () => decided };
  }
  let current = ascii();
  return {
    sampleText,
    complete,
    stream: decideLater(stream, options.sniffBytes, (d) => {
      current = d;
    }),
    encoding: () => current,
  };
}

const ascii = (): EncodingDecision => ({ encoding: 'utf-8', source: 'ascii', confidence: 1 });

async function* transcode(
  source: AsyncIterable<Uint8Array>,
  decision: EncodingDecision,
): AsyncGenerator<Uint8Array> {
  const transcoder = new Utf8Transcoder(decision);
  for await (const piece of source) {
    const out = transcoder.push(piece);
    if (out.byteLength > 0) yield out;
  }
  const rest = transcoder.push(new Uint8Array(0), true);
  if (rest.byteLength > 0) yield rest;
}

/**
 * Passes ASCII through until the first byte above 0x7F, then holds a window
 * of `windowBytes` from there (or up to the end), decides on it and
 * transcodes the window and the rest.
 */
async function* decideLater(
  source: AsyncIterable<Uint8Array>,
  windowBytes: number,
  decided: (decision: EncodingDecision) => void,
): AsyncGenerator<Uint8Array> {
  let offset = 0; // bytes passed through as ASCII
  let window: Buffer[] = [];
  let held = 0;
  let transcoder: Utf8Transcoder | undefined;
  const decide = (last: boolean): Uint8Array => {
    const bytes = Buffer.concat(window);
    window = [];
    const decision = decideFromEvidence(bytes, last);
    const where = `the first byte above 0x7F is at byte ${offset}`;
    decision.note = decision.note ? `${where}; ${decision.note}` : where;
    decided(decision);
    transcoder = new Utf8Transcoder(decision);
    return transcoder.push(bytes, last);
  };
  for await (const piece of source) {
    if (transcoder) {
      const out = transcoder.push(piece);
      if (out.byteLength > 0) yield out;
      continue;
    }
    if (held === 0) {
      if (isAscii(piece)) {
        offset += piece.byteLength;
        yield piece;
        continue;
      }
      const at = firstNonAscii(piece);
      // Copied: the source may reuse its buffer once asked for the next piece.
      window.push(Buffer.from(piece.subarray(at)));
      held = piece.byteLength - at;
      offset += at;
      if (at > 0) yield piece.subarray(0, at);
    } else {
      window.push(Buffer.from(piece));
      held += piece.byteLength;
    }
    if (held >= windowBytes) {
      const out = decide(false);
      if (out.byteLength > 0) yield out;
    }
  }
  const rest = transcoder
    ? transcoder.push(new Uint8Array(0), true)
    : held > 0
      ? decide(true)
      : undefined;
  if (rest && rest.byteLength > 0) yield rest;
}
