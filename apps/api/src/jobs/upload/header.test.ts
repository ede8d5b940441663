import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../../http/problem.ts';
import { readHeaderNames } from './header.ts';

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
    expect(readHeaderNames(Buffer.from('a;b;"c;d"'), 10, ';')).toEqual(['a', 'b', 'c;d']);
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
