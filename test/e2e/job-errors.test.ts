// A job's row errors as JSON (GET /v1/jobs/{id}/errors) and counted by
// column and code (GET /v1/jobs/{id}/errors/summary): the same rows as
// errors.csv, filtered and paged like every list, and counts that stay
// exact when the stored report is cut at MAX_ERROR_ROWS_PER_JOB.

import type { JobErrorBody, JobErrorSummaryBody } from '@sluice/contract';
import { parseRecords } from '@sluice/csv';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { issueTestKey } from '../support/api-keys.ts';
import { type JobBody, submitCsv, waitForJob } from '../support/client.ts';
import { type Stack, startStack } from '../support/stack.ts';

/** Stored error rows per job at most. */
const CAP = 200;

let stack: Stack;

beforeAll(async () => {
  // Small chunks: every file here spans several, committed by two workers in any order.
  stack = await startStack({
    queuePrefix: '{e2e-job-errors}',
    workers: 2,
    env: { CHUNK_BYTES: '16KB' },
    workerEnv: {
      MAX_ERROR_ROWS_PER_JOB: String(CAP),
      ERROR_RATE_MIN_ROWS: '100',
      MAX_ERROR_RATE: '0.5',
    },
  });
});

afterAll(async () => {
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

const api = (path: string, init?: RequestInit) => fetch(`${stack.apiUrl}${path}`, init);

async function run(csv: string): Promise<JobBody> {
  const columns = { id: 'integer', email: 'email', age: 'integer' };
  const query = `?columns=${encodeURIComponent(JSON.stringify(columns))}`;
  const submitted = await submitCsv(stack.apiUrl, csv, query);
  return await waitForJob(stack.apiUrl, submitted.id);
}

async function getJson<T>(path: string): Promise<{ res: Response; body: T }> {
  const res = await api(path);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return { res, body: JSON.parse(text) as T };
}

/** Every page of a list, following its Link rel="next" from `path`. */
async function allPages(path: string): Promise<{ items: JobErrorBody[]; pages: number }> {
  const items: JobErrorBody[] = [];
  let url: string | undefined = `${stack.apiUrl}${path}`;
  let pages = 0;
  while (url !== undefined) {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const page = (await res.json()) as JobErrorBody[];
    items.push(...page);
    pages++;
    expect(Number(res.headers.get('x-total-count'))).toBeGreaterThanOrEqual(items.length);
    url = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
  }
  return { items, pages };
}

/** errors.csv's data rows. */
async function errorsCsv(job: JobBody): Promise<string[][]> {
  const res = await fetch(job.links.errors);
  expect(res.status).toBe(200);
  const [header, ...rows] = parseRecords(await res.text(), { maxFields: 10 }).map((r) => {
    if ('error' in r) throw new Error(`errors.csv does not parse: ${r.error.message}`);
    return r.fields;
  });
  expect(header).toEqual(['row', 'column', 'value', 'code', 'message']);
  return rows;
}

/** A JSON error as errors.csv writes it (null as an empty cell). */
const asCsvRow = (e: JobErrorBody) => [
  String(e.recordNumber),
  e.column ?? '',
  e.value ?? '',
  e.code,
  e.message,
];

/**
 * 1,200 rows (several chunks) with errors in three columns and whole rows:
 * an invalid email every 20th row, an age that is no integer every 30th, an
 * id that is none every 50th, an extra field every 100th (rejected, one
 * row-level error).
 */
const ROWS = 1200;
function mixedFile(): string {
  const lines = ['id,email,age,note'];
  for (let i = 0; i < ROWS; i++) {
    const id = i % 50 === 2 ? 'abc' : String(i);
    const email = i % 20 === 0 ? 'not-an-email' : `p${i}@example.com`;
    const age = i % 30 === 1 ? 'old' : '30';
    lines.push(`${id},${email},${age},note ${i}${i % 100 === 3 ? ',extra' : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
const count = (every: number, at: number) =>
  Array.from({ length: ROWS }, (_, i) => i).filter((i) => i % every === at).length;
const EMAILS = count(20, 0);
const AGES = count(30, 1);
const IDS = count(50, 2);
const ROW_LEVEL = count(100, 3);

describe('a job with errors in several columns and codes', () => {
  let job: JobBody;
  let csv: string[][];

  beforeAll(async () => {
    job = await run(mixedFile());
    expect(job.status).toBe('completed');
    expect(job.progress.chunksTotal).toBeGreaterThan(1);
    expect(job.counts.errors).toBe(EMAILS + AGES + IDS + ROW_LEVEL);
    expect(job.counts.errorsTruncated).toBe(false);
    csv = await errorsCsv(job);
  });

  it('lists the rows of errors.csv, in its order, with the same columns and values', async () => {
    const { items, pages } = await allPages(`/v1/jobs/${job.id}/errors?limit=50`);
    expect(pages).toBe(Math.ceil(job.counts.errors / 50));
    expect(items.map(asCsvRow)).toEqual(csv);
    expect(items.length).toBe(job.counts.errors);
    // File order: record numbers never go back.
    const records = items.map((e) => e.recordNumber);
    expect(records).toEqual([...records].sort((a, b) => a - b));
    expect(items[0]).toEqual({
      recordNumber: 2,
      column: 'email',
      value: 'not-an-email',
      code: 'invalid_email',
      message: expect.any(String),
    });
  });

  it('filters by column, by code, by both, and `column=` for errors about a whole row', async () => {
    const list = (query: string) => allPages(`/v1/jobs/${job.id}/errors?${query}`);
    const email = await list('column=email');
    expect(email.items.map(asCsvRow)).toEqual(csv.filter((r) => r[1] === 'email'));
    expect(email.items).toHaveLength(EMAILS);

    const integers = await list('code=invalid_integer');
    expect(integers.items.map(asCsvRow)).toEqual(csv.filter((r) => r[3] === 'invalid_integer'));
    expect(integers.items).toHaveLength(AGES + IDS);

    const ages = await list('column=age&code=invalid_integer');
    expect(ages.items).toHaveLength(AGES);
    expect(ages.items.every((e) => e.column === 'age' && e.value === 'old')).toBe(true);

    const rows = await list('column=');
    expect(rows.items).toHaveLength(ROW_LEVEL);
    expect(rows.items.map(asCsvRow)).toEqual(csv.filter((r) => r[1] === ''));
    expect(rows.items.every((e) => e.column === null && e.code === 'column_count_mismatch')).toBe(
      true,
    );

    // A column or code the job has no error of: an empty list.
    expect((await list('column=note')).items).toEqual([]);
    expect((await list('column=Email')).items).toEqual([]);
    expect((await list('code=invalid_phone')).items).toEqual([]);
  });

  it('pages like every list: X-Total-Count and Link with first, prev, next and last', async () => {
    const { res, body } = await getJson<JobErrorBody[]>(
      `/v1/jobs/${job.id}/errors?column=email&limit=25&offset=25`,
    );
    expect(body.map(asCsvRow)).toEqual(csv.filter((r) => r[1] === 'email').slice(25, 50));
    expect(res.headers.get('x-total-count')).toBe(String(EMAILS));
    const links: Record<string, URL> = Object.fromEntries(
      [...(res.headers.get('link') ?? '').matchAll(/<([^>]+)>; rel="(\w+)"/g)].map((m) => [
        m[2]!,
        new URL(m[1]!),
      ]),
    );
    expect(Object.keys(links).sort()).toEqual(['first', 'last', 'next', 'prev']);
    for (const link of Object.values(links)) {
      expect(link.searchParams.get('column')).toBe('email');
      expect(link.searchParams.get('limit')).toBe('25');
    }
    expect(links.next!.searchParams.get('offset')).toBe('50');
    expect(links.prev!.searchParams.get('offset')).toBe('0');
    expect(links.last!.searchParams.get('offset')).toBe(String(Math.floor((EMAILS - 1) / 25) * 25));

    // The default page is 100 errors.
    const first = await getJson<JobErrorBody[]>(`/v1/jobs/${job.id}/errors`);
    expect(first.body).toHaveLength(100);
    expect(first.res.headers.get('x-total-count')).toBe(String(job.counts.errors));
  });

  it('counts by column and code, exactly, adding up to the job counts', async () => {
    const { body } = await getJson<JobErrorSummaryBody>(`/v1/jobs/${job.id}/errors/summary`);
    expect(body).toEqual({
      errors: job.counts.errors,
      stored: job.counts.errors,
      truncated: false,
      exact: true,
      columns: [
        { column: 'email', errors: EMAILS, codes: [{ code: 'invalid_email', errors: EMAILS }] },
        { column: 'age', errors: AGES, codes: [{ code: 'invalid_integer', errors: AGES }] },
        { column: 'id', errors: IDS, codes: [{ code: 'invalid_integer', errors: IDS }] },
        {
          column: null,
          errors: ROW_LEVEL,
          codes: [{ code: 'column_count_mismatch', errors: ROW_LEVEL }],
        },
      ],
      codes: [
        { code: 'invalid_integer', errors: AGES + IDS },
        { code: 'invalid_email', errors: EMAILS },
        { code: 'column_count_mismatch', errors: ROW_LEVEL },
      ],
    });
  });

  it('refuses a bad filter or page with problem+json', async () => {
    const cases: Array<[string, string, string]> = [
      ['code=Not%20a%20code', 'invalid_filter', 'code'],
      ['code=', 'invalid_filter', 'code'],
      ['column=a&column=b', 'invalid_filter', 'column'],
      ['code=a&code=b', 'invalid_filter', 'code'],
      ['limit=0', 'invalid_pagination', 'limit'],
      ['offset=-1', 'invalid_pagination', 'offset'],
      ['column=a%00b', 'invalid_character', 'column'],
    ];
    for (const [query, code, field] of cases) {
      const res = await api(`/v1/jobs/${job.id}/errors?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await res.json(), query).toMatchObject({ code, field });
    }
  });

  it("is another tenant's job as much as a job that does not exist: 404; and needs jobs:read", async () => {
    const other = (await issueTestKey(inject('databaseUrl'), 'e2e-job-errors-b')).key;
    const missing = '00000000-0000-4000-8000-00000000abcd';
    for (const suffix of ['errors', 'errors/summary']) {
      const theirs = await api(`/v1/jobs/${job.id}/${suffix}`, {
        headers: { authorization: `Bearer ${other}` },
      });
      expect(theirs.status).toBe(404);
      const body = (await theirs.json()) as { code: string; detail: string };
      expect(body.code).toBe('job_not_found');
      const none = await api(`/v1/jobs/${missing}/${suffix}`);
      expect(none.status).toBe(404);
      expect(((await none.json()) as { detail: string }).detail).toBe(
        body.detail.replace(job.id, missing),
      );
      expect((await api(`/v1/jobs/not-a-uuid/${suffix}`)).status).toBe(404);
    }

    const writer = (await issueTestKey(inject('databaseUrl'), 'e2e-job-errors', ['jobs:write']))
      .key;
    const refused = await api(`/v1/jobs/${job.id}/errors`, {
      headers: { authorization: `Bearer ${writer}` },
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'insufficient_scope' });
  });
});

