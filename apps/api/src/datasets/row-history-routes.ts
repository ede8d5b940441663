import type { RowHistoryBody } from '@sluice/contract';
import { readRowHistory } from '@sluice/db';
import { type Request, type Response, Router } from 'express';
import { requireScopes } from '../auth/authenticate.ts';
import { tenantOf } from '../auth/tenant.ts';
import { HttpProblem } from '../http/problem.ts';
import { type DatasetRoutesDeps, findDataset } from './dataset-routes.ts';

/**
 * The key values in a URL's {key}: the decoded segment for a one-column key
 * (a comma is part of the value); for several key columns, the raw segment
 * split at its commas, each part then decoded (a comma inside a value
 * travels as %2C).
 */
function keyValues(req: Request<{ name: string; key: string }>, keyColumns: number): string[] {
  if (keyColumns === 1) return [req.params.key];
  const raw = /\/rows\/([^/?#]*)\/history/.exec(req.originalUrl)?.[1] ?? '';
  try {
    return raw.split(',').map((part) => decodeURIComponent(part));
  } catch {
    return [];
  }
}

/**
 * GET /v1/datasets/{name}/rows/{key}/history (datasets:read): which imports
 * wrote the row and from which file line (@sluice/db's readRowHistory).
 */
export function rowHistoryRoutes(
  deps: Pick<DatasetRoutesDeps, 'db' | 'baseUrl' | 'needs'>,
): Router {
  const router = Router();
  router.get(
    '/v1/datasets/:name/rows/:key/history',
    requireScopes('datasets:read'),
    deps.needs('postgres'),
    async (req: Request<{ name: string; key: string }>, res: Response) => {
      const dataset = await findDataset(deps.db, tenantOf(res), req.params.name);
      const values = keyValues(req, dataset.key.length);
      const history = await readRowHistory(deps.db, dataset, values);
      if (history === 'invalid-key') {
        throw new HttpProblem(
          'invalid_row_key',
          `The key of ${dataset.name} is ${dataset.key.join(', ')}: give one value for each (comma-separated), valid for its type.`,
          { extra: { key: dataset.key } },
        );
      }
      const baseUrl = deps.baseUrl(req);
      const body: RowHistoryBody = {
        dataset: dataset.name,
        key: Object.fromEntries(dataset.key.map((k, i) => [k, values[i] ?? null])),
        history: history.map((entry) => ({
          jobId: entry.jobId,
          fileName: entry.fileName,
          line: entry.line,
          change: entry.change,
          writtenAt: entry.writtenAt?.toISOString() ?? null,
          revertedAt: entry.revertedAt?.toISOString() ?? null,
          previous: entry.previous,
          links: { job: `${baseUrl}/v1/jobs/${entry.jobId}` },
        })),
      };
      res.json(body);
    },
  );
  return router;
}
