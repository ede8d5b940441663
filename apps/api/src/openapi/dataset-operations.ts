import {
  datasetDeclarationSchema,
  datasetListSchema,
  datasetNameParamsSchema,
  datasetRowsSchema,
  datasetSchema,
  locationHeader,
  pageHeadersSchema,
  pageQuerySchema,
  rowHistorySchema,
  rowKeyParamsSchema,
} from '@sluice/contract';
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { json, operation } from './operation.ts';

const tags = ['Datasets'];
const byName = { path: datasetNameParamsSchema };

/** /v1/datasets (datasets/dataset-routes.ts). */
export const datasetOperations: ZodOpenApiPathsObject = {
  '/v1/datasets': {
    post: operation({
      operationId: 'createDataset',
      idempotent: true,
      summary: 'Declare a dataset: its columns and unique key',
      tags,
      scopes: ['datasets:write'],
      needsDependencies: true,
      requestBody: {
        required: true,
        content: { 'application/json': { schema: datasetDeclarationSchema } },
      },
      responses: {
        '201': json('Created.', datasetSchema, z.object({ location: locationHeader })),
      },
      problems: ['invalid_dataset', 'invalid_rule', 'invalid_pattern', 'dataset_exists'],
    }),
    get: operation({
      operationId: 'listDatasets',
      summary: 'List datasets',
      tags,
      scopes: ['datasets:read'],
      needsDependencies: true,
      requestParams: { query: pageQuerySchema },
      responses: { '200': json('A page of datasets.', datasetListSchema, pageHeadersSchema) },
      problems: ['invalid_pagination'],
    }),
  },
  '/v1/datasets/{name}': {
    get: operation({
      operationId: 'getDataset',
      summary: 'A dataset, with its row count',
      tags,
      scopes: ['datasets:read'],
      needsDependencies: true,
      requestParams: byName,
      responses: { '200': json('The dataset.', datasetSchema) },
      problems: ['dataset_not_found'],
    }),
    delete: operation({
      operationId: 'deleteDataset',
      summary: 'Delete a dataset and all its rows',
      description: 'Refused while import jobs into it are unfinished.',
      tags,
      scopes: ['datasets:write'],
      needsDependencies: true,
      requestParams: byName,
      responses: { '204': { description: 'Deleted.' } },
      problems: ['dataset_not_found', 'dataset_in_use'],
    }),
  },
  '/v1/datasets/{name}/rows': {
    get: operation({
      operationId: 'listDatasetRows',
      summary: "A page of the dataset's rows, in key order",
      tags,
      scopes: ['datasets:read'],
      needsDependencies: true,
      requestParams: { path: datasetNameParamsSchema, query: pageQuerySchema },
      responses: { '200': json('Rows.', datasetRowsSchema, pageHeadersSchema) },
      problems: ['dataset_not_found', 'invalid_pagination'],
    }),
  },
  '/v1/datasets/{name}/rows/{key}/history': {
    get: operation({
      operationId: 'getRowHistory',
      summary: 'Which imports wrote a row, and from which line of their file',
      description:
        "What each import's change log holds for the row (kept ROW_HISTORY_RETENTION_DAYS, at most as long as the job): the job, the line, whether it inserted or updated the row, the values it replaced, and whether the import was reverted since. Rows an import left unchanged are not written, so not listed.",
      tags,
      scopes: ['datasets:read'],
      needsDependencies: true,
      requestParams: { path: rowKeyParamsSchema },
      responses: { '200': json('The row history.', rowHistorySchema) },
      problems: ['dataset_not_found', 'invalid_row_key'],
    }),
  },
  '/v1/datasets/{name}/export.csv': {
    get: operation({
      operationId: 'exportDataset',
      summary: 'Every row as CSV, in key order',
      tags,
      scopes: ['datasets:read'],
      needsDependencies: true,
      requestParams: byName,
      responses: {
        '200': {
          description: 'The rows.',
          headers: z.object({
            'content-disposition': z.string().meta({ header: { required: true } }),
          }),
          content: { 'text/csv': { schema: z.string() } },
        },
      },
      problems: ['dataset_not_found'],
    }),
  },
};
