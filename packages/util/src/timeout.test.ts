import { describe, expect, it } from 'vitest';
import { TimeoutError, withTimeout } from './timeout.ts';

describe('withTimeout', () => {
  it('answers with the work when it settles first', async () => {
    await expect(withTimeout(Promise.resolve(42), 1000)).resolves.toBe(42);
    await expect(withTimeout(Promise.reject(new Error('no')), 1000)).rejects.toThrow('no');
  });

  it('rejects with an ETIMEDOUT TimeoutError when the work does not settle in time', async () => {
    const never = new Promise<never>(() => {});
    const error = await withTimeout(never, 20).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'ETIMEDOUT', timeoutMs: 20 });
    expect((error as Error).message).toBe('no answer within 20 ms');
  });
});
