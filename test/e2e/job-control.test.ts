// A client's control over its jobs: cancel (nothing of an import merged) and
// delete (everything stored for the job gone, the status cache included).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getText, type JobBody, submitCsv, waitForJob } from '../support/client.ts';
import { datasetTable } from '../support/dataset-tables.ts';
import { CONTACT_HEADER, contactDatasetColumns, contactRow } from '../support/generate-contacts.ts';
import { sample } from '../support/metrics-text.ts';
import { type Stack, startStack } from '../support/stack.ts';

let stack: Stack;
const db = new pg.Client({ connectionString: inject('databaseUrl') });

beforeAll(async () => {
  await db.connect();
  // Many small chunks: a cancel right after the 202 finds most of them pending.
  stack = await startStack({ queuePrefix: '{e2e-job-control}', env: { CHUNK_BYTES: '32768' } });
});

afterAll(async () => {
  await db.end();
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

const api = (path: string, init?: RequestInit) => fetch(`${stack.apiUrl}${path}`, init);
const problemCode = async (res: Response) => ((await res.json()) as { code: string }).code;

async function job(
  id: string,
): Promise<JobBody & { progress: { chunksDone: number; chunksTotal: number } }> {
  const res = await api(`/v1/jobs/${id}`, { headers: { 'cache-control': 'no-cache' } });
  expect(res.status).toBe(200);
  return (await res.json()) as JobBody & { progress: { chunksDone: number; chunksTotal: number } };
}

/** The API's sluice_job_duration_seconds for cancelled imports, from its real /metrics. */
async function cancelledDurations(): Promise<{ count: number; sum: number }> {
  const { body } = await getText(`${stack.apiUrl}/metrics`);
  const labels = { type: 'import', outcome: 'cancelled', process: 'api' };
  return {
    count: sample(body, 'sluice_job_duration_seconds_count', labels) ?? 0,
    sum: sample(body, 'sluice_job_duration_seconds_sum', labels) ?? 0,
  };
}

const contacts = (rows: number) =>
  `${CONTACT_HEADER}\n${Array.from({ length: rows }, (_, i) => contactRow(i + 1)).join('\n')}\n`;

describe('cancelling a job', () => {
  it('stops an import mid-way: status cancelled, pending chunks skipped, nothing merged', async () => {
    const declared = await api('/v1/datasets', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'cancel_me',
        columns: contactDatasetColumns('id'),
        key: ['id'],
      }),
    });
    expect(declared.status, await declared.text()).toBe(201);
    const submitted = await submitCsv(
      stack.apiUrl,
      contacts(60_000),
      '?type=import&dataset=cancel_me',
    );
    const timedBefore = await cancelledDurations();
    const res = await api(`/v1/jobs/${submitted.id}/cancel`, { method: 'POST' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as JobBody & { createdAt: string; finishedAt: string | null };
    expect(body.status).toBe('cancelled');
    expect(body.finishedAt).not.toBeNull();
    // The cancel finished the job: its whole time observed once, outcome cancelled.
    const timed = await cancelledDurations();
    expect(timed.count).toBe(timedBefore.count + 1);
    expect(timed.sum - timedBefore.sum).toBeCloseTo(
      (Date.parse(body.finishedAt!) - Date.parse(body.createdAt)) / 1000,
      2,
    );

    // The queue drains (workers skip the cancelled job's chunks): progress stops moving.
    let before = await job(submitted.id);
    for (;;) {
      await new Promise((r) => setTimeout(r, 1_000));
      const after = await job(submitted.id);
      if (after.progress.chunksDone === before.progress.chunksDone) break;
      before = after;
    }
    expect(before.status).toBe('cancelled');
    expect(before.progress.chunksDone).toBeLessThan(before.progress.chunksTotal);
    const { rows } = await db.query<{ n: number }>(
      `select count(*)::int as n from ${await datasetTable(db, 'cancel_me')}`,
    );
    expect(rows[0]!.n).toBe(0);

    const again = await api(`/v1/jobs/${submitted.id}/cancel`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(await problemCode(again)).toBe('job_already_final');
    // A cancel that finds the job final finished nothing: not observed again.
    expect((await cancelledDurations()).count).toBe(timed.count);

    // A retry resumes it: the chunks done before the cancel are kept, the rest run, the import merges.
    const retried = await api(`/v1/jobs/${submitted.id}/retry`, { method: 'POST' });
    expect(retried.status).toBe(202);
    expect(((await retried.json()) as JobBody).status).toBe('queued');
    const done = await waitForJob(stack.apiUrl, submitted.id);
    expect(done.status, JSON.stringify(done)).toBe('completed');
    expect(done.counts.rowsTotal).toBe(60_000);
    const merged = await db.query<{ n: number }>(
      `select count(*)::int as n from ${await datasetTable(db, 'cancel_me')}`,
    );
    expect(merged.rows[0]!.n).toBe(done.counts.rowsAccepted);
  });

  it('a retry of a job that is not failed or cancelled is 409 job_not_retryable', async () => {
    const submitted = await submitCsv(stack.apiUrl, contacts(5));
    expect((await waitForJob(stack.apiUrl, submitted.id)).status).toBe('completed');
    const res = await api(`/v1/jobs/${submitted.id}/retry`, { method: 'POST' });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 'job_not_retryable', jobStatus: 'completed' });
    const unknown = await api('/v1/jobs/00000000-0000-4000-8000-000000000000/retry', {
      method: 'POST',
    });
    expect(unknown.status).toBe(404);
  });

  it('of a finished job is 409 job_already_final and changes nothing', async () => {
    const submitted = await submitCsv(stack.apiUrl, contacts(20));
    expect((await waitForJob(stack.apiUrl, submitted.id)).status).toBe('completed');
    const res = await api(`/v1/jobs/${submitted.id}/cancel`, { method: 'POST' });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await res.json()).toMatchObject({ code: 'job_already_final', jobStatus: 'completed' });
    expect((await job(submitted.id)).status).toBe('completed');
  });

  it.each(['00000000-0000-4000-8000-000000000000', 'not-a-uuid'])(
    'of an unknown job %s is 404',
    async (id) => {
      const res = await api(`/v1/jobs/${id}/cancel`, { method: 'POST' });
      expect(res.status).toBe(404);
      expect(await problemCode(res)).toBe('job_not_found');
    },
  );
});

