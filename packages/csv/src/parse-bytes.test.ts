import { describe, expect, it } from 'vitest';
import { eachRecord } from './parse.ts';
import { eachRecordInBytes } from './parse-bytes.ts';
import { rng, utf8 } from './test-helpers.ts';

type Seen = { error: string } | { fields: Array<string | undefined> };

/** What eachRecord gives for `only`, the wanted fields' values (undefined: no such field). */
function byText(text: string, only: number[], maxFields: number, delimiter = ','): Seen[] {
  const seen: Seen[] = [];
  eachRecord(text, { maxFields, only, delimiter }, (r) => {
    seen.push('fields' in r ? { fields: only.map((i) => r.fields[i]) } : { error: r.error.code });
  });
  return seen;
}

/** The same read from the bytes: each wanted range decoded, doubled quotes read as one. */
function byBytes(bytes: Buffer, only: number[], maxFields: number, delimiter = 0x2c): Seen[] {
  const seen: Seen[] = [];
  const count = eachRecordInBytes(bytes, { maxFields, only, delimiter }, (error, f) => {
    if (error) {
      seen.push({ error });
      return;
    }
    seen.push({
      fields: only.map((i) => {
        if (f.end[i]! < 0) return undefined;
        const value = bytes.toString('utf8', f.start[i], f.end[i]);
        return f.doubled[i] ? value.replaceAll('""', '"') : value;
      }),
    });
  });
  expect(count).toBe(seen.length);
  return seen;
}

describe('eachRecordInBytes', () => {
  const cases: [name: string, text: string, only: number[]][] = [
    ['plain records', 'a,b,c\nd,e,f\n', [0, 2]],
    ['a last record without a line break', 'a,b\nc,d', [1]],
    ['CRLF, CR alone and a blank line', 'a,b\r\nc,d\re,f\n\ng,h', [0, 1]],
    ['quoted fields with delimiters and doubled quotes', '"a,b","say ""hi""",c\n', [0, 1, 2]],
    ['a quoted field spanning lines, CRLF inside', '"l1\r\nl2",x\r\ny,z\r\n', [0, 1]],
    ['a quote inside an unquoted field is data', '5" disk,b\nc,d\n', [0, 1]],
    ['multi-byte UTF-8 and a BOM-like start', '\u{feff}Zoë,Nguyễn,🙂\nÅ,ß,ü\n', [0, 2]],
    ['a wanted field the record does not have', 'a,b\nc\n', [0, 3]],
    ['an unterminated quote on its own line', 'a,"b\n', [0, 1]],
    ['a stray quote spanning a line: cut at the break', 'a,"b\nc,d\ne,f\n', [0, 1]],
    ['characters after a closing quote', '"abc"def,g\nh,i\n', [0, 1]],
    ['too many fields after the wanted ones', 'a,b,c,d,e\nf,g\n', [0]],
    ['a quote after the wanted fields', 'a,b,"c\nd",e\nf,g,h\n', [1]],
    ['nothing wanted', 'a,"b\nc",d\ne\n', []],
  ];
  for (const [name, text, only] of cases) {
    it(name, () => {
      expect(byBytes(utf8(text), only, 4)).toEqual(byText(text, only, 4));
    });
  }

  it('reads another delimiter the same way', () => {
    const text = 'a;"b;c";d\n1;2;3\n';
    expect(byBytes(utf8(text), [1, 2], 10, 0x3b)).toEqual(byText(text, [1, 2], 10, ';'));
  });

  it('agrees with eachRecord on 2,000 random texts (records, errors, wanted values)', () => {
    const ALPHABET = ['a', 'é', '🙂', '1', ',', ',', ',', '"', '"', '""', '\n', '\r\n', '\r', ' '];
    const random = rng(11);
    for (let round = 0; round < 2000; round++) {
      const length = 1 + Math.floor(random() * 80);
      const text = Array.from(
        { length },
        () => ALPHABET[Math.floor(random() * ALPHABET.length)],
      ).join('');
      const only = [0, 1, 2, 4, 7].filter(() => random() < 0.5);
      const maxFields = 1 + Math.floor(random() * 8);
      expect(
        byBytes(utf8(text), only, maxFields),
        JSON.stringify({ text, only, maxFields }),
      ).toEqual(byText(text, only, maxFields));
    }
  });
});
