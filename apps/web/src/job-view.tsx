import { useRef } from 'preact/hooks';
import { download, type JobBody } from './api.ts';
import type { ProgressEvent } from './job-events.ts';
import { formatDuration, jobRate, type ProgressSample } from './job-rate.ts';

const FINAL = ['completed', 'failed', 'cancelled'];

/** One job: live status and progress until it ends, then its counts and downloads. */
export function JobView({
  job,
  progress,
  onError,
}: {
  job: JobBody;
  progress: ProgressEvent | null;
  onError: (error: unknown) => void;
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
  return (
    <section aria-labelledby="job-heading">
      <h2 id="job-heading">Job {job.fileName ?? job.id}</h2>
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
            <dt>Errors</dt>
            <dd>{job.counts.errors}</dd>
          </dl>
          {job.error && <p class="error">{job.error}</p>}
          {job.status === 'completed' && (
            <p>
              <button type="button" onClick={() => save(job.links.result, 'result.csv')}>
                Download result.csv
              </button>{' '}
              <button
                type="button"
                class="secondary"
                onClick={() => save(job.links.errors, 'errors.csv')}
              >
                Download errors.csv
              </button>
            </p>
          )}
        </>
      )}
    </section>
  );
}
