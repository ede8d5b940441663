import { HandBack, type JobAttempt } from '@sluice/queue';
import { handBackDelayMs } from './outage-policy.ts';

/** The longest a waiting job sleeps between looks (an earlier import may take minutes). */
const WAIT_CAP_MS = 30_000;

/** Why a job waits; the cause of its HandBack (for the log line). */
export class JobMustWait extends Error {
  override name = 'JobMustWait';
}

/**
 * Outcomes that mean "not now", which are no failure and must not use an
 * attempt: the job is not accepted yet (its API process is between enqueue
 * and acceptance, or died there: the reconciler then removes the job), or an
 * import into the same dataset that was accepted earlier has not finished
 * (imports merge in acceptance order).
 */
const WAITS: Readonly<Record<string, string>> = {
  'not-accepted': 'the job is not accepted yet',
  'earlier-import-pending': 'an earlier import into the same dataset is not finished',
};

/**
 * Hands the job back to the queue, delayed (500 ms, doubling to 30 s), when
 * `outcome` says it must wait; otherwise does nothing.
 */
export function waitIfNotReady(outcome: string, attempt: JobAttempt): void {
  const reason = WAITS[outcome];
  if (reason === undefined) return;
  throw new HandBack(handBackDelayMs(attempt.handBacks, WAIT_CAP_MS), new JobMustWait(reason));
}
