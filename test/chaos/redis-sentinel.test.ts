import { type RedisSentinelGroup, startRedisSentinelGroup } from '@sluice/local-services';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosStack, type RedisDeployment, startChaosStack } from './support/chaos-stack.ts';
import { type NormalizeOutcome, normalizeWorkload } from './support/normalize-workload.ts';
import { type Workload, waitForFinalJob } from './support/workload.ts';

// Redis Sentinel under the apps: a primary, a replica and three Sentinels on
// loopback; the API and the workers know only the Sentinels
// (REDIS_SENTINELS). A multi-chunk job in flight must end exactly like an
// undisturbed run through a planned failover (SENTINEL FAILOVER) and
// through a SIGKILL of the primary; every job the API accepted meanwhile
// (202) must complete. Redis replicates asynchronously: a write the primary
// acknowledged just before its death can be missing on the replica. That is
// what PostgreSQL (the source of truth) and the reconciler are for; this
// proves nothing accepted is lost.

const ROWS = Number(process.env.SENTINEL_ROWS ?? 20_000);
const FILE_SEED = 7;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Both kinds of password on: the data servers' (REDIS_PASSWORD) and the
// Sentinels' own (REDIS_SENTINEL_PASSWORD).
const PASSWORD = 'data-secret-0123';
const SENTINEL_PASSWORD = 'sentinel-secret-0123';
const sentinelRedis: RedisDeployment<RedisSentinelGroup> = {
  start: (dir) =>
    startRedisSentinelGroup({
      dataDir: `${dir}/sentinel`,
      downAfterMs: 1_000,
      password: PASSWORD,
      sentinelPassword: SENTINEL_PASSWORD,
    }),
  env: (group) => ({
    REDIS_SENTINELS: group.sentinels.map((s) => `${s.host}:${s.port}`).join(','),
    REDIS_SENTINEL_MASTER: group.masterName,
    REDIS_PASSWORD: PASSWORD,
    REDIS_SENTINEL_PASSWORD: SENTINEL_PASSWORD,
  }),
  stop: (group) => group.stop(),
};

let stack: ChaosStack<RedisSentinelGroup>;
let db: pg.Client;
let workload: Workload<NormalizeOutcome>;
let reference: NormalizeOutcome;

