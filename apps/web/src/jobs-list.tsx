import type { JobSummaryBody } from './api.ts';
import { offsetOf, usePage } from './paged.ts';
import { Pager } from './pager.tsx';
import { hrefOf, type Location, setQuery } from './routes.ts';
import { ScrollArea } from './scroll-area.tsx';

const STATUSES = ['', 'queued', 'running', 'completed', 'failed', 'cancelled'];
const PAGE = 20;

/**
 * GET /v1/jobs with a status filter, a page at a time (X-Total-Count); both
 * in the URL (#/jobs?status=failed&offset=20), each job a link to its page.
 */
export function JobsList({ location }: { location: Location }) {
  const status = location.query.get('status') ?? '';
  const offset = offsetOf(location.query);
  const { page, error } = usePage<JobSummaryBody>(
    status ? `/v1/jobs?status=${encodeURIComponent(status)}` : '/v1/jobs',
    PAGE,
    offset,
  );
  return (
    <section aria-labelledby="page-heading">
      <h1 id="page-heading" tabIndex={-1}>
        Jobs
      </h1>
      <div class="filters">
        <div>
          <label for="status-filter">Status</label>
          <select
            id="status-filter"
            value={status}
            onChange={(e) =>
              setQuery(location, { status: e.currentTarget.value || null, offset: null })
            }
          >
            {STATUSES.map((s) => (
              <option value={s} key={s}>
                {s || 'any'}
              </option>
            ))}
          </select>
        </div>
      </div>
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
              <th scope="col">Type</th>
              <th scope="col">Status</th>
              <th scope="col">Rows</th>
              <th scope="col">Accepted</th>
              <th scope="col">Rejected</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {page?.items.map((job) => (
              <tr key={job.id}>
                <td>
                  <a href={hrefOf({ page: 'job', id: job.id })}>{job.fileName ?? job.id}</a>
                </td>
                <td>{job.dataset ? `import into ${job.dataset}` : job.type}</td>
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
      {page && (
        <Pager
          label="Pages of jobs"
          page={page}
          limit={PAGE}
          empty="No jobs."
          location={location}
        />
      )}
    </section>
  );
}
