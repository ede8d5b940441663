import {
  csvUploadSchema,
  previewMultipartSchema,
  previewQuerySchema,
  previewSchema,
} from '@sluice/contract';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { UPLOAD_PROBLEMS } from './job-operations.ts';
import { json, operation } from './operation.ts';

/** POST /v1/previews (previews/preview-routes.ts). */
export const previewOperations: ZodOpenApiPathsObject = {
  '/v1/previews': {
    post: operation({
      operationId: 'previewUpload',
      summary: 'Preview how a job would read the start of a CSV file (nothing is stored)',
      description:
        'The same body forms and options as POST /v1/jobs, plus `rows`. Reads only the first `rows` data records or 1 MiB of the file, whichever comes first, answers, and discards the rest of the body unread: the encoding and delimiter with their confidence, the header, each column\'s type with its source, confidence and notes, and the first rows as read and as normalized with their errors. A column dropped in `columns` ({"drop":true}) is listed with `dropped: true` and has no value in `normalized` (as in result.csv). An `import` preview (the scope datasets:read too) maps the columns onto the dataset and flags its key and required columns. Changes nothing, so it takes no Idempotency-Key.',
      tags: ['Jobs'],
      scopes: ['jobs:write'],
      // An import preview reads its dataset from PostgreSQL.
      needsDependencies: true,
      requestParams: { query: previewQuerySchema },
      requestBody: {
        required: true,
        content: {
          'text/csv': { schema: csvUploadSchema },
          'multipart/form-data': { schema: previewMultipartSchema },
        },
      },
      responses: { '200': json('The preview.', previewSchema) },
      problems: UPLOAD_PROBLEMS.filter((code) => code !== 'queue_unavailable'),
    }),
  },
};
