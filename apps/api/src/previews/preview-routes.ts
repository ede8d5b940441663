import { DEFAULT_PREVIEW_ROWS, MAX_PREVIEW_BYTES, previewRowsInputSchema } from '@sluice/contract';
import type { Database } from '@sluice/db';
import type { Logger } from '@sluice/lifecycle';
import { type Request, type RequestHandler, type Response, Router } from 'express';
import type { Kysely } from 'kysely';
import { assertScopes, requireScopes } from '../auth/authenticate.ts';
import { tenantOf } from '../auth/tenant.ts';
import { findDataset } from '../datasets/dataset-routes.ts';
import type { Needs } from '../http/breaker-guard.ts';
import { parseInput } from '../http/parse-input.ts';
import { answerBeforeBodyEnds } from '../http/problem.ts';
import { requireStorableText } from '../http/storable-text.ts';
import { readJobRequest } from '../jobs/job-options.ts';
import { openInputFile } from '../jobs/upload/input-file.ts';
import { openCsvUpload, type UploadLimits } from '../jobs/upload/request-body.ts';
import type { StoreLimits } from '../jobs/upload/store-upload.ts';
import { readPreview } from './read-preview.ts';

export interface PreviewRoutesDeps {
  db: Kysely<Database>;
  logger: Logger;
  limits: StoreLimits & UploadLimits;
  needs: Needs;
  /** Shares the upload slots: a preview reads a request body as an upload does. */
  uploadSlot: RequestHandler;
}

/** `rows`, a form field or a query parameter like every option (the field wins). */
function readRows(req: Request, fields: Record<string, string>): number {
  const raw = Object.hasOwn(fields, 'rows') ? fields.rows : req.query.rows;
  const { rows } = parseInput(previewRowsInputSchema, { rows: raw }, 'invalid_option');
  return rows === undefined ? DEFAULT_PREVIEW_ROWS : Number(rows);
}

/**
 * POST /v1/previews: what a job would make of the start of a file, with
 * the same body forms and options as POST /v1/jobs, stored nowhere. Scope
 * jobs:write: a preview is the first step of submitting, and a read-only key
 * (a dashboard's) has no business sending files to be parsed; an import
 * preview reads the dataset's declaration, so it needs datasets:read too
 * (not datasets:write: nothing is written). No Idempotency-Key: it changes
 * nothing, so a repeat is as good as a replay (like POST /v1/normalize).
 */
export function previewRoutes(deps: PreviewRoutesDeps): Router {
  const router = Router();
  router.post(
    '/v1/previews',
    requireScopes('jobs:write'),
    deps.uploadSlot,
    // PostgreSQL only for an import's dataset: the route asks for it then.
    deps.needs(),
    async (req: Request, res: Response) => {
      const request = await openCsvUpload(req, deps.limits);
      if (request.fileName !== null) requireStorableText(request.fileName, 'filename');
      const job = readJobRequest(req.query, request.fields);
      const records = readRows(req, request.fields);
      if (job.type === 'import') assertScopes(res, 'datasets:read');
      const dataset =
        job.dataset === undefined
          ? undefined
          : await findDataset(deps.db, tenantOf(res), job.dataset);
      const upload = await openInputFile(request, job, deps.limits);
      const preview = await readPreview(
        upload,
        job,
        {
          records,
          maxBytes: MAX_PREVIEW_BYTES,
          maxRecordBytes: deps.limits.maxRecordBytes,
          maxColumns: deps.limits.maxColumns,
        },
        dataset,
      );
      answerBeforeBodyEnds(req, () => res.json(preview));
      deps.logger.info(
        {
          type: job.type,
          records: preview.sample.records,
          bytes: preview.sample.bytes,
          truncated: preview.truncated,
        },
        'preview answered',
      );
    },
  );
  return router;
}
