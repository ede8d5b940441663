import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../problem.ts';
import { describeColumns } from './header.ts';

const describe_ = (text: string | Buffer, max = 100) =>
  describeColumns(Buffer.isBuffer(text) ? text : Buffer.from(text), max);

function problemCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(HttpProblem);
    return (e as HttpProblem).code;
  }
  throw new Error('expected a problem');
}

describe('describeColumns', () => {
  it('names and types the columns from the header', () => {
    expect(describe_('Name, E-mail ,"Mobile Phone",notes\r')).toEqual([
      { name: 'Name', type: 'text', required: false },
      { name: 'E-mail', type: 'email', required: false },
      { name: 'Mobile Phone', type: 'phone', required: false },
      { name: 'notes', type: 'text', required: false },
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
