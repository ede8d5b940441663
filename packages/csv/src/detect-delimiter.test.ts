import { describe, expect, it } from 'vitest';
import { detectDelimiter } from './detect-delimiter.ts';

describe('detectDelimiter', () => {
  it.each([
    ['comma', 'name,email,amount\nAnn,a@b.co,"1,5"\nBob,b@b.co,2\n', ','],
    [
      'semicolon with decimal commas',
      'name;amount;city\nAnn;1,50;Köln\nBob;2,75;Berlin, Mitte\n',
      ';',
    ],
    ['tab', 'name\temail\nAnn\ta@b.co\nBob, Jr.\tb@b.co\n', '\t'],
    ['pipe', 'id|name|note\n1|Ann|a, b\n2|Bob|c; d\n', '|'],
    ['quoted delimiters do not count', 'a;b\n"x,y,z";1\n"p,q,r";2\n', ';'],
  ])('%s', (_name, text, delimiter) => {
    expect(detectDelimiter(text, true).delimiter).toBe(delimiter);
  });

  it('ignores a record cut at the end of a partial sample', () => {
    const guess = detectDelimiter('a;b;c\n1;2;3\n4;5;6\n7;8', false);
    expect(guess).toMatchObject({ delimiter: ';', fields: 3, confidence: 1 });
  });

  it('falls back to comma for a single column', () => {
    expect(detectDelimiter('name\nAnn\nBob\n', true)).toMatchObject({ delimiter: ',', fields: 1 });
  });
});
