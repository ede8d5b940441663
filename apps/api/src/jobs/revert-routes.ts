import { type DatabaseHandle, getJob, type RevertOutcome, revertImport } from '@sluice/db';
import { type Request, type Response, Router } from 'express';
import { requireScopes } from '../auth/authenticate.ts';
import { tenantOf } from '../auth/tenant.ts';
import type { idempotentPost } from '../http/idempotent-post.ts';
import { HttpProblem } from '../http/problem.ts';
import { jobNotFound, UUID } from './job-lookup.ts';
import type { JobRoutesDeps } from './job-routes.ts';
import { presentJob } from './job-view.ts';

/** `force` of the query: absent, true or false. */
function readForce(req: Request): boolean {
  const force = req.query.force;
  if (force === undefined || force === 'false') return false;
  if (force === 'true') return true;
  throw new HttpProblem('invalid_parameter', '`force` is true or false.', {
    extra: { field: 'force' },
  });
}

/** The answer to a revert that did not happen. */
function refusal(id: string, refused: Exclude<RevertOutcome, { outcome: 'reverted' }>) {
  switch (refused.outcome) {
    case 'missing':
      return jobNotFound(id);
    case 'not-import':
      return new HttpProblem(
        'not_revertible',
        'The job is not an import: it wrote nothing to a dataset.',
        { extra: { reason: 'not_import' } },
      );
    case 'dry-run':
      return new HttpProblem(
        'not_revertible',
        'The job is a dry run that was not promoted: it wrote nothing to its dataset.',
        { extra: { reason: 'dry_run' } },
      );
    case 'not-completed':
      return new HttpProblem(
        'job_not_completed',
        `The import is ${refused.status}; only a completed import wrote rows to revert.`,
        { extra: { jobStatus: refused.status } },
      );
    case 'already-reverted':
      return new HttpProblem(
        'already_reverted',
        `The import was reverted already (${refused.revertedAt.toISOString()}).`,
        { extra: { revertedAt: refused.revertedAt.toISOString() } },
      );
    case 'history-unavailable':
      return new HttpProblem(
        'history_unavailable',
        "The import's change log is gone (ROW_HISTORY_RETENTION_DAYS), was never kept, or is of a dataset deleted since: it cannot be reverted.",
      );
    case 'conflict':
      return new HttpProblem(
        'revert_conflict',
        `Later jobs wrote ${refused.laterWrites.reduce((n, w) => n + w.rows, 0)} of the rows this import wrote; nothing was reverted. Revert them first, or POST again with force=true to undo their writes of those rows too.`,
        { extra: { laterJobs: refused.laterWrites } },
      );
  }
}

/**
 * POST /v1/jobs/{id}/revert[?force=true] (jobs:write and datasets:write):
 * restores an import's dataset to its state before the import, in one
 * transaction (@sluice/db's revertImport). Goes to PostgreSQL directly; the
 * job's cached view (a final job) is dropped, as it now shows revertedAt.
 */
export function revertRoutes(
  deps: Pick<JobRoutesDeps, 'db' | 'logger' | 'baseUrl' | 'cache' | 'needs' | 'events'> & {
    pool: DatabaseHandle['pool'];
    /** IMPORT_STATEMENT_TIMEOUT_MS: a revert writes as many rows as the import did. */
    importStatementTimeoutMs: number;
    idempotent: ReturnType<typeof idempotentPost>;
  },
): Router {
  const router = Router();
  router.post(
    '/v1/jobs/:id/revert',
    requireScopes('jobs:write', 'datasets:write'),
    deps.needs('postgres'),
    deps.idempotent,
    async (req: Request<{ id: string }>, res: Response) => {
      const id = req.params.id;
      if (!UUID.test(id)) throw jobNotFound(id);
      const force = readForce(req);
      const jobId = id.toLowerCase();
      const tenantId = tenantOf(res);
      const result = await revertImport(deps.pool, tenantId, jobId, {
        statementTimeoutMs: deps.importStatementTimeoutMs,
        maxAttempts: 3,
        force,
      });
      if (result.outcome !== 'reverted') throw refusal(id, result);
      await deps.cache.forget(tenantId, jobId);
      deps.events.changed(jobId);
      deps.logger.info(
        {
          jobId,
          deleted: result.deleted,
          restored: result.restored,
          overwrote: result.overwrote,
        },
        'import reverted',
      );
      const job = await getJob(deps.db, tenantId, jobId);
      if (!job) throw jobNotFound(id);
      res.json(presentJob(job, deps.baseUrl(req)));
    },
  );
  return router;
}
