import { formatSafeRecord } from '@sluice/csv';
import {
  type DatabaseHandle,
  DIFF_COLUMNS,
  type DryRunRefusal,
  getJob,
  openDryRunDiff,
  promoteDryRun,
  withQueryOperation,
} from '@sluice/db';
import { type Request, type Response, Router } from 'express';
import { requireScopes } from '../auth/authenticate.ts';
import { tenantOf } from '../auth/tenant.ts';
import { sendCsvDownload } from '../http/csv-download.ts';
import type { idempotentPost } from '../http/idempotent-post.ts';
import { HttpProblem } from '../http/problem.ts';
import { jobNotFound, UUID } from './job-lookup.ts';
import type { JobRoutesDeps } from './job-routes.ts';
import { presentJob } from './job-view.ts';

/** The answer to a dry run that cannot be promoted or diffed. */
function refusal(id: string, refused: DryRunRefusal): HttpProblem {
  switch (refused.outcome) {
    case 'missing':
      return jobNotFound(id);
    case 'not-dry-run':
      return new HttpProblem(
        'not_dry_run',
        'The job is not a dry-run import (submit the import with dryRun=true).',
      );
    case 'not-completed':
      return new HttpProblem(
        'job_not_completed',
        `The dry run is ${refused.status}; it can be promoted or diffed once it has completed.`,
        { extra: { jobStatus: refused.status } },
      );
    case 'promoted':
      return new HttpProblem(
        'dry_run_promoted',
        'The dry run was promoted: it is the import now, and its diff is gone.',
      );
    case 'dataset-changed':
      return new HttpProblem(
        'dataset_changed',
        refused.datasetVersion === null
          ? 'The dataset was deleted (or deleted and declared again) since the dry run; run the dry run again.'
          : `The dataset changed since the dry run (version ${refused.dryRunVersion} then, ${refused.datasetVersion} now); run the dry run again.`,
        {
          extra: { dryRunVersion: refused.dryRunVersion, datasetVersion: refused.datasetVersion },
        },
      );
  }
}

/**
 * A completed dry-run import's two actions: POST /v1/jobs/{id}/promote
 * (jobs:write and datasets:write) and GET /v1/jobs/{id}/diff.csv (jobs:read).
 * Both go to PostgreSQL directly, never the status cache: a dry run's
 * promotability changes with its dataset.
 */
export function dryRunRoutes(
  deps: Pick<JobRoutesDeps, 'db' | 'logger' | 'baseUrl' | 'cache' | 'needs' | 'events'> & {
    pool: DatabaseHandle['pool'];
    /** IMPORT_STATEMENT_TIMEOUT_MS: a promotion is an import's merge. */
    importStatementTimeoutMs: number;
    /** DATABASE_STATEMENT_TIMEOUT_MS: the diff's statements. */
    statementTimeoutMs: number;
    idempotent: ReturnType<typeof idempotentPost>;
  },
): Router {
  const router = Router();
  const { needs } = deps;

  router.post(
    '/v1/jobs/:id/promote',
    requireScopes('jobs:write', 'datasets:write'),
    needs('postgres'),
    deps.idempotent,
    async (req: Request<{ id: string }>, res: Response) => {
      const id = req.params.id;
      if (!UUID.test(id)) throw jobNotFound(id);
      const jobId = id.toLowerCase();
      const tenantId = tenantOf(res);
      // A promotion is the import's merge: its statements are `merge` in the query metrics.
      const result = await withQueryOperation('merge', () =>
        promoteDryRun(deps.pool, tenantId, jobId, {
          statementTimeoutMs: deps.importStatementTimeoutMs,
          maxAttempts: 3,
        }),
      );
      if (result.outcome !== 'merged' && result.outcome !== 'already-promoted') {
        throw refusal(id, result);
      }
      // The cached view (a final job) still shows it unpromoted.
      await deps.cache.forget(tenantId, jobId);
      deps.events.changed(jobId);
      if (result.outcome === 'merged') {
        deps.logger.info({ jobId, ...result.stats }, 'dry run promoted: import merged');
      }
      const job = await getJob(deps.db, tenantId, jobId);
      if (!job) throw jobNotFound(id);
      res.json(presentJob(job, deps.baseUrl(req)));
    },
  );

  router.get(
    '/v1/jobs/:id/diff.csv',
    requireScopes('jobs:read'),
    needs('postgres'),
    async (req: Request<{ id: string }>, res: Response) => {
      const id = req.params.id;
      if (!UUID.test(id)) throw jobNotFound(id);
      const jobId = id.toLowerCase();
      const diff = await openDryRunDiff(deps.pool, tenantOf(res), jobId, {
        statementTimeoutMs: deps.statementTimeoutMs,
      });
      if (diff.outcome !== 'ready') throw refusal(id, diff);
      // Rows straight from COPY: keys and values are normalized import
      // values (formula-neutralized when normalized), column names are
      // identifiers, as in the dataset export; the header goes through the
      // same safe formatter as every download's.
      await sendCsvDownload(res, {
        fileName: `${jobId}.diff.csv`,
        header: formatSafeRecord([...diff.key, ...DIFF_COLUMNS]),
        pages: diff.rows,
      });
    },
  );

  return router;
}
