import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, type JobBody, type JobSummaryBody } from './api.ts';
import { followJob, type ProgressEvent } from './job-events.ts';
import { JobView } from './job-view.tsx';
import { ScrollArea } from './scroll-area.tsx';

const STATUSES = ['', 'queued', 'running', 'completed', 'failed', 'cancelled'];
const PAGE = 20;

/** GET /v1/jobs with a status filter, a page at a time (X-Total-Count). */
export function JobsList() {
  const [status, setStatus] = useState('');
  const [offset, setOffset] = useState(0);
  // The page shown, with the offset it was asked for: footer and rows always agree.
  const [page, setPage] = useState<{ offset: number; total: number; jobs: JobSummaryBody[] }>({
    offset: 0,
    total: 0,
    jobs: [],
  });
  const [error, setError] = useState<string | null>(null);
  // The job opened from the list, followed live while it runs.
  const [open, setOpen] = useState<JobBody | null>(null);
  const [progress, setProgress] = useState<ProgressEvent | null>(null);
  const watch = useRef<AbortController | null>(null);
  useEffect(() => () => watch.current?.abort(), []);
  const report = (err: unknown) => setError(err instanceof ApiError ? err.message : String(err));
  const show = async (id: string) => {
    watch.current?.abort();
    const controller = new AbortController();
    watch.current = controller;
    setProgress(null);
    try {
      const job = (await (await api(`/v1/jobs/${encodeURIComponent(id)}`)).json()) as JobBody;
      setOpen(job);
      if (!['completed', 'failed', 'cancelled'].includes(job.status)) {
        setOpen(await followJob(id, setProgress, controller.signal));
      }
    } catch (err) {
      if (!controller.signal.aborted) report(err);
    }
  };
  useEffect(() => {
    const params = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    if (status) params.set('status', status);
    // Only the latest request's answer shows (a click can overtake a slow page).
    let current = true;
    api(`/v1/jobs?${params}`)
      .then(async (res) => {
        const total = Number(res.headers.get('x-total-count') ?? 0);
        const jobs = (await res.json()) as JobSummaryBody[];
        if (!current) return;
        setPage({ offset, total, jobs });
        setError(null);
      })
      .catch(report);
    return () => {
      current = false;
    };
  }, [status, offset]);
  return (
    <section aria-labelledby="jobs-heading">
      <h1 id="jobs-heading">Jobs</h1>
      <label for="status-filter">Status</label>{' '}
      <select
        id="status-filter"
        value={status}
        onChange={(e) => {
          setStatus(e.currentTarget.value);
          setOffset(0);
        }}
      >
        {STATUSES.map((s) => (
          <option value={s} key={s}>
            {s || 'any'}
          </option>
        ))}
      </select>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <ScrollArea label="Jobs table">
        <table>
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Status</th>
              <th scope="col">Rows</th>
              <th scope="col">Accepted</th>
              <th scope="col">Rejected</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {page.jobs.map((job) => (
              <tr key={job.id}>
                <td>
                  <button type="button" class="link" onClick={() => void show(job.id)}>
                    {job.fileName ?? job.id}
                  </button>
                </td>
                <td>{job.status}</td>
                <td>{job.rowsTotal}</td>
                <td>{job.rowsAccepted ?? '–'}</td>
                <td>{job.rowsRejected ?? '–'}</td>
                <td>{new Date(job.createdAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollArea>
      <p aria-live="polite">
        {page.total === 0
          ? 'No jobs.'
          : `${page.offset + 1}–${Math.min(page.offset + PAGE, page.total)} of ${page.total}`}
      </p>
      <button
        type="button"
        disabled={page.offset === 0}
        onClick={() => setOffset(Math.max(0, page.offset - PAGE))}
      >
        Previous
      </button>{' '}
      <button
        type="button"
        disabled={page.offset + PAGE >= page.total}
        onClick={() => setOffset(page.offset + PAGE)}
      >
        Next
      </button>
      {open && <JobView job={open} progress={progress} onError={report} />}
    </section>
  );
}
