/**
 * Text as UTF-8, written piece by piece into one growing buffer: a chunk's
 * output line by line, a staged column run by run. Joining ~10,000 lines
 * into one string first cost more than encoding them, and so did gathering
 * a few kilobytes of lines (one non-Latin-1 character makes the whole
 * gathered string two bytes a character). Buffer#write encodes exactly as
 * TextEncoder (a lone surrogate becomes U+FFFD) with less overhead per call.
 * Each piece is whole values (a line, a run of array elements), so no
 * surrogate pair spans two writes: the bytes are those of encoding the
 * joined pieces at once.
 */
export class Utf8Sink {
  #bytes: Buffer;
  #length = 0;

  constructor(initialBytes = 64 * 1024) {
    this.#bytes = Buffer.allocUnsafe(initialBytes);
  }

  write(piece: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8 (a pair takes 4).
    const room = piece.length * 3;
    if (this.#bytes.length - this.#length < room) {
      const grown = Buffer.allocUnsafe(Math.max(this.#bytes.length * 2, this.#length + room));
      this.#bytes.copy(grown, 0, 0, this.#length);
      this.#bytes = grown;
    }
    this.#length += this.#bytes.write(piece, this.#length, 'utf8');
  }

  /** The bytes written, in a buffer of their own size (it is copied to the event loop). */
  bytes(): Uint8Array {
    return new Uint8Array(this.#bytes.subarray(0, this.#length));
  }
}
