import { describe, expect, it } from 'vitest';
import { isRedisConnectionError } from './redis-errors.ts';

describe('isRedisConnectionError', () => {
  it.each([
    [
      'refused',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }),
    ],
    [
      'offline queue off',
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
    ],
    ['closed', new Error('Connection is closed.')],
    [
      'retries',
      Object.assign(new Error('Reached the max retries per request limit (which is 1).'), {
        name: 'MaxRetriesPerRequestError',
      }),
    ],
    ['loading', new Error('LOADING Redis is loading the dataset in memory')],
    ['wrapped', new Error('queue unavailable', { cause: new Error('Connection is closed.') })],
  ])('%s: yes', (_, error) => {
    expect(isRedisConnectionError(error)).toBe(true);
  });

  it.each([
    ['wrong type', new Error('WRONGTYPE Operation against a key holding the wrong kind of value')],
    ['script', new Error('ERR Error running script')],
    ['not an error', 'ECONNREFUSED'],
  ])('%s: no', (_, error) => {
    expect(isRedisConnectionError(error)).toBe(false);
  });
});
