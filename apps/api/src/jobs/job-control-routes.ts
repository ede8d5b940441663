import { cancelJob, inTransaction, removeJob, retryJob } from '@sluice/db';
import { type Request, type Response, Router } from 'express';
import { requireScopes } from '../auth/authenticate.ts';
import { tenantOf } from '../auth/tenant.ts';
import type { idempotentPost } from '../http/idempotent-post.ts';
import { HttpProblem } from '../http/problem.ts';
import { observeCancelledJob } from './job-duration.ts';
import { jobNotFound, UUID } from './job-lookup.ts';
import type { JobRoutesDeps } from './job-routes.ts';
import { presentJob } from './job-view.ts';

/** Tries of a job's deletion that lost a deadlock to a worker's commit (see DELETE below). */
const DELETE_ATTEMPTS = 3;

/**
 * A client's control over its jobs, scope jobs:write: cancel, retry and
 * delete. Each drops what the status cache and the event streams hold of
 * the job.
 */
export function jobControlRoutes(
  deps: Pick<
    JobRoutesDeps,
    | 'db'
    | 'producer'
    | 'metrics'
    | 'logger'
    | 'baseUrl'
    | 'cache'
    | 'needs'
    | 'transaction'
    | 'events'
    | 'dispatchWebhooks'
  > & {
    /** Idempotency-Key on cancel and retry (http/idempotent-post.ts). */
    idempotent: ReturnType<typeof idempotentPost>;
  },
): Router {
  const router = Router();
  const { needs } = deps;
  const write = requireScopes('jobs:write');

  /** POST /v1/jobs/{id}/cancel: a queued or running job stops; nothing of an import is merged. */
  router.post(
    '/v1/jobs/:id/cancel',
    write,
    needs('postgres'),
    deps.idempotent,
    async (req: Request<{ id: string }>, res: Response) => {
      const id = req.params.id;
      if (!UUID.test(id)) throw jobNotFound(id);
      const result = await cancelJob(deps.db, tenantOf(res), id.toLowerCase());
      if (result.outcome === 'missing') throw jobNotFound(id);
      if (result.outcome === 'final') {
        throw new HttpProblem(
          'job_already_final',
          `The job is ${result.status} already; only a queued or running job can be cancelled.`,
          { extra: { jobStatus: result.status } },
        );
      }
      deps.events.changed(result.job.id);
      await deps.dispatchWebhooks(result.job.id);
      deps.metrics.jobsCancelled.inc({ type: result.job.type });
      observeCancelledJob(deps.metrics, result.job);
      deps.logger.info({ jobId: result.job.id }, 'job cancelled');
      res.json(presentJob(result.job, deps.baseUrl(req)));
    },
  );

  /**
   * POST /v1/jobs/{id}/retry: a failed or cancelled job runs again from where
   * it stopped (done chunks stay done). PostgreSQL first: once it says
   * queued, the job will run even if replacing its flow in Redis fails now
   * (the reconciler rebuilds flows that cannot finish their job).
   */
  router.post(
    '/v1/jobs/:id/retry',
    write,
    needs('postgres', 'redis'),
    deps.idempotent,
    async (req: Request<{ id: string }>, res: Response) => {
      const id = req.params.id;
      if (!UUID.test(id)) throw jobNotFound(id);
      const jobId = id.toLowerCase();
      const result = await inTransaction(
        deps.db,
        (trx) => retryJob(trx, tenantOf(res), jobId),
        deps.transaction,
      );
      if (result.outcome === 'missing') throw jobNotFound(id);
      if (result.outcome === 'not-retryable') {
        throw new HttpProblem(
          'job_not_retryable',
          `The job is ${result.status}; only a failed or cancelled job can be retried.`,
          { extra: { jobStatus: result.status } },
        );
      }
      await deps.cache.forget(tenantOf(res), jobId);
      deps.events.changed(jobId);
      await requeue(jobId, result.job.chunksTotal, result.pendingSeqs);
      deps.metrics.jobsRetried.inc({ type: result.job.type });
      deps.logger.info({ jobId, pendingChunks: result.pendingSeqs.length }, 'job retried');
      const body = presentJob(result.job, deps.baseUrl(req));
      res.status(202).location(body.links.self).json(body);
    },
  );

  /** Replaces a retried job's flow; a worker briefly holding an old chunk job is waited out. */
  async function requeue(jobId: string, chunks: number, pendingSeqs: number[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await deps.producer.requeueJob(jobId, chunks, { pendingSeqs });
        return;
      } catch (err) {
        if (attempt >= 5) {
          deps.logger.warn(
            { err, jobId },
            "could not replace the retried job's flow; the reconciler will",
          );
          return;
        }
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  }

  /**
   * DELETE /v1/jobs/{id}: the job and all stored for it (input, output, row
   * errors) are gone; a running job is stopped by it. 204, or 404.
   */
  router.delete(
    '/v1/jobs/:id',
    write,
    needs('postgres'),
    async (req: Request<{ id: string }>, res: Response) => {
      const id = req.params.id;
      // Retried on contention: deleting a running job cascades to the chunk
      // rows a worker may be committing, and the two can deadlock (the worker's
      // row errors check the job row this delete holds); one of them is
      // aborted, and without a retry the client got a 503 (seen once in CI).
      const removed =
        UUID.test(id) &&
        (await inTransaction(deps.db, (trx) => removeJob(trx, tenantOf(res), id.toLowerCase()), {
          ...deps.transaction,
          maxAttempts: DELETE_ATTEMPTS,
        }));
      if (!removed) throw jobNotFound(id);
      await deps.cache.forget(tenantOf(res), id.toLowerCase());
      deps.events.changed(id.toLowerCase());
      deps.logger.info({ jobId: id.toLowerCase() }, 'job deleted');
      res.status(204).end();
    },
  );

  return router;
}
