import { download, type JobBody } from './api.ts';
import type { ProgressEvent } from './job-events.ts';

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
  return (
    <section aria-labelledby="job-heading">
      <h2 id="job-heading">Job {job.fileName ?? job.id}</h2>
      <p aria-live="polite" data-testid="job-status">
        Status: <strong>{progress && !finished ? progress.status : job.status}</strong>
        {!finished && progress && ` — ${progress.percent}%`}
      </p>
      {!finished && <progress max={100} value={progress?.percent ?? 0} aria-label="Job progress" />}
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
