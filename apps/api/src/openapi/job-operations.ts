import {
  csvUploadSchema,
  isFinal,
  JOB_STATUSES,
  jobErrorListSchema,
  jobErrorSummarySchema,
  jobErrorsQuerySchema,
  jobIdParamsSchema,
  jobListQuerySchema,
  jobListSchema,
  jobSchema,
  jobSubmitQuerySchema,
  locationHeader,
  multipartUploadSchema,
  pageHeadersSchema,
  pageQuerySchema,
  revertQuerySchema,
} from '@sluice/contract';
import { z } from 'zod';
import type { ZodOpenApiPathsObject, ZodOpenApiResponseObject } from 'zod-openapi';
import type { ProblemCode } from '../http/problem-catalog.ts';
import { EVENT_DATA_EXTENSION, json, operation, schemaRef } from './operation.ts';

const tags = ['Jobs'];
const byId = { path: jobIdParamsSchema };

/**
 * The data of each event of GET /v1/jobs/{id}/events by its name: OpenAPI
 * 3.1 cannot type the items of an event stream, so the document says it in
 * an extension that clients (and the e2e suite's contract check) read.
 */
const jobEventData = Object.fromEntries([
  ['progress', schemaRef('JobProgressEvent')],
  ...JOB_STATUSES.filter((status) => isFinal(status)).map((status) => [status, schemaRef('Job')]),
]);

/** What reading, profiling and storing an upload can refuse (jobs/upload, jobs/job-options.ts). */
export const UPLOAD_PROBLEMS: ProblemCode[] = [
  'empty_file',
  'no_rows',
  'missing_header',
  'invalid_header',
  'duplicate_column',
  'malformed_header',
  'too_many_columns',
  'invalid_encoding',
  'not_csv',
  'invalid_workbook',
  'sheet_not_found',
  'record_too_large',
  'unknown_column',
  'invalid_option',
  // `rules` in `columns` (rules/rule-declaration.ts)
  'invalid_rule',
  'invalid_pattern',
  'missing_file',
  'malformed_multipart',
  'malformed_compression',
  'excessive_compression',
  'too_many_uploads',
  'queue_unavailable',
  // Import jobs
  'dataset_not_found',
  'missing_dataset_column',
  'unknown_dataset_column',
  'duplicate_dataset_column',
  'type_conflict',
];

/** Whether the job's state came from the status cache (jobs/job-cache.ts). */
const xCache = z.enum(['HIT', 'MISS']);

const csvDownload = (
  description: string,
  extraHeaders?: z.ZodObject,
): ZodOpenApiResponseObject => ({
  description,
  headers: z.object({
    'content-disposition': z
      .string()
      .meta({ description: "attachment; filename*=UTF-8''…", header: { required: true } }),
    'x-cache': xCache.optional(),
    ...extraHeaders?.shape,
  }),
  content: { 'text/csv': { schema: z.string() } },
});

const accepted = (description: string) =>
  json(description, jobSchema, z.object({ location: locationHeader }));

