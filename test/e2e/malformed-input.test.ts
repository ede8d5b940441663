// The malformed-input suite: every file in test/fixtures/malformed goes
// through the HTTP API of real API and worker processes, and gets exactly the
// outcome test/fixtures/malformed/expected.json states (a 4xx code, or a job
// with these row counts and row errors). Meanwhile: no 5xx, no process dies,
// and the processes' peak memory stays bounded.
import { readdirSync, readFileSync } from 'node:fs';
import { parseRecords } from '@sluice/csv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getText, type JobBody, waitForJob } from '../support/client.ts';
import { type Stack, startStack } from '../support/stack.ts';

const DIR = new URL('../fixtures/malformed/', import.meta.url);

interface Expected {
  source: string;
  about: string;
  status: number;
  query?: string;
  code?: string;
  detected?: string;
  rows?: { total: number; accepted?: number; rejected?: number; blank?: number };
  /** Every row of errors.csv as [row, code]. */
  errors?: [number, string][];
  /** Subset of the job's options.dialect. */
  dialect?: Record<string, unknown>;
  /** [index among accepted rows, column, value] cells of result.csv. */
  values?: [number, string, string][];
}

const EXPECTED = JSON.parse(readFileSync(new URL('expected.json', DIR), 'utf8')) as Record<
  string,
  Expected
>;
const FILES = readdirSync(DIR)
  .filter((name) => name !== 'expected.json' && name !== 'README.md')
  .sort();

/**
 * Peak resident memory of each process (VmHWM), in MB. Bounds stated for the
 * suite's settings (16 KB chunks, 64 KB records, uploads of at most ~100 KB):
 * measured about 215 MB for the API and 225 MB for a worker with its threads
 * (most of it is the processes' own baseline).
 */
const MAX_API_MB = 300;
const MAX_WORKER_MB = 500;

function peakMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmHWM for ${pid}`);
  return Number(kb) / 1024;
}

function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

const cells = (csv: string) =>
  parseRecords(csv, { maxFields: 2000 }).map((r) => ('fields' in r ? r.fields : []));

/** What went differently from `expected` for one file (empty: as expected). */
async function check(apiUrl: string, file: string, expected: Expected): Promise<string[]> {
  const res = await fetch(`${apiUrl}/v1/jobs${expected.query ?? ''}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: readFileSync(new URL(file, DIR)),
  });
  const body = (await res.json()) as Record<string, unknown>;
  const problems: string[] = [];
  const want = (what: string, got: unknown, wanted: unknown) => {
    if (JSON.stringify(got) !== JSON.stringify(wanted))
      problems.push(`${what}: got ${JSON.stringify(got)}, expected ${JSON.stringify(wanted)}`);
  };
  want('status', res.status, expected.status);
  if (res.status !== 202 || expected.status !== 202) {
    if (expected.code) want('code', body.code, expected.code);
    if (expected.detected) want('detected', body.detected, expected.detected);
    if (problems.length > 0) problems.push(`body ${JSON.stringify(body)}`);
    return problems;
  }
  const job = (await waitForJob(apiUrl, body.id as string, 60_000)) as JobBody & {
    options: { dialect: Record<string, unknown> };
  };
  want('job status', job.status, 'completed');
  if (job.status !== 'completed') return [...problems, `error ${job.error}`];
  const counts = {
    total: job.counts.rowsTotal,
    accepted: job.counts.rowsAccepted,
    rejected: job.counts.rowsRejected,
    blank: job.counts.rowsBlank,
  };
  for (const [key, value] of Object.entries(expected.rows ?? {})) {
    want(`rows.${key}`, counts[key as keyof typeof counts], value);
  }
  if (expected.dialect) {
    const dialect = (await (await fetch(job.links.self)).json()) as typeof job;
    for (const [key, value] of Object.entries(expected.dialect))
      want(`dialect.${key}`, dialect.options.dialect[key], value);
  }
  if (expected.errors) {
    const [, ...errors] = cells((await getText(job.links.errors)).body);
    want(
      'errors',
      errors.map((e) => [Number(e[0]), e[3]]),
      expected.errors,
    );
  }
  if (expected.values) {
    const [header = [], ...result] = cells((await getText(job.links.result)).body);
    for (const [row, column, value] of expected.values)
      want(`result[${row}].${column}`, result[row]?.[header.indexOf(column)], value);
  }
  return problems;
}

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    queuePrefix: '{e2e-malformed}',
    // Small limits so that chunk boundaries and the record limit are reached
    // by small fixture files.
    env: { CHUNK_BYTES: '16KB', MAX_RECORD_BYTES: '64KB' },
  });
});

afterAll(async () => {
  const codes = await stack?.stop();
  // Graceful shutdown on SIGTERM exits 0: nothing crashed on the way.
  expect(codes).toEqual(codes?.map(() => 0));
});

describe('malformed-input suite', () => {
  it('has an expectation for every fixture file, and at least 60 files', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(60);
    expect(Object.keys(EXPECTED).sort()).toEqual(FILES);
  });

  it('gives every file its expected outcome, no 5xx, no crash, bounded memory', async () => {
    const outcomes = new Map<string, string[]>();
    // A few uploads at a time: jobs overlap in the worker as they would in use.
    const queue = [...FILES];
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        for (let file = queue.shift(); file; file = queue.shift()) {
          outcomes.set(
            file,
            await check(stack.apiUrl, file, EXPECTED[file]!).catch((e: unknown) => [String(e)]),
          );
        }
      }),
    );
    const failed = [...outcomes].filter(([, problems]) => problems.length > 0);
    expect(Object.fromEntries(failed)).toEqual({});

    for (const process of [stack.api, ...stack.workers]) {
      expect(alive(process.pid), `${process.name} is alive`).toBe(true);
    }
    const api = peakMb(stack.api.pid);
    const workers = stack.workers.map((w) => peakMb(w.pid));
    console.log(
      `malformed suite: ${FILES.length} files; peak RSS: API ${api.toFixed(0)} MB, worker ${workers.map((w) => w.toFixed(0)).join(', ')} MB`,
    );
    expect(api).toBeLessThan(MAX_API_MB);
    for (const worker of workers) expect(worker).toBeLessThan(MAX_WORKER_MB);
  });
});