describe('deleting a job', () => {
  it('removes the job, its input, output and error rows, and its cached status', async () => {
    // Row 3 has an invalid e-mail: an error row to delete.
    const submitted = await submitCsv(stack.apiUrl, 'name,email\nAnn,ann@example.com\nBob,nope\n');
    const done = await waitForJob(stack.apiUrl, submitted.id);
    expect(done.status).toBe('completed');
    // Cached once finished: the next read is a HIT.
    await api(`/v1/jobs/${submitted.id}`);
    expect((await api(`/v1/jobs/${submitted.id}`)).headers.get('x-cache')).toBe('HIT');
    const fresh = await api(`/v1/jobs/${submitted.id}`, {
      headers: { 'cache-control': 'no-cache' },
    });
    expect(fresh.headers.get('x-cache')).toBe('MISS');

    const res = await api(`/v1/jobs/${submitted.id}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    for (const path of ['', '/result.csv', '/errors.csv']) {
      const gone = await api(`/v1/jobs/${submitted.id}${path}`);
      expect(gone.status, path).toBe(404);
    }
    const listed = (await (await api('/v1/jobs?limit=100')).json()) as { id: string }[];
    expect(listed.map((j) => j.id)).not.toContain(submitted.id);
    for (const table of ['jobs', 'job_chunks', 'job_row_errors']) {
      const column = table === 'jobs' ? 'id' : 'job_id';
      const { rows } = await db.query<{ n: number }>(
        `select count(*)::int as n from ${table} where ${column} = $1`,
        [submitted.id],
      );
      expect(rows[0]!.n, table).toBe(0);
    }
    expect((await api(`/v1/jobs/${submitted.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('of a running job stops it; the worker keeps serving other jobs', async () => {
    const big = await submitCsv(stack.apiUrl, contacts(30_000));
    expect((await api(`/v1/jobs/${big.id}`, { method: 'DELETE' })).status).toBe(204);
    const next = await submitCsv(stack.apiUrl, contacts(10));
    const done = await waitForJob(stack.apiUrl, next.id);
    expect(done.status).toBe('completed');
    expect((await getText(done.links.result)).body.trim().split('\n')).toHaveLength(11);
  });
});
