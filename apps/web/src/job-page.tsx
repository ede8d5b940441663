import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type JobBody } from './api.ts';
import { JobDetails } from './job-details.tsx';
import { JobErrors } from './job-errors.tsx';
import { followJob, type ProgressEvent } from './job-events.ts';
import { JobView } from './job-view.tsx';
import { messageOf } from './paged.ts';
import type { Location } from './routes.ts';

const FINAL = ['completed', 'failed', 'cancelled'];
const CANCELLABLE = ['queued', 'running'];
const RETRYABLE = ['failed', 'cancelled'];

/**
 * #/jobs/<id>: one job followed live until it ends (its event stream), then
 * its counts, import results, options and columns, errors and downloads;
 * cancel while it is queued or running, retry once it failed or was cancelled.
 */
export function JobPage({ id, location }: { id: string; location: Location }) {
  const [job, setJob] = useState<JobBody | null>(null);
  const [progress, setProgress] = useState<ProgressEvent | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The stream of the job shown: replaced when the job runs again, aborted when the page goes.
  const watch = useRef<AbortController | null>(null);

  const show = async (current: JobBody) => {
    watch.current?.abort();
    const controller = new AbortController();
    watch.current = controller;
    setJob(current);
    setProgress(null);
    if (FINAL.includes(current.status)) return;
    try {
      const final = await followJob(current.id, setProgress, controller.signal);
      if (!controller.signal.aborted) setJob(final);
    } catch (err) {
      if (!controller.signal.aborted) setError(messageOf(err));
    }
  };

  useEffect(() => {
    setJob(null);
    setError(null);
    const path = `/v1/jobs/${encodeURIComponent(id)}`;
    api(path)
      .then(async (res) => show((await res.json()) as JobBody))
      .catch((err: unknown) => setError(messageOf(err)));
    return () => watch.current?.abort();
  }, [id]);

  const control = async (action: 'cancel' | 'retry') => {
    setBusy(true);
    setError(null);
    try {
      const res = await api(`/v1/jobs/${encodeURIComponent(id)}/${action}`, { method: 'POST' });
      const answer = (await res.json()) as JobBody;
      // A retried job runs again: followed until it ends.
      void show(answer);
      // The pressed button is gone (cancel becomes retry): focus goes back to the page's heading.
      document.getElementById('page-heading')?.focus();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const status = progress && job && !FINAL.includes(job.status) ? progress.status : job?.status;
  return (
    <>
      <h1 id="page-heading" tabIndex={-1}>
        Job {job ? (job.fileName ?? job.id) : ''}
      </h1>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {job && (
        <>
          <JobView
            job={job}
            progress={progress}
            onError={(e) => setError(messageOf(e))}
            titled={false}
          />
          {(CANCELLABLE.includes(status ?? '') || RETRYABLE.includes(status ?? '')) && (
            <p class="actions">
              {CANCELLABLE.includes(status ?? '') && (
                <button
                  type="button"
                  class="secondary"
                  disabled={busy}
                  onClick={() => void control('cancel')}
                >
                  Cancel job
                </button>
              )}
              {RETRYABLE.includes(status ?? '') && (
                <button type="button" disabled={busy} onClick={() => void control('retry')}>
                  Retry job
                </button>
              )}
            </p>
          )}
          {/* Errors are listed when errors.csv is there: completed, or stopped for its error rate. */}
          {(job.status === 'completed' || job.errorCode === 'error_rate_exceeded') &&
            job.counts.errors > 0 && <JobErrors job={job} location={location} />}
          <JobDetails job={job} />
        </>
      )}
    </>
  );
}
