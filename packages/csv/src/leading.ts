import { CsvInputError } from './errors.ts';
import { asBuffer } from './scanner.ts';

const BOM = [0xef, 0xbb, 0xbf];

const isBlankByte = (b: number) => b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a;

function firstNonBlank(buf: Buffer): number {
  for (let i = 0; i < buf.length; i++) if (!isBlankByte(buf[i]!)) return i;
  return -1;
}

function emptyFile(): CsvInputError {
  return new CsvInputError(
    'empty_file',
    'The file is empty (no bytes, or only a BOM and blank lines).',
  );
}

/**
 * Passes the stream through, minus a leading UTF-8 BOM, and throws empty_file
 * when the stream holds nothing but blank bytes. The opening bytes are held
 * only until the first non-blank byte (normally within the first piece) or
 * until `holdLimit` blank bytes, so memory stays bounded; a file with more
 * leading blank bytes than that is passed on and its blank first record
 * becomes the caller's problem (a missing header).
 *
 * The BOM may arrive split over pieces (a client can send 1-byte pieces), so
 * it is checked on the first 3 bytes of the stream, not of the first piece.
 */
export async function* withoutBomRejectBlank(
  source: AsyncIterable<Uint8Array>,
  holdLimit: number,
): AsyncGenerator<Buffer> {
  let held: Buffer[] = [];
  let heldBytes = 0;
  let bomChecked = false;
  let passing = false;
  for await (const input of source) {
    const piece = asBuffer(input);
    if (passing) {
      yield piece;
      continue;
    }
    // Copied: the source may reuse its buffer once we ask for the next piece.
    held.push(Buffer.from(piece));
    heldBytes += piece.length;
    if (!bomChecked) {
      if (heldBytes < BOM.length) continue;
      const head = stripBom(Buffer.concat(held));
      held = [head];
      heldBytes = head.length;
      bomChecked = true;
      if (firstNonBlank(head) !== -1) passing = true;
    } else if (firstNonBlank(piece) !== -1) {
      passing = true;
    }
    if (passing || heldBytes > holdLimit) {
      passing = true;
      yield* held;
      held = [];
    }
  }
  if (passing) return;
  // Not yet checked when the whole stream is shorter than a BOM.
  const rest = bomChecked ? Buffer.concat(held) : stripBom(Buffer.concat(held));
  if (firstNonBlank(rest) === -1) throw emptyFile();
  yield rest;
}

function stripBom(buf: Buffer): Buffer {
  return buf[0] === BOM[0] && buf[1] === BOM[1] && buf[2] === BOM[2] ? buf.subarray(3) : buf;
}
