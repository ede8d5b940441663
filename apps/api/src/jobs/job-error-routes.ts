import { type JobErrorBody, jobErrorsQuerySchema } from '@sluice/contract';
import {
  countJobErrors,
  getJob,
  type JobErrorFilter,
  type JobView,
  listJobErrors,
} from '@sluice/db';
import { type Request, type Response, Router } from 'express';
import { requireScopes } from '../auth/authenticate.ts';
import { tenantOf } from '../auth/tenant.ts';
import { readPage, setPageHeaders } from '../http/pagination.ts';
import { parseInput } from '../http/parse-input.ts';
import { presentErrorSummary } from './job-error-summary.ts';
import { jobNotFound, requireCompleted, UUID } from './job-lookup.ts';
import type { JobRoutesDeps } from './job-routes.ts';

/**
 * A job's row errors as JSON, scope jobs:read: the rows of errors.csv
 * (stored, capped per job), filtered and paged, and their exact counts by
 * column and code. Available when errors.csv is (requireCompleted): the
 * same report, so the two never disagree.
 */
export function jobErrorRoutes(deps: Pick<JobRoutesDeps, 'db' | 'baseUrl' | 'needs'>): Router {
  const router = Router();
  const read = requireScopes('jobs:read');

  /** The tenant's job, its error report available (404, 409 job_not_completed otherwise). */
  async function findReport(id: string, res: Response): Promise<JobView> {
    const job = UUID.test(id) ? await getJob(deps.db, tenantOf(res), id.toLowerCase()) : undefined;
    if (!job) throw jobNotFound(id);
    requireCompleted(job, 'errors');
    return job;
  }

  /** `?column=&code=`: `column=` (empty) asks for the errors about a whole row (column null). */
  function readErrorFilter(req: Request): JobErrorFilter {
    const { column, code } = parseInput(
      jobErrorsQuerySchema,
      { column: req.query.column, code: req.query.code },
      'invalid_filter',
    );
    return { column: column === '' ? null : column, code };
  }

  /** GET /v1/jobs/{id}/errors?column=&code=&limit=&offset=: in file order, as errors.csv. */
  router.get(
    '/v1/jobs/:id/errors',
    read,
    deps.needs('postgres'),
    async (req: Request<{ id: string }>, res: Response) => {
      const filter = readErrorFilter(req);
      const page = readPage(req);
      const job = await findReport(req.params.id, res);
      const { items, total } = await listJobErrors(deps.db, job.id, filter, page);
      setPageHeaders(req, res, deps.baseUrl(req), page, total);
      res.json(
        items.map(
          (e): JobErrorBody => ({
            recordNumber: e.recordNumber,
            column: e.column,
            value: e.raw,
            code: e.code,
            message: e.message,
          }),
        ),
      );
    },
  );

  /** GET /v1/jobs/{id}/errors/summary: exact counts, also of errors the cap left unstored. */
  router.get(
    '/v1/jobs/:id/errors/summary',
    read,
    deps.needs('postgres'),
    async (req: Request<{ id: string }>, res: Response) => {
      const job = await findReport(req.params.id, res);
      res.json(presentErrorSummary(await countJobErrors(deps.db, job.id)));
    },
  );

  return router;
}
