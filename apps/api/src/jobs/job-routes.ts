import { createHash } from 'node:crypto';
import type { Breaker } from '@sluice/breakers';
import { jobListQuerySchema, outputColumns, writtenColumn } from '@sluice/contract';
import { formatSafeRecord } from '@sluice/csv';
import {
  type Database,
  deleteJob,
  findIdempotentRequest,
  getJob,
  type IdempotentRequest,
  isIdempotencyKeyHeld,
  type JobFilter,
  type JobView,
  listJobs,
  readJobErrors,
  readJobOutput,
  recordIdempotencyFingerprint,
  type TransactionOptions,
} from '@sluice/db';
import type { Logger } from '@sluice/lifecycle';
import type { ApiMetrics } from '@sluice/metrics';
import type { JobProducer } from '@sluice/queue';
import { type Request, type RequestHandler, type Response, Router } from 'express';
import type { Kysely } from 'kysely';
import { assertScopes, requireScopes } from '../auth/authenticate.ts';
import { tenantOf } from '../auth/tenant.ts';
import { findDataset } from '../datasets/dataset-routes.ts';
import type { Needs } from '../http/breaker-guard.ts';
import { sendCsvDownload } from '../http/csv-download.ts';
import { readPage, setPageHeaders } from '../http/pagination.ts';
import { parseInput } from '../http/parse-input.ts';
import { HttpProblem } from '../http/problem.ts';
import { requireStorableText } from '../http/storable-text.ts';
import {
  fingerprintBody,
  type InFlightMarks,
  readIdempotencyKey,
  requestFingerprint,
} from './idempotency.ts';
import type { Intake } from './intake.ts';
import type { JobCache } from './job-cache.ts';
import type { JobEvents } from './job-events.ts';
import { jobNotFound, requireCompleted, UUID } from './job-lookup.ts';
import { readJobRequest } from './job-options.ts';
import { presentJob, presentJobSummary } from './job-view.ts';
import type { EarlyProcessing } from './upload/early-chunks.ts';
import { openInputFile } from './upload/input-file.ts';
import { openCsvUpload, type UploadLimits } from './upload/request-body.ts';
import { type StoreLimits, storeUpload } from './upload/store-upload.ts';

export interface JobRoutesDeps {
  db: Kysely<Database>;
  producer: JobProducer;
  metrics: ApiMetrics;
  logger: Logger;
  baseUrl: (req: Request) => string;
  limits: StoreLimits & UploadLimits;
  cache: JobCache;
  /**
   * The status route declares no dependency at the edge (`needs()`), so that
   * a finished job is answered from the cache while PostgreSQL is down; a
   * cache miss reads PostgreSQL through this breaker (refused at once while open).
   */
  postgresBreaker: Breaker;
  /** The breaker guard: each route declares what it cannot be served without. */
  needs: Needs;
  /** Takes one of the limited upload slots (429 beyond them). */
  uploadSlot: RequestHandler;
  /** Timeouts of the upload's short transactions. */
  transaction: TransactionOptions;
  /** Idempotency-Keys whose first request is still being answered. */
  inFlight: InFlightMarks;
  /** Server-sent events of jobs (GET /v1/jobs/{id}/events); told of each change made here. */
  events: JobEvents;
  /** Enqueues the webhook deliveries a transition made here recorded (a cancel). */
  dispatchWebhooks: (jobId: string) => Promise<void>;
  /** A submission's store, enqueue and accept, shared with concurrent ones. */
  intake: Intake;
  /** UPLOAD_EARLY_PROCESSING: chunks are enqueued as they are stored (upload/early-chunks.ts). */
  earlyProcessing?: boolean | undefined;
}

const keyInUse = () =>
  new HttpProblem(
    'idempotency_key_in_use',
    'A request with this Idempotency-Key is still in progress; retry once it has been answered.',
    { headers: { 'retry-after': '1' } },
  );

const keyReused = () =>
  new HttpProblem(
    'idempotency_key_reused',
    'This Idempotency-Key was used for a different request in the last 24 hours; use a new key for a new request.',
  );

/**
 * The uploaded file's name with a suffix, in any script (Content-Disposition
 * carries it as UTF-8); only what file systems refuse or read as a path (control
 * characters, / \ : * ? " < > |) becomes `_`; leading dots are dropped and
 * the name is cut at 100 characters (file systems allow 255 bytes).
 */
