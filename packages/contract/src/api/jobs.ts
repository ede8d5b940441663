import { COLUMN_TYPE_NAMES, type ColumnType } from '@sluice/normalize';
import { z } from 'zod';
import { columnRulesSchema } from '../column-rules.ts';
import { JOB_FAILURE_CODES } from '../job-failure.ts';
import { JOB_STATUSES, JOB_TYPES } from '../job-status.ts';
import { dialectSchema, normalizationOptionsSchema, storedJobColumnSchema } from '../stored-job.ts';
import { link, timestamp } from './common.ts';

export const columnTypeNameSchema = z
  .enum(COLUMN_TYPE_NAMES as [ColumnType, ...ColumnType[]])
  .meta({ id: 'ColumnType', description: 'A column type of the normalizer.' });

/** A column type in a request: refused with this rule when it is not one. */
export const columnTypeInputSchema = z.enum(COLUMN_TYPE_NAMES as [ColumnType, ...ColumnType[]], {
  error: `must be one of ${COLUMN_TYPE_NAMES.join(', ')}`,
});

export const jobIdParamsSchema = z.object({
  id: z.string().meta({
    description: 'The job id (a UUID; any other text is simply not found).',
    example: '0b7e2f7c-3f57-4d0e-9a6f-1b1ad1a0c2d4',
  }),
});

/**
 * Every option of POST /v1/jobs arrives as one string (a query parameter or
 * a form field): anything else (a repeated parameter) is refused before any
 * of it is converted. What each means (and its semantic checks) is the API's.
 */
const optionText = z.string().optional();
export const normalizeOptionsInputShape = {
  phoneRegion: optionText.meta({
    description:
      'ISO 3166-1 alpha-2 region for phone numbers without a country code (default US). When given, also a hint that weighs conflicting day/month evidence in date columns (DE: day-first, US: month-first).',
    example: 'US',
  }),
  dateOrder: optionText.meta({
    description:
      'DMY, MDY or YMD for ambiguous dates. Absent: decided per date column from its values; a column holding both day-first and month-first values (25/03/2024 and 03/25/2024) reports its ambiguous ones (03/04/2024) as ambiguous_date, unless the locale or a given phoneRegion names the majority order.',
  }),
  timeZone: optionText.meta({
    description: 'IANA zone for date-times without an offset.',
    example: 'Europe/Berlin',
  }),
  locale: optionText.meta({
    description:
      'BCP 47 locale for numbers; also a hint that weighs conflicting day/month evidence in date columns (de: day-first, en-US: month-first). Absent: each number decides its separators for itself, except in a column whose values prove both . and , as the decimal separator (separatorDoubt): there 1.234 or 1,234 is ambiguous_number.',
    example: 'de-DE',
  }),
  internationalEmail: optionText.meta({
    description:
      'allow (default) or refuse: internationalized e-mail addresses (a UTF-8 local part such as jörg@example.de, or an internationalized domain, as münchen.de or xn--mnchen-3ya.de). Accepted, the domain is written in its canonical Unicode form (münchen.de, whichever form came in); refused, each is a per-row international_email error.',
    example: 'refuse',
  }),
};
export const jobOptionsInputSchema = z.object({
  ...normalizeOptionsInputShape,
  type: optionText.meta({ description: '`normalize` (default) or `import`.' }),
  dataset: optionText.meta({ description: 'Import jobs: the dataset to upsert into.' }),
  dryRun: optionText.meta({
    description:
      "Import jobs: `true` runs the whole pipeline and computes what the merge would do (the job's `dryRun`, and links.diff), writing nothing to the dataset; POST /v1/jobs/{id}/promote then makes it the real import. Default false.",
  }),
  delimiter: optionText.meta({
    description: 'comma, semicolon, tab, pipe or the character; detected when absent.',
  }),
  encoding: optionText.meta({ description: 'The input encoding; detected when absent.' }),
  quote: optionText.meta({
    description:
      'The quote character: `"` (double, the default) or `\'` (single); detected when absent (single only when the file clearly uses it).',
  }),
  header: optionText.meta({
    description:
      '`true`: the first line (after any title lines) is the header, even if it looks like data; `false`: the file has no header, columns are named column_1, column_2, ... Detected when absent: title lines above the header are skipped, and a first row that is wholly numbers, e-mail addresses or dates like the rest of its columns is taken as data.',
  }),
  sheet: optionText.meta({
    description:
      'Excel workbooks (.xlsx): the name of the sheet to read; the first sheet when absent.',
  }),
  columns: optionText.meta({
    description:
      'JSON object keyed by header name (matched case-insensitively): a type name, {type, required, rename, rules, split}, or {"drop":true} to leave the column out (not normalized, not in result.csv or an import; never with type, required, rename, rules or split), e.g. {"Mobile":"phone","Notes":{"drop":true},"Tier":{"rules":{"enum":["Gold","Silver"]}}}. `rules` are validation rules (the ColumnRules schema; README "Validation rules"), checked on the normalized values; a bad one is refused with invalid_rule or invalid_pattern. {"type":"name","split":true} also writes the person name\'s parts right after it, as <output name>_first, _middle, _last and _suffix (empty for a name that is not valid, which the name column reports); an import fills the dataset columns named like them (name_first, ...), an empty part rejecting its row when that dataset column is required.',
  }),
});
/** POST /v1/jobs' query: the options, and the file name of a raw text/csv upload. */
export const jobSubmitQuerySchema = jobOptionsInputSchema.extend({
  filename: optionText.meta({ description: 'Name of the uploaded file (text/csv bodies).' }),
});

