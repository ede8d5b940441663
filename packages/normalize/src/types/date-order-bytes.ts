import { FAST_PATHS } from '../fast-paths.ts';
import type { DateOrderProof } from './date.ts';
import { dateOrderProof } from './date.ts';

const utf8 = new TextDecoder();

const isDigit = (code: number) => code >= 0x30 && code <= 0x39;
const isAsciiSpace = (code: number) => code === 0x20 || (code >= 0x09 && code <= 0x0d);

/**
 * dateOrderProof of the UTF-8 value in bytes[start, end), without making a
 * string for the common cells: the upload's profiler runs it on every
 * value of a date column. Printable ASCII is answered here, by the same
 * reasoning as dateOrderProof's own fast path (a numeric date starts with
 * a digit; `digits sep digits sep digits` alone is its own match), plus one
 * more: a value with a character no numeric date has (a letter, a comma)
 * and nothing a time needs (no `:`, no am/pm: an a or p then m, a dot
 * between or not) can match no numeric date, since without a time nothing
 * is cut (`14 October 1948`, `4 April 1980`). Anything else is
 * decoded and handed to dateOrderProof (date-order-bytes.test.ts compares
 * the two).
 */
export function dateOrderProofBytes(
  bytes: Uint8Array,
  start: number,
  end: number,
): DateOrderProof | undefined {
  const slow = () => dateOrderProof(utf8.decode(bytes.subarray(start, end)));
  if (!FAST_PATHS.enabled) return slow();
  let from = start;
  let to = end;
  while (from < to && isAsciiSpace(bytes[from]!)) from += 1;
  while (to > from && isAsciiSpace(bytes[to - 1]!)) to -= 1;
  if (from === to) return undefined;
  if (!isDigit(bytes[from]!)) {
    // Printable ASCII not starting with a digit is no numeric date.
    return isCleanAscii(bytes, from, to) ? undefined : slow();
  }
  let space = false;
  let other = false; // a character no numeric date has
  let timeLike = false; // a character a time after the date may need
  for (let i = from; i < to; i++) {
    const code = bytes[i]!;
    if (code === 0x20) {
      if (space) return slow();
      space = true;
      continue;
    }
    space = false;
    if (code < 0x21 || code > 0x7e) return slow();
    if (isDigit(code) || code === 0x2f || code === 0x2e || code === 0x2d) continue;
    other = true;
    if (
      code === 0x3a ||
      (((code | 0x20) === 0x61 || (code | 0x20) === 0x70) && meridiem(bytes, i + 1, to))
    )
      timeLike = true;
  }
  if (!other) {
    const proof = plainProof(bytes, from, to);
    if (proof !== NOT_PLAIN) return proof;
  } else if (!timeLike) return undefined;
  return slow();
}

const NOT_PLAIN = -1;

/** After an a or p at `from`: m or M, or a dot and then m or M (TIME_AFTER_DATE's `[AaPp]\.?[Mm]`). */
function meridiem(bytes: Uint8Array, from: number, to: number): boolean {
  const at = from < to && bytes[from] === 0x2e ? from + 1 : from;
  return at < to && (bytes[at]! | 0x20) === 0x6d;
}

/** Printable ASCII with single inner spaces (cleanAscii accepts it as it is). */
function isCleanAscii(bytes: Uint8Array, from: number, to: number): boolean {
  let space = false;
  for (let i = from; i < to; i++) {
    const code = bytes[i]!;
    if (code === 0x20) {
      if (space) return false;
      space = true;
    } else if (code < 0x21 || code > 0x7e) return false;
    else space = false;
  }
  return true;
}

function digitRun(bytes: Uint8Array, from: number, to: number): number {
  let i = from;
  while (i < to && isDigit(bytes[i]!)) i += 1;
  return i - from;
}

function numberAt(bytes: Uint8Array, from: number, length: number): number {
  let value = 0;
  for (let i = from; i < from + length; i++) value = value * 10 + bytes[i]! - 0x30;
  return value;
}

/**
 * The proof of a value that is exactly `1-4 digits, sep, 1-2 digits, the
 * same sep, 1-4 digits` (dateOrderProof's rules on its parts), or NOT_PLAIN.
 */
function plainProof(
  bytes: Uint8Array,
  from: number,
  to: number,
): DateOrderProof | undefined | typeof NOT_PLAIN {
  const a = digitRun(bytes, from, to);
  if (a < 1 || a > 4) return NOT_PLAIN;
  const separator = bytes[from + a];
  if (separator !== 0x2f && separator !== 0x2e && separator !== 0x2d) return NOT_PLAIN;
  const b = digitRun(bytes, from + a + 1, to);
  if (b < 1 || b > 2 || bytes[from + a + 1 + b] !== separator) return NOT_PLAIN;
  const lastStart = from + a + b + 2;
  const c = digitRun(bytes, lastStart, to);
  if (c < 1 || c > 4 || lastStart + c !== to) return NOT_PLAIN;
  const first = numberAt(bytes, from, a);
  const middle = numberAt(bytes, from + a + 1, b);
  const last = numberAt(bytes, lastStart, c);
  if (a === 4 || (a <= 2 && first > 31 && last <= 31)) return 'YMD';
  if (c === 4 || c === 2) {
    const dotted = separator === 0x2e;
    if (first > 12 && middle <= 12) return dotted ? 'DMY.' : 'DMY';
    if (middle > 12 && first <= 12) return dotted ? 'MDY.' : 'MDY';
    if (first <= 12 && middle <= 12 && first !== middle && !dotted) return 'open';
  }
  return undefined;
}
