/**
 * worker-recovery: how soon the chunks of a worker killed with SIGKILL are
 * picked up again. Two workers (1 thread each) run a multi-chunk normalize
 * job; once the victim holds a claim on a chunk it has not committed, it is
 * killed; the figure is the time from its death to the last of those chunks
 * being claimed again in PostgreSQL by the other worker (server clock both
 * ends: `clock_timestamp()` right after the kill, the new `claimed_at`).
 * The median of several runs, with the default lock settings and, as the
 * reference, with BullMQ's own defaults (what Sluice shipped before: a 30 s
 * lock and a 30 s stalled check).
 */
import pg from 'pg';
import { generateContactsCsv } from '../support/generate-contacts.ts';
import { submitCsv, waitForJob } from './support/jobs.ts';
import { compare, round, type ScenarioResult } from './support/result.ts';
import { withScope } from './support/scope.ts';
import { type Services, say, startApi, startServices, startWorker } from './support/stack.ts';

const ROWS = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Claim {
  seq: number;
  attempt: number;
}

async function pendingClaims(db: pg.Client, jobId: string, workerId: string): Promise<Claim[]> {
  const { rows } = await db.query<Claim>(
    `select seq, attempt from job_chunks
     where job_id = $1 and status = 'pending' and claimed_by = $2`,
    [jobId, workerId],
  );
  return rows;
}

/** Polls until `workerId` holds a claim on one of the job's chunks; false once none is pending. */
async function waitUntilHolding(db: pg.Client, jobId: string, workerId: string) {
  for (;;) {
    if ((await pendingClaims(db, jobId, workerId)).length > 0) return true;
    const { rows } = await db.query<{ pending: number }>(
      `select count(*)::int as pending from job_chunks where job_id = $1 and status = 'pending'`,
      [jobId],
    );
    if (rows[0]!.pending === 0) return false;
    await sleep(20);
  }
}

/**
 * Milliseconds from `killedAt` until every chunk in `held` was claimed again
 * (a later attempt), polled every 20 ms.
 */
async function reclaimedAfter(db: pg.Client, jobId: string, held: Claim[], killedAt: Date) {
  for (;;) {
    const { rows } = await db.query<{ seq: number; attempt: number; claimed_at: Date }>(
      'select seq, attempt, claimed_at from job_chunks where job_id = $1 and seq = any($2::int[])',
      [jobId, held.map((c) => c.seq)],
    );
    const moved = rows.filter((r) => r.attempt > held.find((c) => c.seq === r.seq)!.attempt);
    if (moved.length === held.length)
      return Math.max(...moved.map((r) => r.claimed_at.getTime() - killedAt.getTime()));
    await sleep(20);
  }
}

/** `runs` kills with the given worker settings; the recovery time of each, in ms. */
function recoveries(services: Services, settings: Record<string, string>, runs: number) {
  return withScope(async (scope) => {
    const api = await startApi(scope, services, { CHUNK_BYTES: '64KB' });
    const db = new pg.Client({ connectionString: services.postgres.url });
    await db.connect();
    scope.defer(() => db.end());
    let started = 0;
    const worker = () => {
      started += 1;
      const name = `worker-${started}`;
      return startWorker(scope, services, name, { WORKER_THREADS: '1', ...settings }).then(
        (app) => ({ name, app }),
      );
    };
    let [victim, survivor] = [await worker(), await worker()];
    const times: number[] = [];
    while (times.length < runs) {
      const job = await submitCsv(api.url, generateContactsCsv(ROWS, times.length + 1));
      if (!(await waitUntilHolding(db, job.id, victim.name))) {
        await waitForJob(api.url, job.id, { intervalMs: 100 });
        continue;
      }
      await victim.app.kill();
      const { rows } = await db.query<{ now: Date }>('select clock_timestamp() as now');
      // Dead: its claims stay as they were until another worker's supersede them.
      const held = await pendingClaims(db, job.id, victim.name);
      if (held.length > 0) {
        const ms = await reclaimedAfter(db, job.id, held, rows[0]!.now);
        times.push(ms);
        say(
          `worker-recovery: ${victim.name} killed holding ${held.length}, re-claimed in ${ms} ms`,
        );
      }
      await waitForJob(api.url, job.id, { intervalMs: 100 });
      [victim, survivor] = [survivor, await worker()];
    }
    return times;
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export function workerRecovery(runs: number, referenceRuns: number): Promise<ScenarioResult> {
  return withScope(async (scope) => {
    const services = await startServices(scope, 'recovery');
    say(`worker-recovery: ${runs} kills with the default lock settings`);
    const sluice = await recoveries(services, {}, runs);
    say(`worker-recovery: ${referenceRuns} kills with BullMQ's defaults (30 s lock, 30 s check)`);
    const reference = await recoveries(
      services,
      { WORKER_LOCK_DURATION_MS: '30000', WORKER_STALLED_INTERVAL_MS: '30000' },
      referenceRuns,
    );
    const seconds = (ms: number) => round(ms / 1000, 2);
    return {
      scenario: 'worker-recovery',
      comparisons: [
        compare(
          'seconds from SIGKILL to its chunks re-claimed (median; lower is better)',
          seconds(median(sluice)),
          seconds(median(reference)),
        ),
      ],
      runs,
      defaultsSeconds: sluice.map(seconds),
      referenceRuns,
      referenceSeconds: reference.map(seconds),
      reference:
        'the same kills with WORKER_LOCK_DURATION_MS=30000 and WORKER_STALLED_INTERVAL_MS=30000 (BullMQ defaults, the previous Sluice defaults)',
    };
  });
}
