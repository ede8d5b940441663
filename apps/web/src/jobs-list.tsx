import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, type JobSummaryBody } from './api.ts';
import { ScrollArea } from './scroll-area.tsx';

const STATUSES = ['', 'queued', 'running', 'completed', 'failed', 'cancelled'];
const PAGE = 20;

/** GET /v1/jobs with a status filter, a page at a time (X-Total-Count). */
export function JobsList() {
  const [status, setStatus] = useState('');
  const [offset, setOffset] = useState(0);
  const [jobs, setJobs] = useState<JobSummaryBody[]>([]);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const params = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    if (status) params.set('status', status);
    api(`/v1/jobs?${params}`)
      .then(async (res) => {
        setTotal(Number(res.headers.get('x-total-count') ?? 0));
        setJobs((await res.json()) as JobSummaryBody[]);
        setError(null);
      })
      .catch((err: unknown) => setError(err instanceof ApiError ? err.message : String(err)));
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
            {jobs.map((job) => (
              <tr key={job.id}>
                <td>{job.fileName ?? job.id}</td>
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
        {total === 0 ? 'No jobs.' : `${offset + 1}–${Math.min(offset + PAGE, total)} of ${total}`}
      </p>
      <button
        type="button"
        disabled={offset === 0}
        onClick={() => setOffset(Math.max(0, offset - PAGE))}
      >
        Previous
      </button>{' '}
      <button
        type="button"
        disabled={offset + PAGE >= total}
        onClick={() => setOffset(offset + PAGE)}
      >
        Next
      </button>
    </section>
  );
}
