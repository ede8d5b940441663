import { request } from 'node:http';
import { createConnection } from 'node:net';
import pg from 'pg';
import { expect, inject, it } from 'vitest';
import { type AppProcess, spawnApp } from '../harness/processes.ts';
import { authHeader } from '../support/api-keys.ts';
import { type JobBody, postStream, waitForJob } from '../support/client.ts';
import { CONTACT_HEADER, contactRow, generateContactsCsv } from '../support/generate-contacts.ts';
import { startStack } from '../support/stack.ts';

// SIGTERM is a request to stop, not a crash: the API lets in-flight requests
// (a slow upload) finish and refuses new connections; a worker finishes the
// chunks it holds and leaves the rest to other workers; and a request that
// cannot finish does not keep a process alive past SHUTDOWN_TIMEOUT_MS.

/** The contacts CSV as `pieces` buffers of about equal size (whole rows each). */
function csvPieces(rows: number, pieces: number, seed: number): Buffer[] {
  const out: Buffer[] = [];
  const perPiece = Math.ceil(rows / pieces);
  for (let p = 0; p < pieces; p++) {
    const lines: string[] = p === 0 ? [`${CONTACT_HEADER}\n`] : [];
    for (let i = p * perPiece + 1; i <= Math.min(rows, (p + 1) * perPiece); i++) {
      lines.push(`${contactRow(i, seed)}\n`);
    }
    out.push(Buffer.from(lines.join('')));
  }
  return out;
}

/** A POST /v1/jobs whose body the test writes piece by piece, when it wants. */
function openUpload(apiUrl: string) {
  const req = request(`${apiUrl}/v1/jobs`, {
    method: 'POST',
    // Own connection (no keep-alive pool): the test decides when it ends.
    agent: false,
    headers: {
      ...authHeader(apiUrl),
      'content-type': 'text/csv',
      'transfer-encoding': 'chunked',
    },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  return {
    response,
    write: (piece: Buffer) =>
      new Promise<void>((resolve, reject) =>
        req.write(piece, (error) => (error ? reject(error) : resolve())),
      ),
    end: () => req.end(),
    destroy: () => req.destroy(),
  };
}

/** Resolves with the error code of a fresh TCP connection attempt (undefined: it connected). */
function connectError(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const portOf = (url: string) => Number(new URL(url).port);

async function query<T>(sql: string, params: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: inject('databaseUrl') });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

it('API: an upload in flight at SIGTERM completes with 202, new connections are refused, exit 0', async () => {
  const stack = await startStack({
    queuePrefix: '{e2e-shutdown-api}',
    env: { LOG_LEVEL: 'info' },
  });
  let upload: ReturnType<typeof openUpload> | undefined;
  try {
    const rows = 3_000;
    const pieces = csvPieces(rows, 12, 21);
    upload = openUpload(stack.apiUrl);
    // Awaited below; a failure before that must not surface as unhandled.
    upload.response.catch(() => {});
    for (const piece of pieces.slice(0, 4)) {
      await upload.write(piece);
      await sleep(100);
    }

    const signalled = Date.now();
    const exited = stack.api.stop('SIGTERM', 30_000);
    // Logged once the listening socket is closed: a new connection is refused.
    await stack.api.waitForOutput(/shutting down: no new connections/, 10_000);
    expect(await connectError(portOf(stack.apiUrl))).toBe('ECONNREFUSED');

    // The upload goes on, slowly, and is accepted.
    for (const piece of pieces.slice(4)) {
      await upload.write(piece);
      await sleep(100);
    }
    upload.end();
    const res = await upload.response;
    expect(res.status, res.body).toBe(202);
    const job = JSON.parse(res.body) as JobBody;
    expect(job.counts.rowsTotal).toBe(rows);
    expect(Date.now() - signalled).toBeGreaterThan(700);

    expect(await exited).toBe(0);

    // The accepted job is real: the (still running) worker completes it.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [row] = await query<{ status: string; rows_total: number }>(
        'select status, rows_total from jobs where id = $1',
        [job.id],
      );
      expect(row?.rows_total).toBe(rows);
      if (row?.status === 'completed') break;
      expect(Date.now()).toBeLessThan(deadline);
      await sleep(200);
    }
  } finally {
    upload?.destroy();
    const codes = await stack.stop();
    expect(codes).toEqual([0, 0]);
  }
});

