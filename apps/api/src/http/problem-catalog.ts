/**
 * Every problem code the API answers with: the stable identifier clients
 * switch on, its HTTP status, its title (the same for every occurrence, as
 * RFC 9457 asks) and a one-line meaning. README.md's error table lists
 * exactly these (problem-catalog.test.ts checks it), so a new code is
 * documented the moment it exists.
 */
export const PROBLEM_CATALOG = {
  // The uploaded file
  empty_file: { status: 400, title: 'Empty file', meaning: 'the uploaded file is empty' },
  no_rows: {
    status: 400,
    title: 'No data rows',
    meaning: 'the file has a header but no data rows',
  },
  missing_header: {
    status: 400,
    title: 'No header',
    meaning:
      'the first line is empty, or looks like data in part (a number or e-mail among names): add a header line, or say `header=true` or `header=false`',
  },
  invalid_header: {
    status: 400,
    title: 'Unnamed column',
    meaning: 'a column has no name in the header line',
  },
  duplicate_column: {
    status: 400,
    title: 'Duplicate column',
    meaning:
      'two columns of the header have the same name, or the same output name after `rename` (case aside)',
  },
  malformed_header: {
    status: 400,
    title: 'Unusable header',
    meaning: 'the header line cannot be read as CSV',
  },
  too_many_columns: {
    status: 400,
    title: 'Unusable header',
    meaning: 'the header has more than `MAX_COLUMNS` columns',
  },
  invalid_encoding: {
    status: 400,
    title: 'Invalid text encoding',
    meaning: 'the file is not valid text in its encoding (detected or `encoding`)',
  },
  not_csv: {
    status: 400,
    title: 'Not CSV text',
    meaning:
      'not text: an archive (other than gzip, or a ZIP named other than .xlsx), image, PDF, old .xls workbook, UTF-32 or binary data (`detected` names it)',
  },
  invalid_workbook: {
    status: 400,
    title: 'Unreadable workbook',
    meaning:
      'an Excel workbook (.xlsx) that cannot be read: not a valid ZIP archive, no worksheet, broken XML',
  },
  sheet_not_found: {
    status: 400,
    title: 'No such sheet',
    meaning: '`sheet` names a sheet the workbook does not have (`sheets` lists its sheets)',
  },
  record_too_large: {
    status: 400,
    title: 'Record too large',
    meaning:
      'one record over `MAX_RECORD_BYTES` with no quoted line break to cut it at (one huge line)',
  },
  unknown_column: {
    status: 400,
    title: 'Unknown column',
    meaning: '`columns` names a column the header does not have',
  },
  // The request's options, form and body
  invalid_option: {
    status: 400,
    title: 'Invalid option',
    meaning: 'a job or normalization option that is not valid',
  },
  missing_file: {
    status: 400,
    title: 'No file in the form',
    meaning: 'a multipart/form-data body without a file part',
  },
  malformed_multipart: {
    status: 400,
    title: 'Malformed multipart body',
    meaning: 'a multipart/form-data body that cannot be read',
  },
  malformed_compression: {
    status: 400,
    title: 'Malformed compressed body',
    meaning:
      'a compressed upload that is not valid data in its `Content-Encoding`, or a gzip-compressed file (.csv.gz) that is corrupt or cut short',
  },
  invalid_pagination: {
    status: 400,
    title: 'Invalid pagination',
    meaning: '`limit` or `offset` is not a whole number in range',
  },
  invalid_filter: {
    status: 400,
    title: 'Invalid filter',
    meaning:
      'a list filter that is not valid: `GET /v1/jobs` (`status`, `type`, `dataset`), `GET /v1/jobs/{id}/errors` (`column`, `code`)',
  },
  invalid_request: {
    status: 400,
    title: 'Invalid request',
    meaning: 'a `POST /v1/normalize` body that is not valid',
  },
  too_many_values: {
    status: 400,
    title: 'Too many values',
    meaning: 'a `POST /v1/normalize` body with more than 1000 values (submit a job instead)',
  },
  invalid_character: {
    status: 400,
    title: 'Character that cannot be stored',
    meaning:
      'text with a NUL (U+0000) or a lone UTF-16 surrogate in an option, a JSON body, a file name or a header name (`field` names it)',
  },
  invalid_parameter: {
    status: 400,
    title: 'Invalid parameter',
    meaning:
      'a query parameter that is not valid: `force` of `POST /v1/jobs/{id}/revert` (true or false)',
  },
  invalid_row_key: {
    status: 400,
    title: 'Invalid row key',
    meaning:
      "a row key in a URL that is not one value per key column, comma-separated, each valid for its column's type",
  },
  bad_request: {
    status: 400,
    title: 'Bad request',
    meaning: 'a request that cannot be read at all (malformed JSON, a broken URL)',
  },
  // Validation rules (a dataset column's or a job column's `rules`)
  invalid_rule: {
    status: 400,
    title: 'Invalid validation rule',
    meaning:
      "a column's `rules` that cannot be used: unknown rule, wrong value, min/max on a type without order, a cross-field rule naming no column (`field` names it)",
  },
  invalid_pattern: {
    status: 400,
    title: 'Unusable pattern',
    meaning:
      'a `pattern` rule that is not a valid regular expression or may backtrack without bound (nested quantifiers, backreferences)',
  },
  // Datasets and import jobs
  invalid_dataset: {
    status: 400,
    title: 'Invalid dataset declaration',
    meaning: 'a dataset declaration that is not valid',
  },
  missing_dataset_column: {
    status: 400,
    title: 'Required dataset columns missing',
    meaning:
      'an import file without a key or required column of its dataset, or whose `columns` drops it',
  },
  unknown_dataset_column: {
    status: 400,
    title: 'Unknown dataset column',
    meaning: 'a `rename` to a column the dataset does not have',
  },
  duplicate_dataset_column: {
    status: 400,
    title: 'Two columns for one dataset column',
    meaning: 'two columns of the file map to the same dataset column',
  },
  type_conflict: {
    status: 400,
    title: 'Type conflicts with the dataset',
    meaning: "a requested column type that contradicts the dataset column's type",
  },
  invalid_idempotency_key: {
    status: 400,
    title: 'Invalid idempotency key',
    meaning: 'an `Idempotency-Key` that is not 1 to 255 printable ASCII characters',
  },
  idempotency_key_reused: {
    status: 422,
    title: 'Idempotency key reused',
    meaning:
      'an `Idempotency-Key` used within 24 hours for a different request (method, path, query or body)',
  },
  // API keys (/v1) and the admin UI (Bull Board)
  unauthorized: {
    status: 401,
    title: 'Authentication required',
    meaning:
      'no credentials: /v1 needs an API key (`Authorization: Bearer <key>`), the admin UI its admin credentials (HTTP Basic)',
  },
  invalid_key_request: {
    status: 400,
    title: 'Invalid key request',
    meaning:
      'a `POST /v1/keys` body that is not `{scopes, name?, expiresAt?}` with known scopes and a future expiry',
  },
  api_key_not_found: {
    status: 404,
    title: 'API key not found',
    meaning: 'a `DELETE /v1/keys/{id}` of a key the tenant does not have',
  },
  invalid_webhook_request: {
    status: 400,
    title: 'Invalid webhook request',
    meaning:
      'a `POST /v1/webhooks` or `PATCH /v1/webhooks/{id}` body that does not fit its schema (`issues` lists why)',
  },
  webhook_url_not_allowed: {
    status: 400,
    title: 'Webhook URL not allowed',
    meaning:
      'a webhook `url` that is not http(s), or whose host is or resolves to a non-public (loopback, private, link-local) address (`reason` says which)',
  },
  webhook_url_unresolvable: {
    status: 400,
    title: 'Webhook URL unresolvable',
    meaning: 'a webhook `url` whose host name does not resolve',
  },
  invalid_api_key: {
    status: 401,
    title: 'Invalid API key',
    meaning: 'an API key that is malformed, unknown, revoked or expired (`reason` says which)',
  },
  insufficient_scope: {
    status: 403,
    title: 'Insufficient scope',
    meaning: 'an API key without the scope the route needs (`requiredScopes`)',
  },
  csrf_rejected: {
    status: 403,
    title: 'Cross-origin request rejected',
    meaning: 'an admin action that did not come from the admin UI itself',
  },
  too_many_login_attempts: {
    status: 429,
    title: 'Too many failed logins',
    meaning: 'too many failed admin logins from one client; retry after `Retry-After`',
  },
  admin_disabled: {
    status: 404,
    title: 'Admin UI disabled',
    meaning: 'the admin UI is off: `ADMIN_USER` and `ADMIN_PASSWORD` are not set',
  },
  // Resources
  job_not_found: { status: 404, title: 'Job not found', meaning: 'no job has that id' },
  webhook_not_found: {
    status: 404,
    title: 'Webhook not found',
    meaning: 'the tenant has no webhook with that id',
  },
  delivery_not_found: {
    status: 404,
    title: 'Webhook delivery not found',
    meaning: 'the webhook has no delivery with that id',
  },
  dataset_not_found: {
    status: 404,
    title: 'Dataset not found',
    meaning: 'no dataset has that name',
  },
  not_found: { status: 404, title: 'Not found', meaning: 'no route for that method and path' },
  job_not_completed: {
    status: 409,
    title: 'Job not completed',
    meaning: 'a download, or the errors as JSON, before the job completed',
  },
  idempotency_key_in_use: {
    status: 409,
    title: 'Idempotency key in use',
    meaning: 'a request with the `Idempotency-Key` of another one still in progress',
  },
  job_already_final: {
    status: 409,
    title: 'Job already finished',
    meaning: 'a cancel of a job that has completed, failed or been cancelled',
  },
  job_not_retryable: {
    status: 409,
    title: 'Job not retryable',
    meaning: 'a retry of a job that is not failed or cancelled',
  },
  dataset_in_use: {
    status: 409,
    title: 'Dataset in use',
    meaning: 'a delete of a dataset that unfinished import jobs write into',
  },
  dataset_exists: {
    status: 409,
    title: 'Dataset exists',
    meaning: 'a dataset of that name exists already',
  },
  dataset_changed: {
    status: 409,
    title: 'Dataset changed',
    meaning:
      'a dry run promoted or diffed after another write to its dataset: its figures are stale; run it again',
  },
  not_dry_run: {
    status: 409,
    title: 'Not a dry run',
    meaning: 'promote or diff.csv of a job that is not a dry-run import',
  },
  dry_run_promoted: {
    status: 409,
    title: 'Dry run promoted',
    meaning: 'diff.csv of a dry run that was promoted already (it is the import now)',
  },
  revert_conflict: {
    status: 409,
    title: 'Revert conflict',
    meaning:
      'a revert of an import whose rows later jobs wrote since (`laterJobs` names them); nothing was reverted; `force=true` reverts anyway',
  },
  already_reverted: {
    status: 409,
    title: 'Already reverted',
    meaning: 'a revert of an import that was reverted already (`revertedAt`)',
  },
  not_revertible: {
    status: 409,
    title: 'Not revertible',
    meaning:
      'a revert of a job that wrote nothing to a dataset: not an import, or a dry run not promoted (`reason` says which)',
  },
  history_unavailable: {
    status: 409,
    title: 'History unavailable',
    meaning:
      'a revert of an import whose change log is gone (`ROW_HISTORY_RETENTION_DAYS`), was never kept (merged before change logs existed) or is of a dataset deleted since',
  },
  // Size and media type
  payload_too_large: {
    status: 413,
    title: 'File too large',
    meaning: 'an upload over `MAX_UPLOAD_BYTES`, or a JSON body over its limit',
  },
  excessive_compression: {
    status: 413,
    title: 'Compressed upload expands too much',
    meaning:
      'a compressed upload, a .csv.gz file or an .xlsx workbook expanding over `MAX_DECOMPRESSION_RATIO` times its size (a zip bomb)',
  },
  unsupported_media_type: {
    status: 415,
    title: 'Unsupported media type',
    meaning:
      'an upload neither CSV (`text/csv` or similar) nor multipart; a JSON body of another media type',
  },
  unsupported_compression: {
    status: 415,
    title: 'Unsupported content encoding',
    meaning: 'a request body in a `Content-Encoding` other than gzip, deflate, br or zstd',
  },
  // Slow and greedy clients
  upload_too_slow: {
    status: 408,
    title: 'Upload too slow',
    meaning:
      'the request body arrived slower than `UPLOAD_MIN_BYTES_PER_SECOND` (or stalled until the upload was discarded); nothing was kept',
  },
  rate_limited: {
    status: 429,
    title: 'Rate limited',
    meaning:
      'more requests per minute from this client than `RATE_LIMIT_SUBMISSIONS_PER_MINUTE` or `RATE_LIMIT_READS_PER_MINUTE`; retry after `Retry-After`',
  },
  too_many_uploads: {
    status: 429,
    title: 'Too many uploads',
    meaning:
      'more uploads in progress than `MAX_CONCURRENT_UPLOADS_PER_CLIENT` for this client, or `MAX_CONCURRENT_UPLOADS` in all; retry after `Retry-After`',
  },
  too_many_event_streams: {
    status: 429,
    title: 'Too many event streams',
    meaning:
      'more job event streams open on this API process than `SSE_MAX_STREAMS`; retry after `Retry-After` or poll `GET /v1/jobs/{id}`',
  },
  // The server and its dependencies
  internal_error: {
    status: 500,
    title: 'Internal server error',
    meaning: 'the server failed to handle the request (a bug; it is logged)',
  },
  queue_unavailable: {
    status: 503,
    title: 'Queue unavailable',
    meaning: 'Redis is down: the upload was not accepted; retry after `Retry-After`',
  },
  dependency_unavailable: {
    status: 503,
    title: 'Service temporarily unavailable',
    meaning: 'PostgreSQL or Redis is down; retry after `Retry-After`',
  },
} as const satisfies Record<string, { status: number; title: string; meaning: string }>;

export type ProblemCode = keyof typeof PROBLEM_CATALOG;
