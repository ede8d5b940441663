import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../http/problem.ts';
import { isTimeZone, readJobRequest, readNormalizeOptionsBody } from './job-options.ts';

function problemOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof HttpProblem) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('isTimeZone', () => {
  it('accepts IANA zones and refuses anything else, on first and repeated calls', () => {
    for (let round = 0; round < 2; round++) {
      expect(isTimeZone('Europe/Berlin')).toBe(true);
      expect(isTimeZone('America/Argentina/Buenos_Aires')).toBe(true);
      expect(isTimeZone('UTC')).toBe(true);
      expect(isTimeZone('Mars/Olympus')).toBe(false);
      expect(isTimeZone('')).toBe(false);
    }
  });
});

describe('readJobRequest', () => {
  const read = (query: Record<string, string>) => readJobRequest(query, {});
  const code = (query: Record<string, string>) => {
    try {
      read(query);
    } catch (error) {
      if (error instanceof HttpProblem) return error.code;
      throw error;
    }
    return 'accepted';
  };

  it('makes a job with a dataset an import job, and needs a dataset for one', () => {
    expect(read({ dataset: 'contacts' })).toMatchObject({ type: 'import', dataset: 'contacts' });
    expect(read({})).toMatchObject({ type: 'normalize', dataset: undefined });
    expect(code({ type: 'import' })).toBe('invalid_option');
    expect(code({ type: 'normalize', dataset: 'contacts' })).toBe('invalid_option');
    expect(code({ type: 'export' })).toBe('invalid_option');
  });

  it('takes each option once, as a string: a repeated or structured value is invalid_option', () => {
    const query = (q: Record<string, unknown>) => () => readJobRequest(q as Request['query'], {});
    expect(problemOf(query({ phoneRegion: ['US', 'DE'] }))).toBe('invalid_option');
    expect(problemOf(query({ timeZone: { toString: '1' } }))).toBe('invalid_option');
    expect(problemOf(query({ type: ['import'], dataset: 'x' }))).toBe('invalid_option');
    // Form fields win over the query.
    expect(readJobRequest({ phoneRegion: 'US' }, { phoneRegion: 'DE' }).options.phoneRegion).toBe(
      'DE',
    );
  });

  it('reads columns strictly: types must be type names, rename a string', () => {
    expect(code({ columns: '{"name":{"type":{"toString":1}}}' })).toBe('invalid_option');
    expect(code({ columns: '{"name":{"rename":["a"]}}' })).toBe('invalid_option');
    expect(code({ columns: '{"name":{"rename":"out","colour":"red"}}' })).toBe('invalid_option');
    expect(read({ columns: '{"name":{"rename":" out "}}' }).columns.name?.rename).toBe('out');
  });

  it('reads split: true with type name only', () => {
    expect(read({ columns: '{"Name":{"type":"name","split":true}}' }).columns.Name).toEqual({
      type: 'name',
      required: undefined,
      rename: undefined,
      split: true,
    });
    expect(code({ columns: '{"Name":{"split":true}}' })).toBe('invalid_option');
    expect(code({ columns: '{"Name":{"type":"text","split":true}}' })).toBe('invalid_option');
    expect(code({ columns: '{"Name":{"type":"name","split":"yes"}}' })).toBe('invalid_option');
    expect(code({ columns: '{"Name":{"drop":true,"split":true}}' })).toBe('invalid_option');
  });

  it('reads drop: true alone, and refuses it with type, required or rename, naming them', () => {
    expect(read({ columns: '{"Notes":{"drop":true},"Mobile":"phone"}' }).columns).toEqual({
      Notes: { drop: true },
      Mobile: { type: 'phone', required: undefined, rename: undefined },
    });
    // drop: false keeps the column: the other fields apply as usual.
    expect(read({ columns: '{"Notes":{"drop":false,"type":"text"}}' }).columns.Notes).toEqual({
      type: 'text',
      required: undefined,
      rename: undefined,
    });
    for (const [spec, named] of [
      ['{"type":"text","drop":true}', 'type'],
      ['{"drop":true,"required":false}', 'required'],
      ['{"drop":true,"rename":"n","type":"text"}', 'type, rename'],
    ] as const) {
      let problem: HttpProblem | undefined;
      try {
        read({ columns: `{"Notes":${spec}}` });
      } catch (error) {
        problem = error as HttpProblem;
      }
      expect(problem?.code).toBe('invalid_option');
      expect(problem?.status).toBe(400);
      expect(problem?.message).toContain(
        `columns.Notes drops the column, so it cannot also set ${named}`,
      );
    }
    expect(code({ columns: '{"Notes":{"drop":"yes"}}' })).toBe('invalid_option');
  });

  it('keeps __proto__, constructor and prototype as column names (reported unknown later)', () => {
    const { columns } = read({
      columns: '{"__proto__":"phone","constructor":"email","prototype":{"rename":"p"}}',
    });
    expect(Object.keys(columns).sort()).toEqual(['__proto__', 'constructor', 'prototype']);
    expect(Object.hasOwn(columns, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(columns, '__proto__')?.value).toEqual({
      type: 'phone',
      required: undefined,
      rename: undefined,
    });
  });

  it('refuses text PostgreSQL cannot store in options and mappings: invalid_character', () => {
    expect(code({ columns: '{"name":{"rename":"a\\u0000b"}}' })).toBe('invalid_character');
    expect(code({ columns: '{"name":{"rename":"a\\ud800"}}' })).toBe('invalid_character');
    expect(code({ columns: '{"na\\u0000me":"phone"}' })).toBe('invalid_character');
    expect(code({ dataset: 'contacts\u0000' })).toBe('invalid_character');
  });

  it('validates the time zone', () => {
    expect(read({ timeZone: 'Asia/Tokyo' }).options.timeZone).toBe('Asia/Tokyo');
    expect(code({ timeZone: 'Asia/Nowhere' })).toBe('invalid_option');
  });
});

describe('readNormalizeOptionsBody (POST /v1/normalize options)', () => {
  it('takes string options and the defaults', () => {
    expect(readNormalizeOptionsBody(undefined)).toMatchObject({
      phoneRegion: 'US',
      timeZone: 'UTC',
    });
    expect(readNormalizeOptionsBody({ phoneRegion: 'de' }).phoneRegion).toBe('DE');
  });

  it('refuses non-string values, non-objects and unknown names with invalid_option, never a TypeError', () => {
    for (const options of [
      { phoneRegion: { toString: 1 } },
      { phoneRegion: ['US'] },
      { timeZone: 5 },
      { locale: null },
      [1],
      'US',
      JSON.parse('{"__proto__":{"phoneRegion":"DE"}}'),
      { phoneregion: 'DE' },
    ]) {
      expect(
        problemOf(() => readNormalizeOptionsBody(options)),
        JSON.stringify(options),
      ).toBe('invalid_option');
    }
  });
});