it('worker: SIGTERM with a chunk in flight finishes it and exits 0; another worker completes the job', async () => {
  const queuePrefix = '{e2e-shutdown-worker}';
  const stack = await startStack({
    queuePrefix,
    env: { CHUNK_BYTES: '64KB' },
    workerEnv: { WORKER_CONCURRENCY: '1', SHUTDOWN_TIMEOUT_MS: '30000' },
  });
  let replacement: AppProcess | undefined;
  const codes: Array<number | null> = [];
  try {
    const rows = 40_000;
    const res = await postStream(`${stack.apiUrl}/v1/jobs`, generateContactsCsv(rows, 23), {
      'content-type': 'text/csv',
    });
    expect(res.status, res.body).toBe(202);
    const job = JSON.parse(res.body) as JobBody;

    // Wait until worker-1 holds a chunk (claimed in PostgreSQL, not done), then SIGTERM it.
    const worker = stack.workers[0]!;
    let inFlight: number | undefined;
    const deadline = Date.now() + 60_000;
    while (inFlight === undefined) {
      const [claimed] = await query<{ seq: number }>(
        "select seq from job_chunks where job_id = $1 and status = 'pending' and claimed_by = 'worker-1'",
        [job.id],
      );
      inFlight = claimed?.seq;
      expect(Date.now()).toBeLessThan(deadline);
    }
    const signalled = Date.now();
    const code = await worker.stop('SIGTERM', 30_000);
    const stoppedMs = Date.now() - signalled;
    expect(code).toBe(0);
    expect(stoppedMs).toBeLessThan(30_000);
    expect(worker.output()).toMatch(/shutting down: taking no new chunks/);

    // It finished what it held: no chunk is left claimed by it and pending;
    // the chunk seen in flight is done. Others remain for another worker.
    const [state] = await query<{ held: number; pending: number; done_seq: number }>(
      `select count(*) filter (where status = 'pending' and claimed_by = 'worker-1')::int as held,
              count(*) filter (where status = 'pending')::int as pending,
              count(*) filter (where status = 'done' and seq = $2)::int as done_seq
         from job_chunks where job_id = $1`,
      [job.id, inFlight],
    );
    expect(state).toEqual({ held: 0, pending: expect.any(Number), done_seq: 1 });
    expect(state!.pending).toBeGreaterThan(0);

    replacement = spawnApp('worker-2', 'apps/worker/src/main.ts', {
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: queuePrefix,
      WORKER_ID: 'worker-2',
      LOG_LEVEL: 'info',
    });
    const finished = await waitForJob(stack.apiUrl, job.id);
    expect(finished.status, finished.error ?? '').toBe('completed');
    expect(finished.counts.rowsTotal).toBe(rows);
    expect(
      finished.counts.rowsAccepted + finished.counts.rowsRejected + finished.counts.rowsBlank,
    ).toBe(rows);
    expect(finished.progress.chunksDone).toBe(finished.progress.chunksTotal);
  } finally {
    codes.push(...(await stack.stop()), await (replacement?.stop('SIGTERM') ?? 0));
  }
  expect(codes).toEqual([0, 0, 0]);
});

it('deadline: a request that cannot finish makes the API exit non-zero after SHUTDOWN_TIMEOUT_MS', async () => {
  const timeoutMs = 1_500;
  const stack = await startStack({
    queuePrefix: '{e2e-shutdown-deadline}',
    workers: 0,
    env: { SHUTDOWN_TIMEOUT_MS: String(timeoutMs) },
  });
  const upload = openUpload(stack.apiUrl);
  upload.response.catch(() => {});
  try {
    // More than the 64 KiB sniffed before storing starts, then nothing more.
    for (const piece of csvPieces(2_000, 2, 31)) await upload.write(piece);
    await sleep(200);

    const signalled = Date.now();
    const code = await stack.api.stop('SIGTERM', 30_000);
    const elapsed = Date.now() - signalled;
    expect(code).toBe(1);
    expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 200);
    expect(elapsed).toBeLessThan(timeoutMs + 15_000);
    expect(stack.api.output()).toMatch(/in-flight requests did not finish in time/);
  } finally {
    upload.destroy();
    await stack.stop();
  }
});