describe('a job whose errors exceed the stored cap', () => {
  it('lists the stored errors (the cap) and counts all of them exactly', async () => {
    // 3,000 rows (several chunks): every email invalid, every other age too.
    const lines = ['id,email,age'];
    for (let i = 0; i < 3000; i++) lines.push(`${i},nobody${i},${i % 2 === 0 ? 'x' : 40}`);
    const job = await run(`${lines.join('\n')}\n`);
    expect(job.status).toBe('completed');
    expect(job.progress.chunksTotal).toBeGreaterThan(3);
    expect(job.counts).toMatchObject({ errors: 4500, errorsStored: CAP, errorsTruncated: true });

    const { body: summary } = await getJson<JobErrorSummaryBody>(
      `/v1/jobs/${job.id}/errors/summary`,
    );
    expect(summary).toEqual({
      errors: 4500,
      stored: CAP,
      truncated: true,
      exact: true,
      columns: [
        { column: 'email', errors: 3000, codes: [{ code: 'invalid_email', errors: 3000 }] },
        { column: 'age', errors: 1500, codes: [{ code: 'invalid_integer', errors: 1500 }] },
      ],
      codes: [
        { code: 'invalid_email', errors: 3000 },
        { code: 'invalid_integer', errors: 1500 },
      ],
    });

    // The list is errors.csv: the stored rows only.
    const { items } = await allPages(`/v1/jobs/${job.id}/errors?limit=1000`);
    expect(items).toHaveLength(CAP);
    expect(items.map(asCsvRow)).toEqual(await errorsCsv(job));
    const ages = await api(`/v1/jobs/${job.id}/errors?column=age&limit=1`);
    expect(Number(ages.headers.get('x-total-count'))).toBe(
      items.filter((e) => e.column === 'age').length,
    );
  });
});

