import { describe, expect, it } from 'vitest';
import { hrefOf, parseLocation } from './routes.ts';

describe('hash routes', () => {
  it('reads each page, its parameter and its query', () => {
    expect(parseLocation('').route).toEqual({ page: 'new' });
    expect(parseLocation('#/new').route).toEqual({ page: 'new' });
    expect(parseLocation('#/jobs').route).toEqual({ page: 'jobs' });
    expect(parseLocation('#/jobs/').route).toEqual({ page: 'jobs' });
    const job = parseLocation('#/jobs/0b7e2f7c?column=e%20mail&code=invalid_email&offset=50');
    expect(job.route).toEqual({ page: 'job', id: '0b7e2f7c' });
    expect(job.path).toBe('/jobs/0b7e2f7c');
    expect(Object.fromEntries(job.query)).toEqual({
      column: 'e mail',
      code: 'invalid_email',
      offset: '50',
    });
    expect(parseLocation('#/datasets').route).toEqual({ page: 'datasets' });
    expect(parseLocation('#/datasets/contacts').route).toEqual({
      page: 'dataset',
      name: 'contacts',
    });
  });

  it('knows no other page, nor a malformed escape', () => {
    for (const hash of ['#/nope', '#/new/x', '#/jobs/a/b', '#/jobs/%E0%A4%A', 'jobs']) {
      expect(parseLocation(hash).route, hash).toEqual({ page: 'missing' });
    }
  });

  it('writes what it reads: parameters escaped, an empty query value kept', () => {
    const query = new URLSearchParams({ column: 'a/b c', code: '', offset: '20' });
    const href = hrefOf({ page: 'job', id: 'x/y' }, query);
    expect(href).toBe('#/jobs/x%2Fy?column=a%2Fb+c&code=&offset=20');
    const back = parseLocation(href);
    expect(back.route).toEqual({ page: 'job', id: 'x/y' });
    expect(back.query.get('column')).toBe('a/b c');
    expect(back.query.get('code')).toBe('');
    expect(hrefOf({ page: 'datasets' })).toBe('#/datasets');
    expect(hrefOf({ page: 'jobs' }, new URLSearchParams())).toBe('#/jobs');
  });
});
