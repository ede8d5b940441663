import type { JobBody, JobSummaryBody } from '@sluice/contract';
import type { JobSummary, JobView } from '@sluice/db';

/** The public JSON shape of a job (API v1): @sluice/contract's jobSchema, the document's Job. */
export function presentJob(job: JobView, baseUrl: string): JobBody {
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
      // errors.csv holds errorsStored of them: at most MAX_ERROR_ROWS_PER_JOB.
      errorsStored: job.errorsStored,
      errorsTruncated: job.errorsStored < job.errorsTotal,
    },
    // Import jobs: the dataset, and what the merge did once the job completed.
    ...(job.type === 'import'
      ? {
          dataset: job.dataset,
          import: {
            rowsInserted: job.rowsInserted,
            rowsUpdated: job.rowsUpdated,
            rowsUnchanged: job.rowsUnchanged,
            rowsDuplicate: job.rowsDuplicate,
            revertedAt: job.revertedAt?.toISOString() ?? null,
          },
        }
      : {}),
    ...(job.dryRun ? { dryRun: presentDryRun(job.dryRun) } : {}),
    columns: job.columns,
    // Normalization options and the detected (or given) encoding and delimiter.
    options: job.options,
    error: job.error,
    errorCode: job.errorCode,
    // Stable links from the start; the downloads answer 409 until the job completes.
    links: {
      self,
      result: `${self}/result.csv`,
      errors: `${self}/errors.csv`,
      ...(job.dataset ? { dataset: `${baseUrl}/v1/datasets/${job.dataset}` } : {}),
      ...(job.dryRun ? { diff: `${self}/diff.csv`, promote: `${self}/promote` } : {}),
      ...(job.type === 'import' ? { revert: `${self}/revert` } : {}),
    },
  };
}

function presentDryRun(dryRun: NonNullable<JobView['dryRun']>): NonNullable<JobBody['dryRun']> {
  const { result } = dryRun;
  return {
    inserted: result?.inserted ?? null,
    updated: result?.updated ?? null,
    unchanged: result?.unchanged ?? null,
    duplicate: result?.duplicate ?? null,
    columnChanges: result?.columnChanges ?? null,
    datasetVersion: result?.datasetVersion ?? null,
    promotedAt: dryRun.promotedAt?.toISOString() ?? null,
  };
}

/** One job in GET /v1/jobs: no per-chunk progress (that is GET /v1/jobs/{id}). */
export function presentJobSummary(job: JobSummary, baseUrl: string): JobSummaryBody {
  return {
    id: job.id,
    type: job.type,
    status: job.status,
    fileName: job.fileName,
    ...(job.dataset ? { dataset: job.dataset } : {}),
    rowsTotal: job.rowsTotal,
    rowsAccepted: job.rowsAccepted,
    rowsRejected: job.rowsRejected,
    error: job.error,
    errorCode: job.errorCode,
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    links: { self: `${baseUrl}/v1/jobs/${job.id}` },
  };
}
