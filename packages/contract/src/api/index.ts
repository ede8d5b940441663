/**
 * The HTTP API's schemas (zod): requests and responses of every /v1 route
 * and the health probes. apps/api validates requests with them and renders
 * them into its OpenAPI document (GET /openapi.json); a client (CLI, web UI)
 * can import their types.
 */
export {
  link,
  type PageQuery,
  type Problem,
  pageQuerySchema,
  problemSchema,
  timestamp,
} from './common.ts';
export {
  type DatasetBody,
  type DatasetDeclaration,
  datasetDeclarationSchema,
  datasetListSchema,
  datasetNameParamsSchema,
  datasetRowsSchema,
  datasetSchema,
  MAX_DATASET_COLUMNS,
} from './datasets.ts';
export {
  type JobErrorBody,
  type JobErrorSummaryBody,
  type JobErrorsQuery,
  jobErrorListSchema,
  jobErrorSummarySchema,
  jobErrorsQuerySchema,
} from './errors.ts';
export {
  locationHeader,
  pageHeadersSchema,
  rateLimitHeadersSchema,
  retryAfterHeader,
  wwwAuthenticateHeader,
} from './headers.ts';
export {
  databaseHealthSchema,
  healthSchema,
  livenessSchema,
  readinessSchema,
} from './health.ts';
export { type JobProgressEventBody, jobProgressEventSchema } from './job-events.ts';
export {
  csvUploadSchema,
  idempotencyKeyHeaderSchema,
  type JobBody,
  type JobSummaryBody,
  jobIdParamsSchema,
  jobListQuerySchema,
  jobListSchema,
  jobOptionsInputSchema,
  jobSchema,
  jobSubmitQuerySchema,
  jobSummarySchema,
  multipartUploadSchema,
  normalizeOptionsInputShape,
} from './jobs.ts';
export {
  type ApiKeyBody,
  apiKeyListSchema,
  apiKeySchema,
  issuedApiKeySchema,
  keyIdParamsSchema,
  type NewKeyRequest,
  newKeyRequestSchema,
} from './keys.ts';
export {
  MAX_NORMALIZE_VALUES,
  normalizeRequestSchema,
  normalizeResponseSchema,
} from './normalize.ts';
export {
  DEFAULT_PREVIEW_ROWS,
  MAX_PREVIEW_BYTES,
  MAX_PREVIEW_ROWS,
  type PreviewBody,
  previewMultipartSchema,
  previewQuerySchema,
  previewRowsInputSchema,
  previewSchema,
} from './previews.ts';
export {
  type RowHistoryBody,
  revertQuerySchema,
  rowHistorySchema,
  rowKeyParamsSchema,
} from './row-history.ts';
export {
  deliveryParamsSchema,
  redeliverySchema,
  type WebhookEvent,
  webhookCreateSchema,
  webhookDeliveryDetailSchema,
  webhookDeliveryListSchema,
  webhookDeliverySchema,
  webhookEventSchema,
  webhookIdParamsSchema,
  webhookListSchema,
  webhookSchema,
  webhookUpdateSchema,
  webhookWithSecretSchema,
} from './webhooks.ts';
