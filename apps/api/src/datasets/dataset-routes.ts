import type { DatasetBody } from '@sluice/contract';
import { formatSafeRecord } from '@sluice/csv';
import {
  countDatasetRows,
  createDataset,
  type Database,
  type DatabaseHandle,
  type DatasetView,
  deleteDataset,
  exportDatasetCsv,
  getDataset,
  inTransaction,
  listDatasets,
  readDatasetRows,
} from '@sluice/db';
import type { Logger } from '@sluice/lifecycle';
import { type Request, type Response, Router } from 'express';
import type { Kysely } from 'kysely';
import { requireScopes } from '../auth/authenticate.ts';
import { tenantOf } from '../auth/tenant.ts';
import type { Needs } from '../http/breaker-guard.ts';
import { sendCsvDownload } from '../http/csv-download.ts';
import type { idempotentPost } from '../http/idempotent-post.ts';
import { jsonBody } from '../http/json-body.ts';
import { readPage, setPageHeaders } from '../http/pagination.ts';
import { HttpProblem } from '../http/problem.ts';
import { readDatasetDeclaration } from './declaration.ts';

export interface DatasetRoutesDeps {
  db: Kysely<Database>;
  /** The export streams COPY output through a raw pooled client. */
  pool: DatabaseHandle['pool'];
  logger: Logger;
  baseUrl: (req: Request) => string;
  statementTimeoutMs: number;
  /** The breaker guard: every dataset route needs PostgreSQL. */
  needs: Needs;
  /** Idempotency-Key on POST (http/idempotent-post.ts). */
  idempotent: ReturnType<typeof idempotentPost>;
}

function datasetNotFound(name: string): HttpProblem {
  return new HttpProblem('dataset_not_found', `There is no dataset named ${JSON.stringify(name)}.`);
}

/** Looks the tenant's dataset up by the name in a URL or request; 404 problem when absent. */
export async function findDataset(
  db: Kysely<Database>,
  tenantId: string,
  name: string,
): Promise<DatasetView> {
  const dataset = await getDataset(db, tenantId, name);
  if (!dataset) throw datasetNotFound(name);
  return dataset;
}

/** @sluice/contract's datasetSchema (the document's Dataset). */
function presentDataset(dataset: DatasetView, baseUrl: string, rowCount?: number): DatasetBody {
  const self = `${baseUrl}/v1/datasets/${dataset.name}`;
  return {
    name: dataset.name,
    columns: dataset.columns,
    key: dataset.key,
    ...(rowCount === undefined ? {} : { rowCount }),
    createdAt: dataset.createdAt.toISOString(),
    links: { self, rows: `${self}/rows`, export: `${self}/export.csv` },
  };
}

/**
 * Datasets: declared tables that import jobs upsert into.
 * POST /v1/datasets, GET /v1/datasets, GET /v1/datasets/{name},
 * GET /v1/datasets/{name}/rows (limit/offset, Link + X-Total-Count),
 * GET /v1/datasets/{name}/export.csv, DELETE /v1/datasets/{name}.
 */
export function datasetRoutes(deps: DatasetRoutesDeps): Router {
  const router = Router();
  const timeouts = { statementTimeoutMs: deps.statementTimeoutMs };
  const { needs } = deps;
  const read = requireScopes('datasets:read');
  const write = requireScopes('datasets:write');

  router.post(
    '/v1/datasets',
    write,
    needs('postgres'),
    jsonBody('256kb', 'Send the dataset declaration as application/json.'),
    deps.idempotent,
    async (req: Request, res: Response) => {
      const declaration = readDatasetDeclaration(req.body, tenantOf(res));
      const created = await inTransaction(
        deps.db,
        (trx) => createDataset(trx, declaration),
        timeouts,
      );
      if (!created) {
        throw new HttpProblem(
          'dataset_exists',
          `A dataset named ${declaration.name} exists already; datasets are never replaced implicitly.`,
        );
      }
      deps.logger.info({ dataset: declaration.name }, 'dataset created');
      const body = presentDataset(
        await findDataset(deps.db, declaration.tenantId, declaration.name),
        deps.baseUrl(req),
        0,
      );
      res.status(201).location(body.links.self).json(body);
    },
  );

  router.get('/v1/datasets', read, needs('postgres'), async (req: Request, res: Response) => {
    const page = readPage(req);
    const { items, total } = await listDatasets(deps.db, tenantOf(res), page);
    setPageHeaders(req, res, deps.baseUrl(req), page, total);
    res.json(items.map((d) => presentDataset(d, deps.baseUrl(req))));
  });

  router.get(
    '/v1/datasets/:name',
    read,
    needs('postgres'),
    async (req: Request<{ name: string }>, res: Response) => {
      const dataset = await findDataset(deps.db, tenantOf(res), req.params.name);
      res.json(
        presentDataset(dataset, deps.baseUrl(req), await countDatasetRows(deps.db, dataset)),
      );
    },
  );

  router.get(
    '/v1/datasets/:name/rows',
    read,
    needs('postgres'),
    async (req: Request<{ name: string }>, res: Response) => {
      const dataset = await findDataset(deps.db, tenantOf(res), req.params.name);
      const page = readPage(req);
      const [rows, total] = await Promise.all([
        readDatasetRows(deps.db, dataset, page),
        countDatasetRows(deps.db, dataset),
      ]);
      setPageHeaders(req, res, deps.baseUrl(req), page, total);
      res.json(rows);
    },
  );

  /** Every row as CSV, in key order, streamed from PostgreSQL's COPY. */
  router.get(
    '/v1/datasets/:name/export.csv',
    read,
    needs('postgres'),
    async (req: Request<{ name: string }>, res: Response) => {
      const dataset = await findDataset(deps.db, tenantOf(res), req.params.name);
      await sendCsvDownload(res, {
        fileName: `${dataset.name}.csv`,
        header: formatSafeRecord(dataset.columns.map((c) => c.name)),
        pages: exportDatasetCsv(deps.pool, dataset, timeouts),
      });
    },
  );

  /**
   * DELETE /v1/datasets/{name}: the dataset and all its rows. 409 while
   * imports into it are unfinished (cancel them first); finished import jobs
   * stay as history.
   */
  router.delete(
    '/v1/datasets/:name',
    write,
    needs('postgres'),
    async (req: Request<{ name: string }>, res: Response) => {
      const name = req.params.name;
      const outcome = await inTransaction(
        deps.db,
        (trx) => deleteDataset(trx, tenantOf(res), name),
        timeouts,
      );
      if (outcome === 'missing') throw datasetNotFound(name);
      if (outcome !== 'deleted') {
        throw new HttpProblem(
          'dataset_in_use',
          `${outcome.inUse} import job(s) into ${name} are not finished; cancel them or wait, then delete the dataset.`,
          { extra: { unfinishedImports: outcome.inUse } },
        );
      }
      deps.logger.info({ dataset: name }, 'dataset deleted');
      res.status(204).end();
    },
  );

  return router;
}
