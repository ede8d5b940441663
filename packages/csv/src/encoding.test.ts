import { describe, expect, it } from 'vitest';
import { detectEncoding, transcodeToUtf8 } from './encoding.ts';

const utf16 = (text: string, le: boolean, bom: boolean) => {
  const body = Buffer.from(text, 'utf16le');
  if (!le) body.swap16();
  return Buffer.concat([
    bom ? Buffer.from(le ? [0xff, 0xfe] : [0xfe, 0xff]) : Buffer.alloc(0),
    body,
  ]);
};

async function collect(source: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const p of source) parts.push(p);
  return Buffer.concat(parts).toString('utf8');
}

async function* pieces(bytes: Uint8Array, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('detectEncoding', () => {
  it.each([
    ['UTF-8 BOM', Buffer.from('\uFEFFname\n', 'utf8'), 'utf-8', 'bom'],
    ['UTF-16 LE BOM', utf16('name,é\n', true, true), 'utf-16le', 'bom'],
    ['UTF-16 BE BOM', utf16('name,é\n', false, true), 'utf-16be', 'bom'],
    [
      'UTF-16 LE without BOM',
      utf16('name,email\nann,a@b.co\n', true, false),
      'utf-16le',
      'nul-pattern',
    ],
    [
      'UTF-16 BE without BOM',
      utf16('name,email\nann,a@b.co\n', false, false),
      'utf-16be',
      'nul-pattern',
    ],
    ['plain ASCII', Buffer.from('a,b\n1,2\n'), 'utf-8', 'valid-utf8'],
    ['UTF-8 accents', Buffer.from('name\nJosé Müller\n'), 'utf-8', 'valid-utf8'],
    [
      'Windows-1252 accents',
      Buffer.from([0x6e, 0x0a, 0x4a, 0x6f, 0x73, 0xe9, 0x0a, 0x80, 0x0a]),
      'windows-1252',
      'not-utf8',
    ],
  ])('%s', (_name, bytes, encoding, reason) => {
    expect(detectEncoding(bytes, true)).toEqual({ encoding, reason });
  });

  it('does not mistake a multi-byte character cut by the sample end for Windows-1252', () => {
    const bytes = Buffer.from('name\nJosé');
    expect(detectEncoding(bytes.subarray(0, bytes.length - 1), false).encoding).toBe('utf-8');
    expect(detectEncoding(bytes.subarray(0, bytes.length - 1), true).encoding).toBe('windows-1252');
  });
});

describe('transcodeToUtf8', () => {
  it('decodes UTF-16 LE and BE across arbitrary piece boundaries, dropping the BOM', async () => {
    const text = 'name,city\nZoë,Zürich\n李,北京\n😀,x\n';
    for (const le of [true, false]) {
      for (const size of [1, 3, 7, 64]) {
        expect(
          await collect(
            transcodeToUtf8(pieces(utf16(text, le, true), size), le ? 'utf-16le' : 'utf-16be'),
          ),
        ).toBe(text);
      }
    }
  });

  it('maps Windows-1252 specials (€, curly quotes) correctly', async () => {
    const bytes = Buffer.from([0x80, 0x20, 0x93, 0x78, 0x94, 0x20, 0xe9]);
    expect(await collect(transcodeToUtf8(pieces(bytes, 2), 'windows-1252'))).toBe('€ “x” é');
  });

  it('passes UTF-8 through byte for byte, invalid bytes included (reported per row later)', async () => {
    const bytes = Buffer.from([0x61, 0xff, 0x62]);
    const out: Uint8Array[] = [];
    for await (const p of transcodeToUtf8(pieces(bytes, 1), 'utf-8')) out.push(p);
    expect(Buffer.concat(out)).toEqual(bytes);
  });

  it('fails with invalid_encoding on broken UTF-16', async () => {
    const broken = Buffer.from([0x61, 0x00, 0x00, 0xd8, 0x61, 0x00]); // lone high surrogate
    await expect(collect(transcodeToUtf8(pieces(broken, 2), 'utf-16le'))).rejects.toMatchObject({
      code: 'invalid_encoding',
    });
  });
});
