import { afterAll, beforeAll, expect, it } from 'vitest';
import { getText, submitCsv, waitForJob } from '../support/client.ts';
import { type Stack, startStack } from '../support/stack.ts';

// Concurrent small submissions share their store, enqueue and accept round
// trips (apps/api/src/jobs/intake.ts): each must still get its own job, with
// its own file and its own result, none lost or mixed up with another.

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    queuePrefix: '{e2e-concurrent}',
    env: { MAX_CONCURRENT_UPLOADS_PER_CLIENT: '100' },
  });
});

afterAll(async () => {
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

const SUBMISSIONS = 60;

/** Submission i: its own number of rows, and labels and e-mails that say which it is. */
const fileOf = (i: number) =>
  `label,email\n${Array.from({ length: 1 + (i % 4) }, (_, r) => `row ${i} ${r},p${i}.${r}@Example.ORG`).join('\n')}\n`;

it('gives each of many concurrent small submissions its own job, file and result', async () => {
  const jobs = await Promise.all(
    Array.from({ length: SUBMISSIONS }, (_, i) =>
      submitCsv(stack.apiUrl, fileOf(i), `?filename=concurrent-${i}.csv`),
    ),
  );
  expect(new Set(jobs.map((j) => j.id)).size).toBe(SUBMISSIONS);
  jobs.forEach((job, i) => {
    expect(job.status).toBe('queued');
    expect(job.fileName).toBe(`concurrent-${i}.csv`);
    expect(job.counts.rowsTotal).toBe(1 + (i % 4));
  });
  const finished = await Promise.all(jobs.map((j) => waitForJob(stack.apiUrl, j.id)));
  expect(finished.map((j) => j.status)).toEqual(jobs.map(() => 'completed'));
  const results = await Promise.all(
    jobs.map((j) => getText(`${stack.apiUrl}/v1/jobs/${j.id}/result.csv`)),
  );
  results.forEach((result, i) => {
    expect(result.status).toBe(200);
    const expected = Array.from(
      { length: 1 + (i % 4) },
      (_, r) => `row ${i} ${r},p${i}.${r}@example.org`,
    );
    expect(result.body.trim().split(/\r?\n/).slice(1)).toEqual(expected);
  });
});