function downloadName(job: JobView, suffix: string): string {
  const base =
    (job.fileName ?? '')
      .replace(/\.csv$/i, '')
      .replace(/[\p{Cc}\p{Cf}/\\:*?"<>|]+/gu, '_')
      .replace(/^[.\s]+/, '')
      .slice(0, 100)
      .trim() || job.id;
  return `${base}.${suffix}.csv`;
}

/** GET /v1/jobs' filters, as @sluice/contract's jobListQuerySchema says. */
function readFilter(req: Request): JobFilter {
  const { status, type, dataset } = req.query;
  return parseInput(jobListQuerySchema, { status, type, dataset }, 'invalid_filter');
}

export function jobRoutes(deps: JobRoutesDeps): Router {
  const router = Router();
  const { needs } = deps;
  const early: EarlyProcessing = {
    enqueue: (jobId, seqs) => deps.producer.enqueueEarlyChunks(jobId, seqs),
    withdraw: (jobId, seqs) => deps.producer.withdrawEarlyChunks(jobId, seqs),
    onError: (err, jobId) =>
      deps.logger.warn({ err, jobId }, 'early chunk jobs: could not enqueue or withdraw some'),
  };
  const read = requireScopes('jobs:read');
  const write = requireScopes('jobs:write');

  /** GET /v1/jobs?status=&type=&dataset=&limit=&offset=: newest first, paged. */
  router.get('/v1/jobs', read, needs('postgres'), async (req: Request, res: Response) => {
    const filter = readFilter(req);
    const page = readPage(req, 50);
    const { items, total } = await listJobs(deps.db, tenantOf(res), filter, page);
    setPageHeaders(req, res, deps.baseUrl(req), page, total);
    res.json(items.map((job) => presentJobSummary(job, deps.baseUrl(req))));
  });

  /**
   * POST /v1/jobs: store the upload (receiving), enqueue its flow, then
   * accept it and answer 202 at once. Acceptance is the last step, with
   * nothing between it and the 202 that could hang: a client that sees no
   * 202 (an error, or the API died) has a job that never runs, and one that
   * sees it has a job that will. Enqueued but not yet accepted, the job's
   * chunks are handed back by workers until it is accepted (or removed as
   * abandoned by the reconciler).
   */
  router.post(
    '/v1/jobs',
    write,
    deps.uploadSlot,
    needs('postgres', 'redis'),
    async (req: Request, res: Response) => {
      const tenantId = tenantOf(res);
      const idempotencyKey = readIdempotencyKey(req);
      if (idempotencyKey !== undefined) {
        const earlier = await findIdempotentRequest(deps.db, tenantId, idempotencyKey);
        if (earlier) {
          await answerRepeatedRequest(req, res, tenantId, idempotencyKey, earlier);
          return;
        }
        // One key space per tenant: a key another POST used (http/idempotent-post.ts) names that request.
        const keyHash = createHash('sha256').update(idempotencyKey).digest();
        if (await isIdempotencyKeyHeld(deps.db, tenantId, keyHash)) throw keyReused();
        if (!(await deps.inFlight.take(tenantId, idempotencyKey))) throw keyInUse();
        res.once('close', () => void deps.inFlight.release(tenantId, idempotencyKey));
      }
      const request = await openCsvUpload(req, deps.limits, {
        digest: idempotencyKey !== undefined,
      });
      if (request.fileName !== null) requireStorableText(request.fileName, 'filename');
      const job = readJobRequest(req.query, request.fields);
      // An import also writes into a dataset.
      if (job.type === 'import') assertScopes(res, 'datasets:write');
      const dataset =
        job.dataset === undefined
          ? undefined
          : await findDataset(deps.db, tenantOf(res), job.dataset);
      // The file as CSV (a .csv.gz decompressed, an .xlsx sheet written out),
      // once the request itself is known to be good: its first bytes are read here.
      const upload = await openInputFile(request, job, deps.limits);
      const stored = await storeUpload(deps.db, upload, job, deps.limits, {
        tenantId,
        dataset,
        transaction: deps.transaction,
        idempotencyKey,
        storeWhole: deps.intake.storeWhole,
        early: deps.earlyProcessing ? early : undefined,
      });
      if (idempotencyKey !== undefined) {
        // The whole body has arrived (the upload read it to its end).
        const digest = await upload.digest;
        if (digest) {
          await recordIdempotencyFingerprint(
            deps.db,
            { tenantId, key: idempotencyKey, jobId: stored.jobId },
            requestFingerprint(req, digest),
          );
        }
      }
      const withdraw = () =>
        deleteJob(deps.db, stored.jobId).catch((e) =>
          deps.logger.error({ err: e, jobId: stored.jobId }, 'could not withdraw unaccepted job'),
        );
      try {
        await deps.intake.enqueue(stored.jobId, stored.chunks);
      } catch (error) {
        // Not on the queue, never accepted: withdraw it so the client's retry
        // is the only copy, and say so.
        await withdraw();
        throw new HttpProblem(
          'queue_unavailable',
          'The job queue is unreachable; the upload was not accepted. Try again shortly.',
          {
            headers: { 'retry-after': '5' },
            cause: error,
          },
        );
      }
      let accepted: JobView | undefined;
      try {
        accepted = await deps.intake.accept(stored.jobId, job.type);
      } catch (error) {
        await withdraw();
        throw error;
      }
      // Removed as abandoned meanwhile: only a stall far longer than the rate
      // guard allows gets here.
      if (!accepted) {
        throw new HttpProblem(
          'upload_too_slow',
          'The upload took so long that it was discarded; send it again.',
        );
      }
      const body = presentJob(accepted, deps.baseUrl(req));
      res.status(202).location(body.links.self).json(body);
      deps.metrics.uploadedBytes.inc(stored.bytes);
      deps.metrics.jobsSubmitted.inc({ type: job.type });
      deps.logger.info(
        { jobId: stored.jobId, chunks: stored.chunks, rows: stored.rows, bytes: stored.bytes },
        'job accepted',
      );
    },
  );

  /**
   * A POST whose Idempotency-Key names an earlier request: the same request
   * again gets the job that request made (202, as then, with its state now
   * and Idempotent-Replayed: true), stored once; a different request with
   * that key is 422; one while the first is still arriving is 409.
   */
  async function answerRepeatedRequest(
    req: Request,
    res: Response,
    tenantId: string,
    key: string,
    earlier: IdempotentRequest,
  ): Promise<void> {
    if (!earlier.accepted || earlier.fingerprint === null) throw keyInUse();
    const fingerprint = await fingerprintBody(req, deps.limits.maxUploadBytes);
    if (!fingerprint.equals(earlier.fingerprint)) throw keyReused();
    const job = await getJob(deps.db, tenantId, earlier.jobId);
    if (!job) throw jobNotFound(earlier.jobId);
    deps.logger.info({ jobId: job.id, idempotencyKey: key }, 'repeated request answered');
    const body = presentJob(job, deps.baseUrl(req));
    res.status(202).location(body.links.self).setHeader('idempotent-replayed', 'true').json(body);
  }

  /**
   * Status reads go through the Redis cache (final jobs only; X-Cache says
   * which). `viaBreaker` for a route the edge guard does not cover.
   */
  async function findJobCached(
    id: string,
    req: Request,
    res: Response,
    viaBreaker = false,
  ): Promise<JobView> {
    if (!UUID.test(id)) throw jobNotFound(id);
    const tenantId = tenantOf(res);
    const read = () => getJob(deps.db, tenantId, id.toLowerCase());
    const { job, cache } = await deps.cache.read(
      tenantId,
      id.toLowerCase(),
      viaBreaker ? () => deps.postgresBreaker.run(read) : read,
      /\bno-cache\b/i.test(req.get('cache-control') ?? ''),
    );
    res.setHeader('x-cache', cache);
    if (!job) throw jobNotFound(id);
    return job;
  }

  // Nothing at the edge: a finished job comes from the Redis cache even while
  // PostgreSQL is down, and a miss goes through the postgres breaker here.
  router.get('/v1/jobs/:id', read, needs(), async (req: Request<{ id: string }>, res: Response) => {
    const job = await findJobCached(req.params.id, req, res, true);
    res.json(presentJob(job, deps.baseUrl(req)));
  });

  /** GET /v1/jobs/{id}/events: server-sent events of the job's progress (job-events.ts). */
  router.get(
    '/v1/jobs/:id/events',
    read,
    needs('postgres'),
    async (req: Request<{ id: string }>, res: Response) => {
      const id = req.params.id;
      const found =
        UUID.test(id) &&
        (await deps.events.open(req, res, tenantOf(res), id.toLowerCase(), deps.baseUrl(req)));
      if (!found) throw jobNotFound(id);
    },
  );

  router.get(
    '/v1/jobs/:id/result.csv',
    read,
    needs('postgres'),
    async (req: Request<{ id: string }>, res: Response) => {
      const job = await findJobCached(req.params.id, req, res);
      requireCompleted(job, 'result');
      await sendCsvDownload(res, {
        fileName: downloadName(job, 'normalized'),
        // The columns the workers wrote values for: dropped ones are not in
        // the file, a split name's parts are.
        header: formatSafeRecord(
          outputColumns(job.columns).map((entry) => {
            const column = writtenColumn(entry);
            return column.outputName ?? column.name;
          }),
        ),
        pages: readJobOutput(deps.db, job.id),
      });
    },
  );

  router.get(
    '/v1/jobs/:id/errors.csv',
    read,
    needs('postgres'),
    async (req: Request<{ id: string }>, res: Response) => {
      const job = await findJobCached(req.params.id, req, res);
      requireCompleted(job, 'errors');
      const pages = (async function* () {
        for await (const page of readJobErrors(deps.db, job.id)) {
          yield page
            .map((e) =>
              // Every cell: the column is the raw header name, and the
              // value and message can quote the input.
              formatSafeRecord([
                String(e.recordNumber),
                e.column ?? '',
                e.raw ?? '',
                e.code,
                e.message,
              ]),
            )
            .join('');
        }
      })();
      await sendCsvDownload(res, {
        fileName: downloadName(job, 'errors'),
        header: formatSafeRecord(['row', 'column', 'value', 'code', 'message']),
        // At most MAX_ERROR_ROWS_PER_JOB rows are stored: say when this is not all.
        headers: {
          'sluice-errors-truncated': String(job.errorsStored < job.errorsTotal),
          'sluice-errors-stored': String(job.errorsStored),
          'sluice-errors-total': String(job.errorsTotal),
        },
        pages,
      });
    },
  );

  return router;
}
