import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { random as seededRandom } from '../support/generate-contacts.ts';
import { type ChaosStack, startChaosStack } from './support/chaos-stack.ts';
import { importWorkload } from './support/import-workload.ts';
import { normalizeWorkload } from './support/normalize-workload.ts';
import type { Workload, WorkloadContext } from './support/workload.ts';

// Real processes, real PostgreSQL and Redis, real kills. For each kind of
// job (a workload), every scenario runs the same generated file while
// something breaks, and must end exactly like that workload's undisturbed
// reference run: the same outputs (content checksums), the same counts, and
// PostgreSQL's bookkeeping intact. 0 rows lost, 0 duplicated.

const ROWS = Number(process.env.CHAOS_ROWS ?? 40_000);
const FILE_SEED = 42;
/** Per workload: at least 20 in CI; CHAOS_KILL_POINTS=200 for a longer run. */
const KILL_POINTS = Number(process.env.CHAOS_KILL_POINTS ?? 20);
/** Printed, so a failing sequence of kills can be replayed with CHAOS_SEED. */
const SEED = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);

const WORKLOADS: Record<string, (ctx: WorkloadContext) => Workload> = {
  normalize: normalizeWorkload as (ctx: WorkloadContext) => Workload,
  import: importWorkload as (ctx: WorkloadContext) => Workload,
};
/** CHAOS_WORKLOADS=import (comma-separated) runs only those. */
const KINDS = (process.env.CHAOS_WORKLOADS ?? Object.keys(WORKLOADS).join(','))
  .split(',')
  .map((k) => k.trim())
  .filter(Boolean);
