import { describe, expect, it } from 'vitest';
import { isAuthorizedScrape } from './scrape-token.ts';

describe('isAuthorizedScrape', () => {
  it('lets every scrape in when no token is set', () => {
    expect(isAuthorizedScrape(undefined, undefined)).toBe(true);
    expect(isAuthorizedScrape('Bearer anything', undefined)).toBe(true);
  });

  it('with a token, only the bearer of exactly that token', () => {
    const token = 'scrape-me-0123456789';
    expect(isAuthorizedScrape(`Bearer ${token}`, token)).toBe(true);
    expect(isAuthorizedScrape(`bearer ${token}`, token)).toBe(true);
    for (const header of [
      undefined,
      '',
      token,
      `Bearer ${token}x`,
      `Bearer ${token.slice(1)}`,
      'Basic abc',
    ]) {
      expect(isAuthorizedScrape(header, token), String(header)).toBe(false);
    }
  });
});
