import { describe, expect, it } from 'vitest';
import { HttpProblem } from './problem.ts';
import { requireStorableJson, requireStorableText, unstorableReason } from './storable-text.ts';

function refusal(check: () => void): { code: string; field: unknown } | 'accepted' {
  try {
    check();
  } catch (error) {
    if (error instanceof HttpProblem) return { code: error.code, field: error.extra.field };
    throw error;
  }
  return 'accepted';
}

describe('text PostgreSQL can store', () => {
  it('refuses NUL and lone surrogates, keeps everything else (pairs, unicode, controls)', () => {
    expect(unstorableReason('a\u0000b')).toMatch(/NUL/);
    expect(unstorableReason('x\ud800')).toMatch(/surrogate/);
    expect(unstorableReason('\udc00x')).toMatch(/surrogate/);
    for (const ok of ['', 'José', '💥', '\u0001\t\u007f', '\ufeff', 'a'.repeat(10_000)]) {
      expect(unstorableReason(ok)).toBeUndefined();
    }
    expect(refusal(() => requireStorableText('a\u0000', 'filename'))).toEqual({
      code: 'invalid_character',
      field: 'filename',
    });
  });

  it('walks JSON values and names, naming the first bad one', () => {
    expect(
      refusal(() => requireStorableJson({ columns: [{ name: 'ok' }, { name: 'b\u0000' }] }, '')),
    ).toEqual({ code: 'invalid_character', field: 'columns[1].name' });
    expect(refusal(() => requireStorableJson({ options: { 'time\ud800': 'UTC' } }, ''))).toEqual({
      code: 'invalid_character',
      field: 'a name in options',
    });
    expect(refusal(() => requireStorableJson({ a: [1, true, null, 'ok'] }, ''))).toBe('accepted');
  });

  it('refuses nesting deeper than any request of the API', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 1000; i++) deep = [deep];
    expect(refusal(() => requireStorableJson(deep, 'body'))).toMatchObject({
      code: 'bad_request',
    });
  });
});
