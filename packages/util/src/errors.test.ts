import { describe, expect, it } from 'vitest';
import { errorChain, errorCode } from './errors.ts';

describe('errorChain', () => {
  it('yields the error and its causes, outermost first', () => {
    const inner = Object.assign(new Error('socket'), { code: 'ECONNRESET' });
    const outer = new Error('wrapped', { cause: new Error('middle', { cause: inner }) });
    expect([...errorChain(outer)].map((e) => e.message)).toEqual(['wrapped', 'middle', 'socket']);
    expect([...errorChain(outer)].map(errorCode)).toEqual([undefined, undefined, 'ECONNRESET']);
  });

  it('stops at a non-Error cause and at the depth limit (a cycle cannot loop)', () => {
    expect([...errorChain(new Error('a', { cause: 'text' }))]).toHaveLength(1);
    expect([...errorChain('not an error')]).toHaveLength(0);
    const cyclic = new Error('self');
    (cyclic as { cause?: unknown }).cause = cyclic;
    expect([...errorChain(cyclic, 3)]).toHaveLength(3);
  });
});
