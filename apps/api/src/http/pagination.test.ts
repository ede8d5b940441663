import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { readPage, setPageHeaders } from './pagination.ts';
import { HttpProblem } from './problem.ts';

const request = (query: Record<string, string | undefined>, url = '/v1/datasets/x/rows') =>
  ({ query, originalUrl: url }) as unknown as Request;

function headersFor(url: string, page: { limit: number; offset: number }, total: number) {
  const headers: Record<string, string> = {};
  const res = { setHeader: (k: string, v: string) => (headers[k] = v) } as unknown as Response;
  setPageHeaders(request({}, url), res, 'http://api', page, total);
  return headers;
}

describe('readPage', () => {
  it('defaults and bounds', () => {
    expect(readPage(request({}))).toEqual({ limit: 100, offset: 0 });
    expect(readPage(request({ limit: '1000', offset: '5' }))).toEqual({ limit: 1000, offset: 5 });
    for (const query of [
      { limit: '0' },
      { limit: '1001' },
      { limit: '-1' },
      { offset: '1e3' },
      { limit: 'ten' },
    ]) {
      expect(() => readPage(request(query))).toThrow(HttpProblem);
    }
  });

  it('says which parameter is wrong and what it must be', () => {
    expect(() => readPage(request({ limit: '1001' }))).toThrow(
      'limit must be a whole number from 1 to 1000.',
    );
    expect(() =>
      readPage({ query: { offset: ['1', '2'] }, originalUrl: '/' } as unknown as Request),
    ).toThrow(`offset must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}.`);
  });
});

describe('setPageHeaders', () => {
  it('links first, prev, next and last, keeping other query parameters', () => {
    const h = headersFor(
      '/v1/datasets/x/rows?limit=10&offset=10&q=a',
      { limit: 10, offset: 10 },
      35,
    );
    expect(h['x-total-count']).toBe('35');
    expect(h.link).toBe(
      [
        '<http://api/v1/datasets/x/rows?limit=10&offset=0&q=a>; rel="first"',
        '<http://api/v1/datasets/x/rows?limit=10&offset=0&q=a>; rel="prev"',
        '<http://api/v1/datasets/x/rows?limit=10&offset=20&q=a>; rel="next"',
        '<http://api/v1/datasets/x/rows?limit=10&offset=30&q=a>; rel="last"',
      ].join(', '),
    );
  });

  it('has no prev on the first page, no next on the last, and a last link when empty', () => {
    const first = headersFor('/r', { limit: 10, offset: 0 }, 10);
    expect(first.link).not.toContain('rel="prev"');
    expect(first.link).not.toContain('rel="next"');
    expect(headersFor('/r', { limit: 10, offset: 0 }, 0).link).toContain('offset=0>; rel="last"');
  });
});
