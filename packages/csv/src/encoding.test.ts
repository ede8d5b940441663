import { describe, expect, it } from 'vitest';
import { inputEncodingOf, Utf8Transcoder } from './encoding.ts';
import { peek } from './peek.ts';
import { collectBytes } from './test-helpers.ts';
import { utf8Evidence } from './utf8-evidence.ts';

async function* pieces(bytes: Uint8Array, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('inputEncodingOf', () => {
  it.each([
    ['utf-8', 'utf-8'],
    ['UTF8', 'utf-8'],
    ['latin1', 'windows-1252'],
    ['ISO-8859-1', 'windows-1252'],
    ['cp1251', 'windows-1251'],
    ['sjis', 'shift_jis'],
    ['GBK', 'gbk'],
    ['gb18030', 'gb18030'],
    [' koi8-r ', 'koi8-r'],
  ])('%s is %s', (label, encoding) => {
    expect(inputEncodingOf(label)).toBe(encoding);
  });

  it.each(['utf-32', 'ebcdic', '', 'iso-2022-kr', 'x-user-defined'])(
    '%j is not an encoding Sluice reads',
    (label) => {
      expect(inputEncodingOf(label)).toBeUndefined();
    },
  );
});

describe('Utf8Transcoder', () => {
  const decision = (encoding: 'utf-8' | 'windows-1252' | 'shift_jis') => ({
    encoding,
    source: 'request' as const,
    confidence: 1,
  });

  it('passes UTF-8 through byte for byte, invalid bytes included (reported per row later)', () => {
    const bytes = Buffer.from([0x61, 0xff, 0x62]);
    expect(new Utf8Transcoder(decision('utf-8')).push(bytes)).toBe(bytes);
  });

  it('maps Windows-1252 specials (€, curly quotes) correctly across pieces', async () => {
    const transcoder = new Utf8Transcoder(decision('windows-1252'));
    const out = [0x80, 0x20, 0x93, 0x78, 0x94, 0x20, 0xe9].map((b) =>
      transcoder.push(Uint8Array.of(b)),
    );
    expect(Buffer.concat(out).toString()).toBe('€ “x” é');
  });

  it('keeps a double-byte character split over pieces together, and fails on a broken one', () => {
    const transcoder = new Utf8Transcoder(decision('shift_jis'));
    const first = transcoder.push(Uint8Array.of(0x61, 0x88)); // 'a' + lead byte of 亜
    const second = transcoder.push(Uint8Array.of(0x9f), true);
    expect(Buffer.concat([first, second]).toString()).toBe('a亜');
    const broken = new Utf8Transcoder(decision('shift_jis'));
    expect(() => broken.push(Uint8Array.of(0x88, 0x20), true)).toThrow(
      expect.objectContaining({ code: 'invalid_encoding' }),
    );
  });
});

describe('utf8Evidence', () => {
  it.each([
    ['ASCII only', Buffer.from('a,b\n'), true, { valid: 0, invalid: 0 }],
    ['valid 2-, 3- and 4-byte sequences', Buffer.from('é€😀'), true, { valid: 3, invalid: 0 }],
    [
      'Windows-1252 é before ASCII',
      Buffer.from([0x4a, 0xe9, 0x2c]),
      true,
      { valid: 0, invalid: 1 },
    ],
    ['stray continuation bytes', Buffer.from([0x80, 0xbf]), true, { valid: 0, invalid: 2 }],
    [
      'overlong and surrogate forms',
      Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80]),
      true,
      { valid: 0, invalid: 5 },
    ],
    [
      'a sequence cut by the end of a sample',
      Buffer.from('aé').subarray(0, 2),
      false,
      { valid: 0, invalid: 0 },
    ],
    [
      'the same cut at the end of the file',
      Buffer.from('aé').subarray(0, 2),
      true,
      { valid: 0, invalid: 1 },
    ],
  ])('%s', (_, bytes, complete, expected) => {
    expect(utf8Evidence(bytes, complete)).toEqual(expected);
  });
});

describe('peek', () => {
  it('returns a sample and replays everything', async () => {
    const bytes = Buffer.from('0123456789'.repeat(10));
    const { sample, complete, stream } = await peek(pieces(bytes, 7), 20);
    expect(sample.byteLength).toBeGreaterThanOrEqual(20);
    expect(complete).toBe(false);
    expect((await collectBytes(stream)).toString()).toBe(bytes.toString());
    const small = await peek(pieces(Buffer.from('abc'), 1), 100);
    expect(small.complete).toBe(true);
    expect((await collectBytes(small.stream)).toString()).toBe('abc');
  });
});
