/**
 * queue-overhead: what the worker path costs per chunk when the chunk's work
 * is trivial. One job of N one-row chunks (API with CHUNK_BYTES=1) through the
 * real worker process: claim in PostgreSQL, load, thread hop, fenced commit,
 * BullMQ flow bookkeeping, finalize; chunks/s from the first claim to the job
 * completed (server clock). Reference: a bare BullMQ Worker (no-op processor,
 * same concurrency, same Redis) draining N jobs added with addBulk; jobs/s
 * from the first job active to the last completed.
 */
import { Readable } from 'node:stream';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { processingSeconds, submitCsv, waitForJob } from './support/jobs.ts';
import { compare, round, type ScenarioResult } from './support/result.ts';
import { withScope } from './support/scope.ts';
import { type Services, say, startApi, startServices, startWorker } from './support/stack.ts';

/** N one-row chunks of one short text column through API + one worker. */
function sluiceChunks(services: Services, jobs: number, concurrency: number) {
  return withScope(async (scope) => {
    const api = await startApi(scope, services, { CHUNK_BYTES: '1' });
    await startWorker(scope, services, 'worker-1', {
      WORKER_THREADS: '1',
      WORKER_CONCURRENCY: String(concurrency),
    });
    const csv = ['value', ...Array.from({ length: jobs }, (_, i) => `row ${i}`)].join('\n');
    const submitted = await submitCsv(
      api.url,
      Readable.from([Buffer.from(`${csv}\n`)]),
      '?columns=%7B%22value%22%3A%22text%22%7D',
    );
    const job = await waitForJob(api.url, submitted.id, { intervalMs: 100 });
    if (job.progress.chunksTotal !== jobs)
      throw new Error(`expected ${jobs} chunks, the API made ${job.progress.chunksTotal}`);
    return { seconds: processingSeconds(job), submitSeconds: submitted.uploadSeconds };
  });
}

/** The same number of no-op jobs through a bare BullMQ Worker in this process. */
async function bareWorker(redisUrl: string, jobs: number, concurrency: number) {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const workerConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('bench-noop', { connection });
  const worker = new Worker('bench-noop', async () => {}, {
    connection: workerConnection,
    concurrency,
  });
  try {
    await worker.waitUntilReady();
    let firstActive = 0;
    let completed = 0;
    const done = new Promise<number>((resolve) => {
      worker.on('active', () => {
        firstActive ||= performance.now();
      });
      worker.on('completed', () => {
        completed += 1;
        if (completed === jobs) resolve(performance.now());
      });
    });
    await queue.addBulk(Array.from({ length: jobs }, (_, i) => ({ name: 'noop', data: { i } })));
    const lastCompleted = await done;
    return { seconds: (lastCompleted - firstActive) / 1000 };
  } finally {
    await worker.close();
    await queue.close();
    connection.disconnect();
    workerConnection.disconnect();
  }
}

export function queueOverhead(jobs: number, concurrency: number): Promise<ScenarioResult> {
  return withScope(async (scope) => {
    const services = await startServices(scope, 'queue');
    say(`queue-overhead: ${jobs} one-row chunks through the Sluice worker`);
    const sluice = await sluiceChunks(services, jobs, concurrency);
    say(`queue-overhead: ${jobs} no-op jobs through a bare BullMQ Worker`);
    const reference = await bareWorker(services.redis.url, jobs, concurrency);
    const sluiceRate = Math.round(jobs / sluice.seconds);
    const referenceRate = Math.round(jobs / reference.seconds);
    return {
      scenario: 'queue-overhead',
      comparisons: [compare('chunks (jobs)/s, no-op work', sluiceRate, referenceRate)],
      jobs,
      concurrency,
      workerThreads: 1,
      sluiceSeconds: round(sluice.seconds, 2),
      sluiceSubmitSeconds: round(sluice.submitSeconds, 2),
      sluiceMsPerChunk: round((1000 * sluice.seconds) / jobs, 2),
      referenceSeconds: round(reference.seconds, 2),
      referenceMsPerJob: round((1000 * reference.seconds) / jobs, 3),
      reference:
        'bare BullMQ Worker, async no-op processor, default job options, in the bench process',
    };
  });
}