describe('availability follows errors.csv', () => {
  it('a job stopped for its error rate has its errors listed and counted', async () => {
    // Every row has a field too many: the first chunk rejects them all.
    const lines = ['id,email,age'];
    for (let i = 0; i < 2000; i++) lines.push(`${i},p${i}@example.com,40,extra`);
    const job = await run(`${lines.join('\n')}\n`);
    expect(job.status).toBe('failed');
    expect(job.errorCode).toBe('error_rate_exceeded');
    const { body } = await getJson<JobErrorSummaryBody>(`/v1/jobs/${job.id}/errors/summary`);
    expect(body).toMatchObject({ errors: job.counts.errors, exact: true });
    expect(body.columns).toEqual([
      {
        column: null,
        errors: job.counts.errors,
        codes: [{ code: 'column_count_mismatch', errors: job.counts.errors }],
      },
    ]);
    const { items } = await allPages(`/v1/jobs/${job.id}/errors?limit=1000`);
    expect(items.map(asCsvRow)).toEqual(await errorsCsv(job));
  });

  it('a job not completed (queued, then cancelled) is 409 job_not_completed, as errors.csv', async () => {
    // No worker takes it: a second API on this stack's database with no workers of its queues.
    const idle = await startStack({ queuePrefix: '{e2e-job-errors-idle}', workers: 0 });
    try {
      const submitted = await submitCsv(idle.apiUrl, 'id,email\n1,nobody\n');
      const expectNotCompleted = async (status: string) => {
        for (const suffix of ['errors', 'errors/summary', 'errors.csv']) {
          const res = await fetch(`${idle.apiUrl}/v1/jobs/${submitted.id}/${suffix}`);
          expect(res.status, suffix).toBe(409);
          expect(await res.json()).toMatchObject({ code: 'job_not_completed', jobStatus: status });
        }
      };
      await expectNotCompleted('queued');
      const cancelled = await fetch(`${idle.apiUrl}/v1/jobs/${submitted.id}/cancel`, {
        method: 'POST',
      });
      expect(cancelled.status).toBe(200);
      await expectNotCompleted('cancelled');
    } finally {
      const codes = await idle.stop();
      expect(codes).toEqual(codes.map(() => 0));
    }
  });
});
