/**
 * Recognizes uploads that are not text at all (an archive, an image, a
 * spreadsheet workbook, UTF-32) from their first bytes, so they are refused
 * with a clear reason instead of becoming jobs full of garbage rows.
 */

export interface NotText {
  /** Stable short name: 'gzip', 'zip', 'pdf', 'utf-32', 'binary', ... */
  detected: string;
  /** For people: "a gzip archive". */
  description: string;
}

const bytesOf = (text: string) => [...text].map((c) => c.charCodeAt(0));

const UTF32 = 'UTF-32 text, which Sluice does not read (save it as UTF-8)';

/** File signatures ("magic numbers") at offset 0; `null` matches any byte. */
const SIGNATURES: { detected: string; description: string; magic: (number | null)[] }[] = [
  { detected: 'gzip', description: 'a gzip archive', magic: [0x1f, 0x8b] },
  {
    detected: 'zip',
    description: 'a ZIP archive (an .xlsx or .ods workbook is one: export the sheet as CSV)',
    magic: [0x50, 0x4b, 0x03, 0x04],
  },
  { detected: 'zip', description: 'an empty ZIP archive', magic: [0x50, 0x4b, 0x05, 0x06] },
  {
    detected: 'ole2',
    description: 'an old binary Office document (.xls: export the sheet as CSV)',
    magic: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
  },
  { detected: 'pdf', description: 'a PDF document', magic: bytesOf('%PDF-') },
  {
    detected: 'png',
    description: 'a PNG image',
    magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  },
  { detected: 'jpeg', description: 'a JPEG image', magic: [0xff, 0xd8, 0xff] },
  { detected: 'gif', description: 'a GIF image', magic: bytesOf('GIF8') },
  {
    detected: 'bzip2',
    description: 'a bzip2 archive',
    magic: [...bytesOf('BZh'), null, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59],
  },
  { detected: 'xz', description: 'an xz archive', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { detected: '7z', description: 'a 7-Zip archive', magic: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
  { detected: 'zstd', description: 'a Zstandard archive', magic: [0x28, 0xb5, 0x2f, 0xfd] },
  { detected: 'rar', description: 'a RAR archive', magic: [...bytesOf('Rar!'), 0x1a, 0x07] },
  { detected: 'elf', description: 'an executable (ELF)', magic: [0x7f, ...bytesOf('ELF')] },
  {
    detected: 'sqlite',
    description: 'an SQLite database',
    magic: [...bytesOf('SQLite format 3'), 0],
  },
  // Before UTF-16's BOM, which is their prefix.
  { detected: 'utf-32', description: UTF32, magic: [0xff, 0xfe, 0x00, 0x00] },
  { detected: 'utf-32', description: UTF32, magic: [0x00, 0x00, 0xfe, 0xff] },
];

/** A file signature at the start of `sample`, or UTF-32 text without a BOM. */
export function detectNotText(sample: Uint8Array): NotText | undefined {
  for (const { detected, description, magic } of SIGNATURES) {
    if (sample.length >= magic.length && magic.every((b, i) => b === null || sample[i] === b)) {
      return { detected, description };
    }
  }
  // Mostly-ASCII UTF-32: three NUL bytes in every group of four.
  const quads = Math.min(sample.length >> 2, 4096);
  if (quads >= 2) {
    let le = 0;
    let be = 0;
    for (let q = 0; q < quads; q++) {
      const i = 4 * q;
      if (sample[i + 1] === 0 && sample[i + 2] === 0 && sample[i + 3] === 0 && sample[i] !== 0)
        le++;
      if (sample[i] === 0 && sample[i + 1] === 0 && sample[i + 2] === 0 && sample[i + 3] !== 0)
        be++;
    }
    if (le > quads * 0.6 || be > quads * 0.6) return { detected: 'utf-32', description: UTF32 };
  }
  return undefined;
}

/**
 * Binary data: control bytes that text does not contain (NUL and the C0
 * controls other than tab, line breaks, vertical tab (FileMaker's in-cell
 * line break), form feed and escape, plus DEL) make
 * up at least 5% of the sample and at least 4 bytes. Random binary data has
 * about 11%; a CSV with a stray NUL in a cell stays far below (that one is a
 * per-row problem, not a reason to refuse the file). Only for 8-bit text:
 * UTF-16 has NULs in every other byte.
 */
export function detectBinary(sample: Uint8Array): NotText | undefined {
  let controls = 0;
  let nuls = 0;
  for (const b of sample) {
    if (b === 0) nuls += 1;
    // 0x09-0x0D: tab, LF, VT, FF, CR; 0x1B: escape.
    const control = b < 0x20 ? b < 0x09 || (b > 0x0d && b !== 0x1b) : b === 0x7f;
    if (control) controls += 1;
  }
  if (controls < Math.max(4, sample.length * 0.05)) return undefined;
  const share = Math.round((100 * controls) / sample.length);
  return {
    detected: 'binary',
    description:
      nuls === sample.length
        ? 'nothing but NUL bytes'
        : `binary data (${share}% of its first bytes are control characters such as NUL)`,
  };
}