export const idempotencyKeyHeaderSchema = z.object({
  'idempotency-key': z.string().optional().meta({
    description:
      '1 to 255 printable ASCII characters. The same request again within 24 hours gets the first answer (Idempotent-Replayed: true).',
    example: 'order-2026-12-02-0001',
  }),
});

/** GET /v1/jobs' filters. */
export const jobListQuerySchema = z.object({
  status: z.enum(JOB_STATUSES, { error: `must be one of ${JOB_STATUSES.join(', ')}` }).optional(),
  type: z.enum(JOB_TYPES, { error: `must be one of ${JOB_TYPES.join(', ')}` }).optional(),
  dataset: z
    .string({ error: 'must be a name' })
    .optional()
    .meta({ description: 'Import jobs into this dataset.' }),
});

const jobColumnSchema = storedJobColumnSchema
  .extend({
    type: columnTypeNameSchema,
    dropped: z.boolean().optional().meta({
      description:
        'True when the request dropped the column ({"drop":true} in `columns`): it is not normalized and not in result.csv or an import.',
    }),
    rules: z.array(columnRulesSchema).optional().meta({
      description:
        "The column's validation rules, one set per source: its dataset column's, then the request's (`columns`); every set applies.",
    }),
    split: z.boolean().optional().meta({
      description:
        'True for a name column split by the request: its first, middle, last and suffix follow it in result.csv as <output name>_first, _middle, _last, _suffix.',
    }),
    partTargets: storedJobColumnSchema.shape.partTargets.meta({
      description: 'Import jobs, split names: the dataset column each part fills.',
    }),
    requiredParts: storedJobColumnSchema.shape.requiredParts.meta({
      description:
        'Import jobs, split names: the parts whose dataset column is required or a key (an empty one rejects its row).',
    }),
  })
  .meta({ id: 'JobColumn' });

export const jobOptionsSchema = normalizationOptionsSchema
  .extend({ dialect: dialectSchema.meta({ id: 'Dialect' }) })
  .meta({ id: 'JobOptions' });

const dryRunBodySchema = z
  .object({
    inserted: z.int().min(0).nullable(),
    updated: z.int().min(0).nullable(),
    unchanged: z.int().min(0).nullable(),
    duplicate: z.int().min(0).nullable(),
    columnChanges: z.record(z.string(), z.int().min(0)).nullable().meta({
      description: 'Per dataset column: in how many updated rows its value would change.',
    }),
    datasetVersion: z.int().min(0).nullable().meta({
      description: 'The dataset version the dry run was computed against (promotion requires it).',
    }),
    promotedAt: timestamp.nullable(),
  })
  .meta({ id: 'DryRun', description: 'Counts are null until the dry run has completed.' });

