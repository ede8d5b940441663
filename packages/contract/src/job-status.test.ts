import { describe, expect, it } from 'vitest';
import {
  isFinal,
  JOB_STATUSES,
  STORED_JOB_STATUSES,
  UNFINISHED_JOB_STATUSES,
} from './job-status.ts';

describe('job statuses', () => {
  it('are final except queued and running', () => {
    expect(JOB_STATUSES.filter(isFinal)).toEqual(['completed', 'failed', 'cancelled']);
    expect(JOB_STATUSES.filter((s) => !isFinal(s))).toEqual([...UNFINISHED_JOB_STATUSES]);
  });

  it('are stored with receiving first, which is not final (the upload is still arriving)', () => {
    expect(STORED_JOB_STATUSES).toEqual(['receiving', ...JOB_STATUSES]);
    expect(isFinal('receiving')).toBe(false);
  });
});
