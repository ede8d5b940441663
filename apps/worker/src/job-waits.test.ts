import { HandBack } from '@sluice/queue';
import { describe, expect, it } from 'vitest';
import { JobMustWait, waitIfNotReady } from './job-waits.ts';

const attempt = (handBacks: number) => ({ bullJobId: 'job-x', signal: undefined, handBacks });

describe('waitIfNotReady', () => {
  it.each(['applied', 'completed', 'already-done', 'job-gone', 'chunks-pending', 'missing'])(
    'lets %s through',
    (outcome) => {
      expect(() => waitIfNotReady(outcome, attempt(0))).not.toThrow();
    },
  );

  it.each([
    ['not-accepted', 'the job is not accepted yet'],
    ['earlier-import-pending', 'an earlier import into the same dataset is not finished'],
  ])('hands %s back, saying why, with a delay that grows to 30 s', (outcome, reason) => {
    const thrown = (handBacks: number) => {
      try {
        waitIfNotReady(outcome, attempt(handBacks));
      } catch (error) {
        return error as HandBack;
      }
      throw new Error('expected a hand-back');
    };
    const first = thrown(0);
    expect(first).toBeInstanceOf(HandBack);
    expect(first.cause).toBeInstanceOf(JobMustWait);
    expect((first.cause as Error).message).toBe(reason);
    expect(first.delayMs).toBeGreaterThanOrEqual(500);
    expect(first.delayMs).toBeLessThanOrEqual(625);
    expect(thrown(20).delayMs).toBeGreaterThanOrEqual(30_000);
    expect(thrown(20).delayMs).toBeLessThanOrEqual(37_500);
  });
});
