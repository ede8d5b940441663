import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../http/problem.ts';
import { isTimeZone, readJobRequest } from './job-options.ts';

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

  it('validates the time zone', () => {
    expect(read({ timeZone: 'Asia/Tokyo' }).options.timeZone).toBe('Asia/Tokyo');
    expect(code({ timeZone: 'Asia/Nowhere' })).toBe('invalid_option');
  });
});