for (const kind of KINDS) {
  if (!WORKLOADS[kind]) throw new Error(`CHAOS_WORKLOADS: unknown workload ${kind}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let stack: ChaosStack;

async function jobProgress(jobId: string) {
  const res = await fetch(`${stack.apiUrl}/v1/jobs/${jobId}`);
  if (res.status !== 200) return undefined;
  return (await res.json()) as {
    status: string;
    progress: { chunksDone: number; chunksTotal: number; percent: number };
  };
}

/**
 * Where a kill would land: the slots whose worker holds a claim on one of the
 * job's pending chunks (it is normalizing or committing it), or the job's
 * finalize (every chunk done, an import's merge under way). Undefined when
 * no live worker is doing anything for the job (e.g. while the chunks of a
 * killed worker wait for BullMQ's stalled check).
 */
async function busyWorkers(
  client: pg.Client,
  jobId: string,
): Promise<{ slots: number[]; what: string; done: number }> {
  const ids = stack.workerIds();
  const { rows } = await client.query<{ status: string; claimed_by: string | null; n: number }>(
    `select status, claimed_by, count(*)::int as n from job_chunks
     where job_id = $1 group by status, claimed_by`,
    [jobId],
  );
  const done = rows.filter((r) => r.status === 'done').reduce((sum, r) => sum + r.n, 0);
  const pending = rows.filter((r) => r.status === 'pending');
  if (pending.length === 0) {
    const { rows: job } = await client.query<{ status: string }>(
      'select status from jobs where id = $1',
      [jobId],
    );
    const finalizing = job[0]?.status === 'running';
    return { slots: finalizing ? ids.map((_, i) => i) : [], what: 'finalizing', done };
  }
  const slots = ids.flatMap((id, i) => (pending.some((r) => r.claimed_by === id) ? [i] : []));
  return { slots, what: 'mid-chunk', done };
}

/** Waits until the job has committed at least `chunks` chunks (work is under way). */
async function waitForProgress(jobId: string, chunks: number): Promise<number> {
  for (;;) {
    const job = await jobProgress(jobId);
    if (job) {
      if (job.progress.chunksDone >= chunks) return job.progress.chunksDone;
      if (job.status !== 'queued' && job.status !== 'running') {
        throw new Error(`job ${jobId} finished (${job.status}) before the disruption`);
      }
    }
    await sleep(50);
  }
}

beforeAll(async () => {
  console.log(
    `[chaos] seed ${SEED} (replay: CHAOS_SEED=${SEED}), ${KILL_POINTS} kill points per workload, ` +
      `${ROWS} rows per job, workloads: ${KINDS.join(', ')}`,
  );
  // Uploads processed after they arrive: each disruption below must land
  // mid-job, after acceptance, and chunks processed while the upload arrives
  // (UPLOAD_EARLY_PROCESSING) can leave few or none to do by then. A kill
  // during early processing: early-recovery.test.ts.
  stack = await startChaosStack({ workers: 2, apiEnv: { UPLOAD_EARLY_PROCESSING: 'false' } });
});

afterAll(async () => {
  await stack?.stop();
});

describe.each(KINDS)('%s jobs under chaos', (kind) => {
  let workload: Workload;
  let reference: unknown;
  const run = async (name: string) => {
    const jobId = await workload.submit(name);
    return { jobId, outcome: () => workload.settle(name, jobId) };
  };

  beforeAll(async () => {
    workload = WORKLOADS[kind]!({
      apiUrl: stack.apiUrl,
      databaseUrl: stack.postgres.url,
      rows: ROWS,
      fileSeed: FILE_SEED,
    });
    const ref = await run(`${kind}_reference`);
    reference = await ref.outcome();
    workload.checkReference(reference);
  });

  it(`kill -9 a worker at ${KILL_POINTS}+ random points: nothing lost or duplicated`, async () => {
    const random = seededRandom(SEED);
    const points: string[] = [];
    const client = new pg.Client({ connectionString: stack.postgres.url });
    await client.connect();
    try {
      for (let n = 1; points.length < KILL_POINTS; n++) {
        const { jobId, outcome } = await run(`${kind}_kill_${n}`);
        let finished = false;
        const settled = outcome().finally(() => {
          finished = true;
        });
        // Kill while this job runs (upload done; chunks, finalize and an
        // import's merge in flight), at a random moment, a worker that is
        // working on it, once the job has moved on since the previous kill.
        // After a kill the job waits for BullMQ's stalled check: killing
        // idle workers then would prove little, and killing every worker
        // that picks the same chunk up again would only make it a "poison"
        // chunk (RECONCILE_MAX_CHUNK_CLAIMS), which is a different test.
        // A job that finishes first is followed by another.
        // One kill per finalize: after it, the finalize waits for the
        // stalled check and further kills would hit idle workers.
        let doneAtLastKill = -1;
        let lastWhat = '';
        const worthKilling = (busy: Awaited<ReturnType<typeof busyWorkers>>) =>
          busy.what === 'finalizing'
            ? busy.slots.length > 0 && lastWhat !== 'finalizing'
            : busy.slots.length > 0 && busy.done > doneAtLastKill;
        while (!finished && points.length < KILL_POINTS) {
          await sleep(150 + random() * 1350);
          let busy = await busyWorkers(client, jobId);
          for (let waited = 0; !finished && waited < 30_000 && !worthKilling(busy); waited += 100) {
            await sleep(100);
            busy = await busyWorkers(client, jobId);
          }
          if (finished) break;
          const idle = !worthKilling(busy);
          const slots = idle ? stack.workers.map((_, i) => i) : busy.slots;
          const victim = slots[Math.floor(random() * slots.length)]!;
          const total = await jobProgress(jobId)
            .then((j) => j?.progress.chunksTotal ?? '?')
            .catch(() => '?');
          await stack.killAndReplaceWorker(victim);
          doneAtLastKill = busy.done;
          lastWhat = idle ? 'idle' : busy.what;
          points.push(
            `run ${n}: slot ${victim} ${idle ? 'idle' : busy.what} at ${busy.done}/${total} chunks`,
          );
        }
        workload.expectSame(await settled, reference);
      }
    } finally {
      await client.end();
    }
    const tally = Object.entries(
      Object.groupBy(points, (p) => p.replace(/^run \d+: slot \d+ (\S+).*$/, '$1')),
    ).map(([what, list]) => `${list?.length} ${what}`);
    console.log(
      `[chaos] ${kind}: ${points.length} kill points (seed ${SEED}; ${tally.join(', ')}), every run identical to the reference:\n  ${points.join('\n  ')}`,
    );
    expect(points.length).toBeGreaterThanOrEqual(KILL_POINTS);
  });

  it('PostgreSQL restarted mid-job: the job completes, identical', async () => {
    const { jobId, outcome } = await run(`${kind}_pg_restart`);
    const doneBefore = await waitForProgress(jobId, 5);
    await stack.postgres.restart();
    workload.expectSame(await outcome(), reference);
    console.log(`[chaos] ${kind}: PostgreSQL restarted after ${doneBefore} chunks; identical`);
  });

  it('PostgreSQL killed (-9) between chunk commits and the merge: identical', async () => {
    const { jobId, outcome } = await run(`${kind}_pg_crash`);
    const doneBefore = await waitForProgress(jobId, 5);
    // Crash recovery empties unlogged tables: an import's stage loses the
    // rows its committed chunks staged, and its merge stages them again
    // from the chunk outputs.
    await stack.postgres.kill('SIGKILL');
    await stack.postgres.restart();
    workload.expectSame(await outcome(), reference);
    if (kind === 'import') {
      expect(stack.workerOutput()).toMatch(
        new RegExp(`"jobId":"${jobId}".*import staged from chunk outputs`),
      );
    }
    console.log(`[chaos] ${kind}: PostgreSQL killed after ${doneBefore} chunks; identical`);
  });

  it('Redis flushed and restarted mid-job: rebuilt from PostgreSQL, identical', async () => {
    const { jobId, outcome } = await run(`${kind}_redis_flush`);
    const doneBefore = await waitForProgress(jobId, 5);
    const redis = new Redis(stack.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      expect(await redis.flushall()).toBe('OK');
    } finally {
      redis.disconnect();
    }
    // Killed, not stopped: whatever was in flight is lost with the flush.
    await stack.redis.kill();
    await stack.redis.restart();
    workload.expectSame(await outcome(), reference);
    console.log(
      `[chaos] ${kind}: Redis flushed and restarted after ${doneBefore} chunks; identical`,
    );
    expect(stack.workerOutput()).toMatch(
      new RegExp(
        `"jobId":"${jobId}"[^\\n]*job (missing from Redis, re-enqueued|flow stuck in Redis, rebuilt)`,
      ),
    );
  });
});
