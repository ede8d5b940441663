import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { InputEncoding } from './encoding.ts';
import { CsvInputError } from './errors.ts';
import { openCsvText } from './open-text.ts';
import { collectBytes, encodeLegacy, rng } from './test-helpers.ts';

const SNIFF = 64 * 1024;

async function* pieces(bytes: Uint8Array, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Opens `bytes` (in pieces of `size`) and reads the whole stream. */
async function read(bytes: Uint8Array, size = 4096, encoding?: InputEncoding) {
  const text = await openCsvText(pieces(bytes, size), { sniffBytes: SNIFF, encoding });
  const before = text.encoding();
  const out = await collectBytes(text.stream);
  return { text, before, after: text.encoding(), out };
}

const utf16 = (text: string, le: boolean, bom: boolean) => {
  const body = Buffer.from(text, 'utf16le');
  if (!le) body.swap16();
  return Buffer.concat([Buffer.from(bom ? (le ? [0xff, 0xfe] : [0xfe, 0xff]) : []), body]);
};

const PEOPLE = [
  'id;nom;ville;remarque',
  '1;José García;Málaga;Très bien, déjà payé',
  '2;François Müller;Zürich;Größe geändert',
  '3;Ægir Ødegård;Tromsø;Señor Peña',
  '4;Chloé Lefèvre;Besançon;“Quoted” — ça va',
]
  .join('\n')
  .concat('\n');

describe('openCsvText: UTF-8 is never re-interpreted', () => {
  it('valid UTF-8 with one bad byte stays UTF-8 (the bad row is reported later), bytes untouched', async () => {
    // Today's defect: one byte that is not UTF-8 switched the whole file to
    // Windows-1252, so every é became Ã© without an error.
    const bytes = Buffer.concat([Buffer.from(PEOPLE), Buffer.from([0x35, 0x3b, 0xff, 0x0a])]);
    const { after, out } = await read(bytes);
    expect(after).toMatchObject({ encoding: 'utf-8', source: 'mostly-utf8' });
    expect(after.confidence).toBeGreaterThan(0.9);
    expect(after.confidence).toBeLessThan(1);
    expect(after.note).toMatch(/1 of \d+ non-ASCII sequences .* invalid_encoding/);
    expect(out).toEqual(bytes);
  });

  it('as many invalid as valid sequences is still UTF-8 (the loud mistake over the silent one)', async () => {
    const bytes = Buffer.concat([Buffer.from('name\nJosé\n'), Buffer.from([0x4a, 0xe9, 0x0a])]);
    expect((await read(bytes)).after).toMatchObject({ encoding: 'utf-8', confidence: 0.5 });
  });

  it('valid UTF-8 text of any script is UTF-8 with confidence 1', async () => {
    const random = rng(5);
    const alphabet = ['a', ',', '\n', 'é', 'ß', 'Ж', '中', 'あ', '😀', '"', '\u00a0'];
    for (let round = 0; round < 50; round++) {
      const text = `h\n${Array.from({ length: 200 }, () => alphabet[Math.floor(random() * alphabet.length)]).join('')}`;
      const { after, out } = await read(Buffer.from(text), 1 + Math.floor(random() * 50));
      expect(after, text).toEqual({ encoding: 'utf-8', source: 'valid-utf8', confidence: 1 });
      expect(out.toString()).toBe(text);
    }
  });

  it('a UTF-8 file whose first non-ASCII byte comes after the sniffed bytes is read as UTF-8', async () => {
    const ascii = 'id,name\n'.concat('1,plain ascii name\n'.repeat(5000)); // ~95 KB
    const bytes = Buffer.from(`${ascii}2,José Müller\n3,Zoë\n`);
    const { text, before, after, out } = await read(bytes, 1000);
    expect(text.complete).toBe(false);
    expect(before).toMatchObject({ encoding: 'utf-8', source: 'ascii' });
    expect(after).toMatchObject({ encoding: 'utf-8', source: 'valid-utf8', confidence: 1 });
    expect(after.note).toContain(`at byte ${bytes.findIndex((b) => b >= 0x80)}`);
    expect(out).toEqual(bytes);
  });

  it('a file of plain ASCII is UTF-8 by source ascii', async () => {
    const { before, after } = await read(Buffer.from('a,b\n1,2\n'));
    expect(before).toEqual({ encoding: 'utf-8', source: 'ascii', confidence: 1 });
    expect(after).toEqual(before);
  });
});

describe('openCsvText: other encodings', () => {
  it('BOMs and UTF-16 without BOM, decoded across piece boundaries', async () => {
    const text = 'name,city\nZoë,Zürich\n李,北京\n😀,x\n';
    const cases: [Buffer, string, string][] = [
      [Buffer.from(`\uFEFF${text}`), 'utf-8', 'bom'],
      [utf16(text, true, true), 'utf-16le', 'bom'],
      [utf16(text, false, true), 'utf-16be', 'bom'],
      [utf16(text, true, false), 'utf-16le', 'nul-pattern'],
      [utf16(text, false, false), 'utf-16be', 'nul-pattern'],
    ];
    for (const [bytes, encoding, source] of cases) {
      for (const size of [1, 3, 7, 64]) {
        const { after, out } = await read(bytes, size);
        expect(after).toMatchObject({ encoding, source });
        expect(out.toString().replace(/^\uFEFF/, '')).toBe(text);
      }
    }
  });

  const legacy: [InputEncoding, string][] = [
    ['windows-1252', PEOPLE],
    [
      'windows-1251',
      'id,имя,город,заметка\n1,Иван Петров,Москва,Оплачено полностью\n2,Ольга Смирнова,Санкт-Петербург,Новый клиент\n3,Дмитрий Иванов,Новосибирск,Адрес изменён\n',
    ],
    [
      'koi8-r',
      'id,имя,город,заметка\n1,Иван Петров,Москва,Оплачено полностью\n2,Ольга Смирнова,Санкт-Петербург,Новый клиент\n3,Дмитрий Иванов,Новосибирск,Адрес изменён\n',
    ],
    [
      'iso-8859-7',
      'id,όνομα,πόλη\n1,Γιώργος Παπαδόπουλος,Αθήνα\n2,Μαρία Κωνσταντίνου,Θεσσαλονίκη\n3,Νίκος Γεωργίου,Πάτρα\n',
    ],
    [
      'shift_jis',
      'id,名前,都市,備考\n1,山田太郎,東京,支払い済みです\n2,佐藤花子,大阪,新しいお客様\n3,鈴木一郎,名古屋,住所が変わりました\n',
    ],
    [
      'gb18030',
      'id,姓名,城市,备注\n1,张伟,北京,已经付款\n2,王芳,上海,新客户\n3,李娜,广州,地址已更改\n',
    ],
    [
      'euc-kr',
      'id,이름,도시\n1,김민준,서울,결제 완료\n2,이서연,부산,새 고객\n3,박지훈,대구,주소 변경\n',
    ],
    [
      'big5',
      'id,姓名,城市\n1,陳大文,台北,已經付款\n2,林小美,高雄,新客戶\n3,黃志明,台中,地址已更改\n',
    ],
  ];

  it.each(legacy)('%s is detected and transcoded to UTF-8', async (encoding, text) => {
    const body = text.repeat(3);
    const { after, out } = await read(encodeLegacy(body, encoding), 5);
    expect(after).toMatchObject({ encoding, source: 'detector' });
    expect(after.confidence).toBeGreaterThan(0);
    expect(out.toString()).toBe(body);
  });

  it('Shift_JIS with kanji only (where chardet alone ranks Windows-1252 first)', async () => {
    const body = 'id,名前,都市\n1,山田太郎,東京\n2,佐藤花子,大阪\n3,鈴木一郎,名古屋\n'.repeat(4);
    const { after, out } = await read(encodeLegacy(body, 'shift_jis'));
    expect(after).toMatchObject({ encoding: 'shift_jis', source: 'detector' });
    expect(out.toString()).toBe(body);
  });

  it('a Windows-1252 file whose first accent comes after the sniffed bytes is detected there', async () => {
    const ascii = 'id;nom;ville;remarque\n'.concat('0;plain;ascii;row\n'.repeat(5000));
    const body = ascii + PEOPLE.split('\n').slice(1).join('\n').repeat(3);
    const bytes = encodeLegacy(body, 'windows-1252');
    const { before, after, out } = await read(bytes, 1000);
    expect(before.source).toBe('ascii');
    expect(after).toMatchObject({ encoding: 'windows-1252', source: 'detector' });
    expect(after.note).toContain(`at byte ${bytes.findIndex((b) => b >= 0x80)}`);
    expect(out.toString()).toBe(body);
  });

  it('the requested encoding wins, and decodes strictly', async () => {
    const bytes = encodeLegacy(PEOPLE, 'windows-1252');
    const { after, out } = await read(bytes, 7, 'windows-1252');
    expect(after).toEqual({ encoding: 'windows-1252', source: 'request', confidence: 1 });
    expect(out.toString()).toBe(PEOPLE);
    await expect(read(Buffer.from([0x61, 0x0a, 0x88, 0x0a]), 7, 'shift_jis')).rejects.toMatchObject(
      { code: 'invalid_encoding' },
    );
    // A lone high surrogate after a page of good UTF-16.
    const brokenUtf16 = Buffer.concat([
      utf16('a,b\n'.repeat(50), true, true),
      Buffer.from([0x00, 0xd8, 0x61, 0x00]),
    ]);
    await expect(read(brokenUtf16, 2)).rejects.toMatchObject({ code: 'invalid_encoding' });
  });
});

describe('openCsvText: what is not text is refused as not_csv', () => {
  const csv = Buffer.from(PEOPLE.repeat(20));
  const random = rng(3);
  const cases: [string, Buffer, string][] = [
    ['gzip', gzipSync(csv), 'gzip'],
    ['zip (an .xlsx)', Buffer.concat([Buffer.from('PK\x03\x04\x14\x00', 'latin1'), csv]), 'zip'],
    ['PNG', Buffer.from('\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR', 'latin1'), 'png'],
    ['PDF', Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n', 'latin1'), 'pdf'],
    ['old .xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'ole2'],
    [
      'UTF-32 LE with BOM',
      Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), Buffer.from('a\0\0\0')]),
      'utf-32',
    ],
    [
      'UTF-32 BE without BOM',
      Buffer.from([...'name,x\n1,2\n'].flatMap((c) => [0, 0, 0, c.charCodeAt(0)])),
      'utf-32',
    ],
    ['NUL-filled', Buffer.alloc(10_000), 'binary'],
    [
      'random bytes',
      Buffer.from(Array.from({ length: 5000 }, () => Math.floor(random() * 256))),
      'binary',
    ],
  ];

  it.each(cases)('%s', async (_, bytes, detected) => {
    for (const encoding of [undefined, 'utf-8' as const]) {
      const error = await read(bytes, 1000, encoding).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CsvInputError);
      expect(error).toMatchObject({ code: 'not_csv', detected });
      expect((error as Error).message).toMatch(/^The upload is not CSV text: it looks like /);
    }
  });

  it('a CSV with a stray NUL or control character in a cell, or vertical tabs, is text', async () => {
    // FileMaker writes a line break inside a cell as a vertical tab.
    const bytes = Buffer.from(
      'name,notes\nann,a\0b\nbob,\x07bell\n'.concat('carl,"one\vtwo"\n'.repeat(20)),
    );
    expect((await read(bytes)).out).toEqual(bytes);
  });
});
