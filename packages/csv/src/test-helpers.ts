// Helpers shared by the *.test.ts files (not part of the public API).
import { type SplitEvent, type SplitOptions, splitRecords } from './split.ts';

/** Seeded PRNG (mulberry32), so a failing random case can be replayed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Feeds `bytes` in pieces of size `size(i)`, copying each into ONE reused
 * buffer (as a socket reader may): any chunk that aliases input memory would
 * be overwritten by later pieces and fail the comparisons.
 */
export async function* pieces(
  bytes: Uint8Array,
  size: (i: number) => number,
): AsyncGenerator<Uint8Array> {
  const scratch = new Uint8Array(bytes.length + 1);
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const n = Math.max(1, Math.min(size(i), bytes.length - at));
    scratch.set(bytes.subarray(at, at + n));
    yield scratch.subarray(0, n);
    scratch.fill(0x58, 0, n); // scribble over what was handed out
    at += n;
  }
}

export type Chunk = Extract<SplitEvent, { kind: 'chunk' }>;

export async function split(
  source: AsyncIterable<Uint8Array>,
  options: SplitOptions,
): Promise<{ header: string | undefined; chunks: Chunk[]; order: string[] }> {
  let header: string | undefined;
  const chunks: Chunk[] = [];
  const order: string[] = [];
  for await (const event of splitRecords(source, options)) {
    order.push(event.kind);
    if (event.kind === 'header') header = event.bytes.toString('utf8');
    else chunks.push(event);
  }
  return { header, chunks, order };
}

export const utf8 = (s: string) => Buffer.from(s, 'utf8');

const legacyTables = new Map<string, Map<string, number[]>>();

/**
 * Encodes `text` in a legacy encoding the platform can only decode: the
 * reverse of TextDecoder's table over all 1- and 2-byte sequences (enough for
 * the 8-bit encodings and the common characters of the East Asian ones).
 */
export function encodeLegacy(text: string, encoding: string): Buffer {
  let table = legacyTables.get(encoding);
  if (!table) {
    table = new Map();
    const decoder = new TextDecoder(encoding, { fatal: true });
    const add = (bytes: number[]) => {
      try {
        const char = decoder.decode(Uint8Array.from(bytes));
        if ([...char].length === 1 && !table!.has(char)) table!.set(char, bytes);
      } catch {
        // not a character of this encoding
      }
    };
    for (let b = 0; b < 0x100; b++) add([b]);
    for (let lead = 0x81; lead < 0xff; lead++) {
      for (let trail = 0x40; trail < 0xff; trail++) add([lead, trail]);
    }
    legacyTables.set(encoding, table);
  }
  return Buffer.from(
    [...text].flatMap((char) => {
      const bytes = table.get(char);
      if (!bytes) throw new Error(`${JSON.stringify(char)} has no ${encoding} encoding`);
      return bytes;
    }),
  );
}

/** Everything an async iterable yields, concatenated. */
export async function collectBytes(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const piece of source) parts.push(Buffer.from(piece));
  return Buffer.concat(parts);
}
