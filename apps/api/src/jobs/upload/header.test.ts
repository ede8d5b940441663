import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../../http/problem.ts';
import { readHeaderNames, requireUsableOutputHeader } from './header.ts';

const describe_ = (text: string | Buffer, max = 100) =>
  readHeaderNames(Buffer.isBuffer(text) ? text : Buffer.from(text), max);

function problemCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(HttpProblem);
    return (e as HttpProblem).code;
  }
  throw new Error('expected a problem');
}

describe('readHeaderNames', () => {
  it('reads trimmed names, quoted or not, without the CR of a CRLF line', () => {
    expect(describe_('Name, E-mail ,"Mobile, Phone",notes\r')).toEqual([
      'Name',
      'E-mail',
      'Mobile, Phone',
      'notes',
    ]);
  });

  it('splits by the detected delimiter', () => {
    expect(readHeaderNames(Buffer.from('a;b;"c;d"'), 10, { delimiter: ';' })).toEqual([
      'a',
      'b',
      'c;d',
    ]);
  });

  it.each([
    ['', 'missing_header'],
    [',,', 'missing_header'],
    ['jane@example.com,Jane', 'missing_header'],
    ['id,2024-01-31', 'missing_header'],
    ['name,1234.5', 'missing_header'],
    ['a,,c', 'invalid_header'],
    ['Email,email', 'duplicate_column'],
    ['"a,b', 'malformed_header'],
    ['a,b,c,d', 'too_many_columns'],
  ])('refuses %j with %s', (header, code) => {
    expect(problemCode(() => describe_(header, 3))).toBe(code);
  });

  it('refuses a header that is not UTF-8', () => {
    expect(problemCode(() => describe_(Buffer.from([0x6e, 0xe4, 0x6d, 0x65])))).toBe(
      'invalid_encoding',
    );
  });
});

describe('header names PostgreSQL cannot store', () => {
  it('refuses a NUL in a column name with invalid_character', () => {
    expect(problemCode(() => describe_('name,e\u0000mail\n'))).toBe('invalid_character');
  });
});

describe('requireUsableOutputHeader', () => {
  const names = ['name', 'email', 'phone'];
  it("refuses a rename onto another column's name, or two renames to one name (case aside)", () => {
    expect(problemCode(() => requireUsableOutputHeader(names, { name: { rename: 'email' } }))).toBe(
      'duplicate_column',
    );
    expect(problemCode(() => requireUsableOutputHeader(names, { NAME: { rename: 'Email' } }))).toBe(
      'duplicate_column',
    );
    expect(
      problemCode(() =>
        requireUsableOutputHeader(names, { name: { rename: 'x' }, phone: { rename: 'X' } }),
      ),
    ).toBe('duplicate_column');
  });

  it('accepts swaps and renames to new names', () => {
    expect(() =>
      requireUsableOutputHeader(names, { name: { rename: 'email' }, email: { rename: 'name' } }),
    ).not.toThrow();
    expect(() => requireUsableOutputHeader(names, { name: { rename: 'full_name' } })).not.toThrow();
  });

  it('leaves dropped columns out: a rename may take a dropped name (case aside)', () => {
    expect(() =>
      requireUsableOutputHeader(names, { name: { rename: 'Email' }, EMAIL: { drop: true } }),
    ).not.toThrow();
  });

  it('refuses dropping every column (invalid_option), matched case-insensitively', () => {
    expect(
      problemCode(() =>
        requireUsableOutputHeader(names, {
          NAME: { drop: true },
          email: { drop: true },
          Phone: { drop: true },
        }),
      ),
    ).toBe('invalid_option');
    expect(() =>
      requireUsableOutputHeader(names, { name: { drop: true }, email: { drop: true } }),
    ).not.toThrow();
  });
});
