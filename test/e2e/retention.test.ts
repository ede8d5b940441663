// Retention: a finished job is deleted JOB_RETENTION_DAYS after it finished,
// by the workers' scheduled purge (a BullMQ job scheduler), with its stored
// chunks and row errors; its cached status goes with it; the purge is counted.
// The same purge deletes the other POSTs' Idempotency-Keys after 24 hours.
import { findFreePort } from '@sluice/local-services';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getText, submitCsv, waitForJob } from '../support/client.ts';
import { sample } from '../support/metrics-text.ts';
import { type Stack, startStack } from '../support/stack.ts';

let stack: Stack;
let workerMetricsUrl: string;
const db = new pg.Client({ connectionString: inject('databaseUrl') });

beforeAll(async () => {
  await db.connect();
  const metricsPort = await findFreePort();
  workerMetricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  stack = await startStack({
    queuePrefix: '{e2e-retention}',
    workerEnv: {
      JOB_RETENTION_DAYS: '7',
      RETENTION_PURGE_INTERVAL_MS: '1000',
      METRICS_PORT: String(metricsPort),
    },
  });
});

afterAll(async () => {
  await db.end();
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

async function until(check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('retention', () => {
  it('purges a job finished longer ago than JOB_RETENTION_DAYS, keeps a recent one', async () => {
    const old = await submitCsv(stack.apiUrl, 'name,email\nAnn,ann@example.com\nBob,nope\n');
    const recent = await submitCsv(stack.apiUrl, 'name,email\nCy,cy@example.com\n');
    for (const id of [old.id, recent.id]) {
      expect((await waitForJob(stack.apiUrl, id)).status).toBe('completed');
    }
    // Finished status is cached: the purge must drop that entry too.
    await fetch(`${stack.apiUrl}/v1/jobs/${old.id}`);
    expect((await fetch(`${stack.apiUrl}/v1/jobs/${old.id}`)).headers.get('x-cache')).toBe('HIT');

    await db.query(`update jobs set finished_at = now() - interval '8 days' where id = $1`, [
      old.id,
    ]);
    await until(async () => (await fetch(`${stack.apiUrl}/v1/jobs/${old.id}`)).status === 404);
    const { rows } = await db.query<{ n: number }>(
      `select (select count(*) from job_chunks where job_id = $1)
            + (select count(*) from job_row_errors where job_id = $1) as n`,
      [old.id],
    );
    expect(Number(rows[0]!.n)).toBe(0);
    expect((await fetch(`${stack.apiUrl}/v1/jobs/${recent.id}`)).status).toBe(200);

    const metrics = (await getText(workerMetricsUrl)).body;
    expect(
      sample(metrics, 'sluice_retention_purged_rows_total', { table: 'jobs' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(metrics, 'sluice_retention_purged_rows_total', { table: 'job_row_errors' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('deletes Idempotency-Keys of the other POSTs 24 hours after their use, keeps recent ones', async () => {
    const post = (key: string, name: string) =>
      fetch(`${stack.apiUrl}/v1/datasets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ name, columns: [{ name: 'id', type: 'text' }], key: ['id'] }),
      });
    expect((await post('retention-old', 'retention_old')).status).toBe(201);
    expect((await post('retention-new', 'retention_new')).status).toBe(201);
    const count = async () =>
      Number(
        (
          await db.query<{ n: number }>(
            'select count(*)::int as n from idempotent_requests where tenant_id = $1',
            [stack.tenantId],
          )
        ).rows[0]!.n,
      );
    expect(await count()).toBe(2);
    await db.query(
      `update idempotent_requests set created_at = now() - interval '25 hours'
       where tenant_id = $1 and key_hash = sha256('retention-old')`,
      [stack.tenantId],
    );
    await until(async () => (await count()) === 1);
    const replayed = await post('retention-new', 'retention_new');
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(
      sample((await getText(workerMetricsUrl)).body, 'sluice_retention_purged_rows_total', {
        table: 'idempotent_requests',
      }),
    ).toBeGreaterThanOrEqual(1);
  });
});
