/**
 * memory: peak RSS (VmHWM) of the API and of the worker for a generated
 * realistic contacts CSV of a small and of a 10x larger size: streamed upload, normalize
 * (worker with 2 threads), streamed download of result.csv. Fresh API and
 * worker per size (a high-water mark never goes down), launcher NODE_OPTIONS
 * and malloc settings (MALLOC_ARENA_MAX, MALLOC_MMAP_THRESHOLD_: without them
 * glibc's per-thread arenas fragmented and the worker's peak grew with the
 * file). Flat memory = a large/small ratio near 1.0.
 */
import { generateContactsCsvOfSize } from '../support/generate-contacts.ts';
import { submitCsv, waitForJob } from './support/jobs.ts';
import { compare, prefixed, round, type ScenarioResult } from './support/result.ts';
import { withScope } from './support/scope.ts';
import {
  LAUNCHER_MALLOC_ENV,
  type Services,
  say,
  startApi,
  startServices,
  startWorker,
} from './support/stack.ts';

const WORKER_THREADS = 2;

function uploadOnce(services: Services, sizeMb: number) {
  return withScope(async (scope) => {
    const api = await startApi(scope, services, { MAX_UPLOAD_BYTES: `${sizeMb + 64}MB` });
    const worker = await startWorker(scope, services, `worker-${sizeMb}mb`, {
      WORKER_THREADS: String(WORKER_THREADS),
    });
    say(`memory: ${sizeMb} MB upload`);
    const submitted = await submitCsv(
      api.url,
      generateContactsCsvOfSize(sizeMb * 1024 * 1024, 1, { variant: 'realistic' }),
      '?filename=contacts.csv',
    );
    const job = await waitForJob(api.url, submitted.id, { intervalMs: 500 });
    const processedSeconds = (performance.now() - submitted.startedMs) / 1000;
    // Download the result too: the API streams it chunk by chunk.
    const download = await fetch(`${api.url}/v1/jobs/${submitted.id}/result.csv`);
    let resultBytes = 0;
    for await (const piece of download.body!) resultBytes += (piece as Uint8Array).byteLength;
    return {
      fileMB: round(job.counts.bytes / 1024 ** 2, 0),
      rows: job.counts.rowsTotal,
      uploadSeconds: round(submitted.uploadSeconds, 1),
      totalSeconds: round(processedSeconds, 1),
      rowsPerSecond: Math.round(job.counts.rowsTotal / processedSeconds),
      resultMB: round(resultBytes / 1024 ** 2, 0),
      apiPeakRssMB: api.app.peakRssMb(),
      workerPeakRssMB: worker.peakRssMb(),
    };
  });
}

export function memory(smallMb: number, largeMb: number): Promise<ScenarioResult> {
  return withScope(async (scope) => {
    const services = await startServices(scope, 'memory');
    const small = await uploadOnce(services, smallMb);
    const large = await uploadOnce(services, largeMb);
    return {
      scenario: 'memory',
      comparisons: [
        compare(
          `API peak RSS MB, ${largeMb} MB vs ${smallMb} MB file`,
          large.apiPeakRssMB,
          small.apiPeakRssMB,
        ),
        compare(
          `worker peak RSS MB, ${largeMb} MB vs ${smallMb} MB file`,
          large.workerPeakRssMB,
          small.workerPeakRssMB,
        ),
      ],
      workerThreads: WORKER_THREADS,
      nodeOptions: process.env.NODE_OPTIONS || 'launcher default',
      malloc: Object.entries(LAUNCHER_MALLOC_ENV)
        .map(([name, value]) => `${name}=${process.env[name] ?? value}`)
        .join(' '),
      ...prefixed('small', small),
      ...prefixed('large', large),
    };
  });
}