/** The public JSON shape of a job (GET /v1/jobs/{id}, and every answer about one job). */
export const jobSchema = z
  .object({
    id: z.uuid(),
    type: z.enum(JOB_TYPES),
    status: z.enum(JOB_STATUSES),
    fileName: z.string().nullable(),
    createdAt: timestamp,
    startedAt: timestamp.nullable(),
    finishedAt: timestamp.nullable(),
    progress: z.object({
      chunksTotal: z.int().min(0),
      chunksDone: z.int().min(0),
      percent: z.int().min(0).max(100),
    }),
    counts: z.object({
      bytes: z.int().min(0),
      rowsTotal: z.int().min(0),
      rowsProcessed: z.int().min(0),
      rowsAccepted: z.int().min(0),
      rowsRejected: z.int().min(0),
      rowsBlank: z.int().min(0),
      errors: z.int().min(0),
      errorsStored: z.int().min(0).meta({ description: 'Rows of errors.csv (capped).' }),
      errorsTruncated: z.boolean(),
    }),
    dataset: z.string().nullable().optional().meta({ description: 'Import jobs only.' }),
    import: z
      .object({
        rowsInserted: z.int().nullable(),
        rowsUpdated: z.int().nullable(),
        rowsUnchanged: z.int().nullable(),
        rowsDuplicate: z.int().nullable(),
        revertedAt: timestamp.nullable().meta({
          description:
            'When the import was reverted (POST /v1/jobs/{id}/revert): the dataset is back to its state before it; null if not.',
        }),
      })
      .optional()
      .meta({
        description:
          'Import jobs only: what the merge did (null until completed; for a dry run, until it is promoted).',
      }),
    dryRun: dryRunBodySchema.optional().meta({
      description: 'Dry-run imports only: what the merge would do, and whether it was promoted.',
    }),
    columns: z.array(jobColumnSchema),
    options: jobOptionsSchema,
    error: z.string().nullable(),
    errorCode: z.enum(JOB_FAILURE_CODES).nullable(),
    links: z.object({
      self: link,
      result: link,
      errors: link,
      dataset: link.optional(),
      diff: link.optional().meta({
        description:
          'Dry-run imports: the diff.csv of what the merge would change (409 once promoted or when the dataset changed).',
      }),
      promote: link
        .optional()
        .meta({ description: 'Dry-run imports: POST to make it the real import.' }),
      revert: link.optional().meta({
        description: 'Import jobs: POST to restore the dataset to its state before the import.',
      }),
    }),
  })
  .meta({ id: 'Job' });
export type JobBody = z.infer<typeof jobSchema>;

/** One job in GET /v1/jobs (no per-chunk progress). */
export const jobSummarySchema = z
  .object({
    id: z.uuid(),
    type: z.enum(JOB_TYPES),
    status: z.enum(JOB_STATUSES),
    fileName: z.string().nullable(),
    dataset: z.string().optional(),
    rowsTotal: z.int().min(0),
    rowsAccepted: z
      .int()
      .min(0)
      .nullable()
      .meta({ description: 'Null until the job has completed.' }),
    rowsRejected: z
      .int()
      .min(0)
      .nullable()
      .meta({ description: 'Null until the job has completed.' }),
    error: z.string().nullable(),
    errorCode: z.enum(JOB_FAILURE_CODES).nullable(),
    createdAt: timestamp,
    finishedAt: timestamp.nullable(),
    links: z.object({ self: link }),
  })
  .meta({ id: 'JobSummary' });
export type JobSummaryBody = z.infer<typeof jobSummarySchema>;

export const jobListSchema = z.array(jobSummarySchema).meta({ id: 'JobList' });

/** The upload: a CSV body, or a form with a `file` part and option fields. */
export const csvUploadSchema = z.string().meta({
  description: 'The CSV file (any supported encoding; gzip, deflate, br or zstd Content-Encoding).',
  format: 'binary',
});
export const multipartUploadSchema = jobOptionsInputSchema.extend({
  file: z.string().meta({ format: 'binary', description: 'The CSV file (the first file part).' }),
});
