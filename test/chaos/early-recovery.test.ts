import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type JobBody, postStream } from '../support/client.ts';
import { generateContactsCsv } from '../support/generate-contacts.ts';
import { type ChaosStack, startChaosStack } from './support/chaos-stack.ts';
import { type NormalizeOutcome, normalizeWorkload } from './support/normalize-workload.ts';
import type { Workload } from './support/workload.ts';

// A worker SIGKILLed while it processes a chunk of an upload that is still
// arriving (an early chunk job, UPLOAD_EARLY_PROCESSING): the chunk it held
// is processed again by a live worker (the job's flow claims it, or the
// early job comes back through the stalled check), and the job ends exactly
// like an undisturbed run of the same file.

const ROWS = 20_000;
const FIRST_PART = 12_000;
const FILE_SEED = 17;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let stack: ChaosStack;
let db: pg.Client;
let workload: Workload<NormalizeOutcome>;
let reference: NormalizeOutcome;

beforeAll(async () => {
  // One worker of one thread: while the upload waits, it is always at some chunk.
  stack = await startChaosStack({
    workers: 1,
    apiEnv: { UPLOAD_EARLY_PROCESSING: 'true', UPLOAD_MIN_BYTES_PER_SECOND: '0' },
  });
  db = new pg.Client({ connectionString: stack.postgres.url });
  await db.connect();
  workload = normalizeWorkload({
    apiUrl: stack.apiUrl,
    databaseUrl: stack.postgres.url,
    rows: ROWS,
    fileSeed: FILE_SEED,
  });
  const jobId = await workload.submit('early_reference');
  reference = await workload.settle('early_reference', jobId);
  workload.checkReference(reference);
});

afterAll(async () => {
  await db?.end();
  await stack?.stop();
});

interface Claim {
  jobId: string;
  seq: number;
  attempt: number;
}

/** A chunk of the receiving upload `fileName` that `workerId` has claimed and not committed. */
async function claimWhileReceiving(fileName: string, workerId: string): Promise<Claim> {
  for (const until = Date.now() + 60_000; Date.now() < until; await sleep(10)) {
    const { rows } = await db.query<Claim>(
      `select c.job_id as "jobId", c.seq, c.attempt from job_chunks c join jobs j on j.id = c.job_id
       where j.file_name = $1 and j.status = 'receiving' and c.status = 'pending'
         and c.claimed_by = $2
       limit 1`,
      [fileName, workerId],
    );
    if (rows[0]) return rows[0];
  }
  throw new Error(`${workerId} never held a chunk of ${fileName} while it was uploaded`);
}

it('a worker SIGKILLed while it processes a chunk of an upload still arriving: the job ends as undisturbed', async () => {
  const pieces: Buffer[] = [];
  for await (const piece of generateContactsCsv(ROWS, FILE_SEED)) pieces.push(piece);
  const text = Buffer.concat(pieces).toString('utf8');
  const lines = text.split(/(?<=\n)/);
  const first = lines.slice(0, FIRST_PART + 1).join('');
  const rest = lines.slice(FIRST_PART + 1).join('');
  expect(first + rest).toBe(text);

  const victim = stack.workerIds()[0]!;
  let held: Claim | undefined;
  async function* body() {
    yield Buffer.from(first);
    held = await claimWhileReceiving('early_killed.csv', victim);
    await stack.killAndReplaceWorker(0);
    yield Buffer.from(rest);
  }
  const res = await postStream(`${stack.apiUrl}/v1/jobs?filename=early_killed.csv`, body(), {
    'content-type': 'text/csv',
  });
  expect(res.status, res.body).toBe(202);
  const { id } = JSON.parse(res.body) as JobBody;
  expect(id).toBe(held!.jobId);
  workload.expectSame(await workload.settle('early_killed', id), reference);

  // The dead worker's claim was superseded by a live worker's, not waited out.
  const { rows } = await db.query<{ status: string; attempt: number; processed_by: string }>(
    'select status, attempt, processed_by from job_chunks where job_id = $1 and seq = $2',
    [id, held!.seq],
  );
  expect(rows[0]!.status).toBe('done');
  expect(rows[0]!.attempt).toBeGreaterThan(held!.attempt);
  expect(stack.workerIds()).toContain(rows[0]!.processed_by);
  expect(rows[0]!.processed_by).not.toBe(victim);
});
