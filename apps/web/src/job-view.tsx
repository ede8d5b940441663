import { useRef } from 'preact/hooks';
import { download, type JobBody } from './api.ts';
import type { ProgressEvent } from './job-events.ts';
import { formatDuration, jobRate, type ProgressSample } from './job-rate.ts';
import { hrefOf } from './routes.ts';

const FINAL = ['completed', 'failed', 'cancelled'];

/**
 * One job: live status and progress until it ends, then its counts, what an
 * import did, why it failed, and downloads. `titled` false: the page around
 * it has the heading (the job page's h1).
 */
export function JobView({
  job,
  progress,
  onError,
  titled = true,
}: {
  job: JobBody;
  progress: ProgressEvent | null;
  onError: (error: unknown) => void;
  titled?: boolean;
}) {
  const finished = FINAL.includes(job.status);
  const save = (url: string, name: string) => void download(url, name).catch(onError);
  // The first progress event of this job seen here: rate and time left count from it.
  const first = useRef<{ job: string; sample: ProgressSample } | null>(null);
  let live: string | null = null;
  if (progress && !finished) {
    const sample = {
      at: Date.now(),
      rows: progress.counts.rowsProcessed,
      chunks: progress.chunksDone,
    };
    if (first.current?.job !== job.id) first.current = { job: job.id, sample };
    const { rowsPerSecond, etaMs } = jobRate(first.current.sample, sample, progress.chunksTotal);
    const { rowsProcessed, rowsAccepted, rowsRejected } = progress.counts;
    live =
      `Chunks ${progress.chunksDone} of ${progress.chunksTotal} · ${rowsProcessed.toLocaleString()} rows ` +
      `(${rowsAccepted.toLocaleString()} accepted, ${rowsRejected.toLocaleString()} rejected)` +
      (rowsPerSecond === undefined
        ? ''
        : ` · ${Math.round(rowsPerSecond).toLocaleString()} rows/s`) +
      (etaMs === undefined ? '' : ` · about ${formatDuration(etaMs)} left`);
  }
  const merged = job.import;
  return (
    <section aria-labelledby={titled ? 'job-heading' : 'page-heading'}>
      {titled && <h2 id="job-heading">Job {job.fileName ?? job.id}</h2>}
      {titled && (
        <p>
          <a href={hrefOf({ page: 'job', id: job.id })}>Open the job’s page</a> (errors by column,
          options, a link to share)
        </p>
      )}
      <p aria-live="polite" data-testid="job-status">
        Status: <strong>{progress && !finished ? progress.status : job.status}</strong>
        {!finished && progress && ` — ${progress.percent}%`}
      </p>
      {!finished && <progress max={100} value={progress?.percent ?? 0} aria-label="Job progress" />}
      {live && <p data-testid="job-live">{live}</p>}
      {finished && (
        <>
          <dl class="counts">
            <dt>Rows</dt>
            <dd>{job.counts.rowsTotal}</dd>
            <dt>Accepted</dt>
            <dd>{job.counts.rowsAccepted}</dd>
            <dt>Rejected</dt>
            <dd>{job.counts.rowsRejected}</dd>
            <dt>Blank</dt>
            <dd>{job.counts.rowsBlank}</dd>
            <dt>Errors</dt>
            <dd>{job.counts.errors}</dd>
          </dl>
          {merged && merged.rowsInserted !== null && (
            <>
              <h3>Import into {job.dataset}</h3>
              <dl class="counts" data-testid="job-import">
                <dt>Inserted</dt>
                <dd>{merged.rowsInserted}</dd>
                <dt>Updated</dt>
                <dd>{merged.rowsUpdated}</dd>
                <dt>Unchanged</dt>
                <dd>{merged.rowsUnchanged}</dd>
                <dt>Duplicate</dt>
                <dd>{merged.rowsDuplicate}</dd>
              </dl>
            </>
          )}
          {job.error && (
            <p class="error" data-testid="job-failure">
              {job.status === 'failed' ? 'Failed: ' : ''}
              {job.error}
              {job.errorCode && ` (${job.errorCode})`}
            </p>
          )}
          <p>
            {job.status === 'completed' && (
              <>
                <button type="button" onClick={() => save(job.links.result, 'result.csv')}>
                  Download result.csv
                </button>{' '}
              </>
            )}
            {/* errors.csv is there for a completed job, and for one stopped for its error rate. */}
            {(job.status === 'completed' || job.errorCode === 'error_rate_exceeded') && (
              <button
                type="button"
                class="secondary"
                onClick={() => save(job.links.errors, 'errors.csv')}
              >
                Download errors.csv
              </button>
            )}
          </p>
        </>
      )}
    </section>
  );
}