/** /v1/jobs and everything under it (jobs/job-routes.ts, jobs/job-control-routes.ts). */
export const jobOperations: ZodOpenApiPathsObject = {
  '/v1/jobs': {
    get: operation({
      operationId: 'listJobs',
      summary: 'List jobs, newest first',
      tags,
      scopes: ['jobs:read'],
      needsDependencies: true,
      requestParams: { query: jobListQuerySchema.extend(pageQuerySchema.shape) },
      responses: { '200': json('A page of jobs (default 50).', jobListSchema, pageHeadersSchema) },
      problems: ['invalid_filter', 'invalid_pagination'],
    }),
    post: operation({
      operationId: 'submitJob',
      summary: 'Upload a CSV file as a job',
      description:
        'Stores the upload, enqueues it and answers 202 at once; poll the job (or its events) until it completes. Options come as query parameters, or as form fields beside the `file` part. An `import` job also needs the scope datasets:write.',
      tags,
      scopes: ['jobs:write'],
      needsDependencies: true,
      requestParams: { query: jobSubmitQuerySchema },
      idempotent: true,
      requestBody: {
        required: true,
        content: {
          'text/csv': { schema: csvUploadSchema },
          'multipart/form-data': { schema: multipartUploadSchema },
        },
      },
      responses: { '202': accepted('Accepted: the job, queued.') },
      problems: UPLOAD_PROBLEMS,
    }),
  },
  '/v1/jobs/{id}': {
    get: operation({
      operationId: 'getJob',
      summary: 'A job: status, progress, counts, columns and options',
      description:
        'Finished jobs come from a cache (X-Cache), even while PostgreSQL is down; `Cache-Control: no-cache` skips it.',
      tags,
      scopes: ['jobs:read'],
      needsDependencies: true,
      requestParams: byId,
      responses: {
        '200': json(
          'The job.',
          jobSchema,
          z.object({
            'x-cache': xCache.optional(),
            etag: z.string().optional().meta({ description: 'For If-None-Match.' }),
          }),
        ),
        '304': { description: 'Not modified (If-None-Match of its ETag).' },
      },
      problems: ['job_not_found'],
    }),
    delete: operation({
      operationId: 'deleteJob',
      summary: 'Delete a job and all stored for it',
      tags,
      scopes: ['jobs:write'],
      needsDependencies: true,
      requestParams: byId,
      responses: { '204': { description: 'Deleted (a running job is stopped).' } },
      problems: ['job_not_found'],
    }),
  },
  '/v1/jobs/{id}/events': {
    get: operation({
      operationId: 'streamJobEvents',
      summary: 'Server-sent events of the job until it is final',
      description:
        'Progress events carry the status, progress and counts; the final one the whole job (as GET /v1/jobs/{id}), after which the stream ends. Resumes after `Last-Event-ID`.',
      tags,
      scopes: ['jobs:read'],
      needsDependencies: true,
      requestParams: byId,
      responses: {
        '200': {
          description: 'An event stream.',
          content: {
            'text/event-stream': { schema: z.string(), [EVENT_DATA_EXTENSION]: jobEventData },
          },
        },
        '204': {
          description:
            'The job is final and Last-Event-ID shows the client has its final event: stop reconnecting.',
        },
      },
      problems: ['job_not_found', 'too_many_event_streams'],
    }),
  },
  '/v1/jobs/{id}/result.csv': {
    get: operation({
      operationId: 'downloadJobResult',
      summary: 'The normalized file',
      tags,
      scopes: ['jobs:read'],
      needsDependencies: true,
      requestParams: byId,
      responses: { '200': csvDownload('The normalized rows, with the output header.') },
      problems: ['job_not_found', 'job_not_completed'],
    }),
  },
  '/v1/jobs/{id}/errors.csv': {
    get: operation({
      operationId: 'downloadJobErrors',
      summary: 'The error report: row, column, value, code, message',
      description: 'Also there for a job stopped for its error rate.',
      tags,
      scopes: ['jobs:read'],
      needsDependencies: true,
      requestParams: byId,
      responses: {
        '200': csvDownload(
          'The row errors stored (at most MAX_ERROR_ROWS_PER_JOB).',
          z.object({
            'sluice-errors-truncated': z
              .enum(['true', 'false'])
              .meta({ header: { required: true } }),
            'sluice-errors-stored': z
              .string()
              .regex(/^\d+$/)
              .meta({ header: { required: true } }),
            'sluice-errors-total': z
              .string()
              .regex(/^\d+$/)
              .meta({ header: { required: true } }),
          }),
        ),
      },
      problems: ['job_not_found', 'job_not_completed'],
    }),
  },
  '/v1/jobs/{id}/errors': {
    get: operation({
      operationId: 'listJobErrors',
      summary: 'The row errors as JSON, filtered and paged',
      description:
        "The rows of errors.csv (the stored ones: at most MAX_ERROR_ROWS_PER_JOB), in the file's order, with the same columns and values; available when errors.csv is. `column=` (empty) lists the errors about a whole row.",
      tags,
      scopes: ['jobs:read'],
      needsDependencies: true,
      requestParams: { ...byId, query: jobErrorsQuerySchema.extend(pageQuerySchema.shape) },
      responses: {
        '200': json('A page of row errors (default 100).', jobErrorListSchema, pageHeadersSchema),
      },
      problems: ['job_not_found', 'job_not_completed', 'invalid_filter', 'invalid_pagination'],
    }),
  },
  '/v1/jobs/{id}/errors/summary': {
    get: operation({
      operationId: 'summarizeJobErrors',
      summary: 'The row errors counted by column and code',
      description:
        'Exact counts of all the errors, also those the cap left unstored (`truncated`); available when errors.csv is.',
      tags,
      scopes: ['jobs:read'],
      needsDependencies: true,
      requestParams: byId,
      responses: { '200': json('The counts.', jobErrorSummarySchema) },
      problems: ['job_not_found', 'job_not_completed'],
    }),
  },
  '/v1/jobs/{id}/cancel': {
    post: operation({
      operationId: 'cancelJob',
      idempotent: true,
      summary: 'Cancel a queued or running job',
      tags,
      scopes: ['jobs:write'],
      needsDependencies: true,
      requestParams: byId,
      responses: { '200': json('The job, cancelled.', jobSchema) },
      problems: ['job_not_found', 'job_already_final'],
    }),
  },
  '/v1/jobs/{id}/retry': {
    post: operation({
      operationId: 'retryJob',
      idempotent: true,
      summary: 'Run a failed or cancelled job again from where it stopped',
      tags,
      scopes: ['jobs:write'],
      needsDependencies: true,
      requestParams: byId,
      responses: {
        '202': json('The job, queued again.', jobSchema, z.object({ location: locationHeader })),
      },
      problems: ['job_not_found', 'job_not_retryable'],
    }),
  },
  '/v1/jobs/{id}/promote': {
    post: operation({
      operationId: 'promoteDryRun',
      idempotent: true,
      summary: 'Make a completed dry-run import the real import, without uploading again',
      description:
        "Merges the dry run's rows as its import would have, in one transaction under the dataset's merge lock, provided the dataset did not change since the dry run (its version); the job's `import` then holds the merge's figures, equal to `dryRun`'s. Promoting again answers the promoted job.",
      tags,
      scopes: ['jobs:write', 'datasets:write'],
      needsDependencies: true,
      requestParams: byId,
      responses: { '200': json('The job, promoted.', jobSchema) },
      problems: ['job_not_found', 'not_dry_run', 'job_not_completed', 'dataset_changed'],
    }),
  },
  '/v1/jobs/{id}/revert': {
    post: operation({
      operationId: 'revertImport',
      idempotent: true,
      summary: 'Restore the dataset to its state before a completed import',
      description:
        "In one transaction under the dataset's merge lock: the rows the import inserted are deleted, those it updated get their previous values back (its change log, kept ROW_HISTORY_RETENTION_DAYS). Refused (409 revert_conflict, `laterJobs`) when later jobs wrote some of those rows, unless force=true, which undoes their writes of those rows too. A reverted import stays reverted: reverting again is 409 already_reverted. The job's `import.revertedAt` tells when.",
      tags,
      scopes: ['jobs:write', 'datasets:write'],
      needsDependencies: true,
      requestParams: { ...byId, query: revertQuerySchema },
      responses: { '200': json('The job, reverted.', jobSchema) },
      problems: [
        'job_not_found',
        'invalid_parameter',
        'job_not_completed',
        'not_revertible',
        'already_reverted',
        'revert_conflict',
        'history_unavailable',
      ],
    }),
  },
  '/v1/jobs/{id}/diff.csv': {
    get: operation({
      operationId: 'downloadDryRunDiff',
      summary: "A dry run's changes: key column(s), change, column, old value, new value",
      description:
        'One line per column an update would change (change=update), and per column an insert would fill (change=insert, old value empty), in key order. Available while the dry run can be promoted.',
      tags,
      scopes: ['jobs:read'],
      needsDependencies: true,
      requestParams: byId,
      responses: { '200': csvDownload('The diff.') },
      problems: [
        'job_not_found',
        'not_dry_run',
        'job_not_completed',
        'dry_run_promoted',
        'dataset_changed',
      ],
    }),
  },
};
