import type { JobView } from '@sluice/db';

/** The public JSON shape of a job (API v1). */
export function presentJob(job: JobView, baseUrl: string) {
  const self = `${baseUrl}/v1/jobs/${job.id}`;
  return {
    id: job.id,
    type: job.type,
    status: job.status,
    fileName: job.fileName,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    progress: {
      chunksTotal: job.chunksTotal,
      chunksDone: job.chunksDone,
      percent: job.chunksTotal === 0 ? 0 : Math.floor((100 * job.chunksDone) / job.chunksTotal),
    },
    counts: {
      bytes: job.bytesTotal,
      rowsTotal: job.rowsTotal,
      rowsProcessed: job.rowsProcessed,
      rowsAccepted: job.rowsAccepted,
      rowsRejected: job.rowsRejected,
      rowsBlank: job.rowsBlank,
      errors: job.errorsTotal,
    },
    columns: job.columns,
    // Normalization options and the detected (or given) encoding and delimiter.
    options: job.options,
    error: job.error,
    // Stable links from the start; the downloads answer 409 until the job completes.
    links: { self, result: `${self}/result.csv`, errors: `${self}/errors.csv` },
  };
}