async function chunksDone(jobId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int as n from job_chunks where job_id = $1 and status = 'done'`,
    [jobId],
  );
  return rows[0]!.n;
}

/** Waits until `chunks` of the job are committed: the disruption hits a job in flight. */
async function waitForChunks(jobId: string, chunks: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  while ((await chunksDone(jobId)) < chunks) {
    if (Date.now() > deadline) throw new Error(`job ${jobId}: ${chunks} chunks not done in time`);
    await sleep(50);
  }
}

/**
 * Small jobs submitted back to back while Redis fails over: the ones the
 * API accepted (202) must all complete; the others were refused (503 while
 * no primary answered, or while the API's redis breaker waited to probe
 * again), which the client sees and may retry. `stop(after)` waits until
 * three jobs were accepted after `after` (the new primary took them), 60 s
 * at most.
 */
function submitDuring(): {
  stop: (after: number) => Promise<{ accepted: string[]; acceptedAfter: number; refused: number }>;
} {
  const csv = `email,name\n${Array.from({ length: 50 }, (_, i) => `user${i}@example.com,User ${i}`).join('\n')}\n`;
  const accepted: Array<{ id: string; at: number }> = [];
  let refused = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const res = await fetch(`${stack.apiUrl}/v1/jobs?filename=during.csv`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: csv,
      }).catch(() => undefined);
      if (res?.status === 202) {
        accepted.push({ id: ((await res.json()) as { id: string }).id, at: Date.now() });
      } else {
        await res?.text();
        refused += 1;
      }
      await sleep(100);
    }
  })();
  return {
    async stop(after) {
      const deadline = Date.now() + 60_000;
      const acceptedAfter = () => accepted.filter((a) => a.at > after).length;
      while (acceptedAfter() < 3 && Date.now() < deadline) await sleep(100);
      running = false;
      await loop;
      return { accepted: accepted.map((a) => a.id), acceptedAfter: acceptedAfter(), refused };
    },
  };
}

async function expectAllCompleted(ids: string[]) {
  expect(ids.length).toBeGreaterThan(0);
  for (const id of ids) {
    const job = await waitForFinalJob(stack.apiUrl, id, 120_000);
    expect(job.status, `${id}: ${job.error}`).toBe('completed');
    expect(job.counts.rowsTotal).toBe(50);
    expect(job.counts.rowsAccepted).toBe(50);
  }
}

/** A job that does not finish: what the workers said is the first thing to read. */
async function withLogsOnFailure<T>(outcome: Promise<T>): Promise<T> {
  try {
    return await outcome;
  } catch (error) {
    console.log(
      `[sentinel] worker output (last lines):\n${stack.workerOutput().split('\n').slice(-80).join('\n')}`,
    );
    throw error;
  }
}

async function health() {
  const res = await fetch(`${stack.apiUrl}/health`);
  return (await res.json()) as { redis: { mode: string; primary?: string; ok: boolean } };
}

/** The API reaches the primary the Sentinels name (its connection followed the failover). */
/** When the API's /health first shows `primary` (polled every 100 ms, 60 s at most). */
async function apiOnNewPrimary(primary: { host: string; port: number }): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { redis } = await health();
    if (redis.ok && redis.primary === `${primary.host}:${primary.port}`) return Date.now();
    if (Date.now() > deadline) throw new Error(`the API never moved to ${primary.port}`);
    await sleep(100);
  }
}

async function expectHealthOnPrimary() {
  const primary = await stack.redis.primary();
  const deadline = Date.now() + 30_000;
  let last = await health();
  while (!(last.redis.ok && last.redis.primary === `${primary.host}:${primary.port}`)) {
    if (Date.now() > deadline) break;
    await sleep(200);
    last = await health();
  }
  expect(last.redis).toMatchObject({
    ok: true,
    mode: 'sentinel',
    primary: `${primary.host}:${primary.port}`,
  });
}

beforeAll(async () => {
  // Failovers must land while the job's flow still has chunks to claim (the
  // kill test measures the first chunk claimed from the new primary); early
  // processing (UPLOAD_EARLY_PROCESSING) can leave none by then.
  stack = await startChaosStack({
    workers: 2,
    redis: sentinelRedis,
    apiEnv: { UPLOAD_EARLY_PROCESSING: 'false' },
  });
  db = new pg.Client({ connectionString: stack.postgres.url });
  await db.connect();
  workload = normalizeWorkload({
    apiUrl: stack.apiUrl,
    databaseUrl: stack.postgres.url,
    rows: ROWS,
    fileSeed: FILE_SEED,
  });
  const id = await workload.submit('sentinel_reference');
  reference = await workload.settle('sentinel_reference', id);
  workload.checkReference(reference);
  expect(reference.chunks).toBeGreaterThan(20);
});

afterAll(async () => {
  await db?.end();
  const codes = (await stack?.stop()) ?? [];
  // Graceful exits: nothing (such as the +switch-master watchers) kept a process alive.
  expect(codes).toEqual(codes.map(() => 0));
});

describe('Redis Sentinel', () => {
  it('/health shows the mode and the primary the Sentinels name', async () => {
    await expectHealthOnPrimary();
  });

  it('SENTINEL FAILOVER mid-job: the job completes identical, every accepted job completes', async () => {
    const jobId = await workload.submit('sentinel_failover');
    await waitForChunks(jobId, 3);
    const submitter = submitDuring();
    await sleep(300);
    const before = await stack.redis.primary();
    const failoverAt = Date.now();
    const after = await stack.redis.failover();
    expect(after.port).not.toBe(before.port);
    // Until Sentinel reconfigures the old primary (and disconnects its
    // clients), the apps keep using it: its writes of that time are thrown
    // away when it follows the new one, which PostgreSQL and the
    // reconciler make good. How long that lasts is printed.
    const apiMovedMs = (await apiOnNewPrimary(after)) - failoverAt;
    const { accepted, acceptedAfter, refused } = await submitter.stop(Date.now());
    expect(acceptedAfter).toBeGreaterThanOrEqual(3);
    workload.expectSame(
      await withLogsOnFailure(workload.settle('sentinel_failover', jobId)),
      reference,
    );
    await expectAllCompleted(accepted);
    await expectHealthOnPrimary();
    console.log(
      `[sentinel] SENTINEL FAILOVER ${before.port} -> ${after.port} mid-job: identical; the API on the new primary ${apiMovedMs} ms after the command; ` +
        `${accepted.length} jobs accepted meanwhile (${acceptedAfter} by the new primary), all completed (${refused} refused with an error status)`,
    );
  });

  it('SIGKILL of the primary mid-job: the job completes identical, every accepted job completes', async () => {
    const jobId = await workload.submit('sentinel_kill');
    await waitForChunks(jobId, 3);
    const submitter = submitDuring();
    await sleep(300);
    const victim = await stack.redis.primary();
    const killedAt = Date.now();
    await stack.redis.serverOn(victim.port).kill('SIGKILL');
    const promoted = await stack.redis.waitForNewPrimary(victim);
    const promotedAfterMs = Date.now() - killedAt;
    const { accepted, acceptedAfter, refused } = await submitter.stop(Date.now());
    expect(acceptedAfter).toBeGreaterThanOrEqual(3);
    workload.expectSame(
      await withLogsOnFailure(workload.settle('sentinel_kill', jobId)),
      reference,
    );
    await expectAllCompleted(accepted);
    // Recovery, as the job saw it: the first chunk a worker claimed after the
    // Sentinels had promoted the replica (so taken from the new primary's
    // queue: a chunk claimed between the kill and the promotion was fetched
    // from the dead primary before it died) and committed. An upper bound by
    // the polling of waitForNewPrimary (100 ms).
    const { rows } = await db.query<{ ms: number | null }>(
      `select extract(epoch from min(processed_at)) * 1000 - $2::double precision as ms
       from job_chunks
       where job_id = $1 and claimed_at >= to_timestamp($3::double precision / 1000)`,
      [jobId, killedAt, killedAt + promotedAfterMs],
    );
    expect(rows[0]!.ms).not.toBeNull();
    const nextChunkMs = Math.round(Number(rows[0]!.ms));
    await expectHealthOnPrimary();
    console.log(
      `[sentinel] SIGKILL of primary ${victim.port}: Sentinels promoted ${promoted.port} after ${promotedAfterMs} ms; ` +
        `kill -> next chunk taken from the new primary and completed: ${nextChunkMs} ms; job identical; ` +
        `${accepted.length} jobs accepted around the kill (${acceptedAfter} after the promotion), all completed ` +
        `(${refused} refused with an error status meanwhile)`,
    );
  });
});
