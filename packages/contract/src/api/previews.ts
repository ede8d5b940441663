import { DELIMITER_CANDIDATES, INPUT_ENCODINGS } from '@sluice/csv';
import { z } from 'zod';
import { JOB_TYPES } from '../job-status.ts';
import { dateOrderSchema } from '../stored-job.ts';
import {
  columnTypeNameSchema,
  jobOptionsSchema,
  jobSubmitQuerySchema,
  multipartUploadSchema,
} from './jobs.ts';

/** Data rows a preview shows unless `rows` says otherwise, and at most. */
export const DEFAULT_PREVIEW_ROWS = 20;
export const MAX_PREVIEW_ROWS = 200;
/** Most bytes of the file (after decoding to UTF-8) a preview reads. */
export const MAX_PREVIEW_BYTES = 1024 * 1024;

const ROWS_RULE = `must be a whole number from 1 to ${MAX_PREVIEW_ROWS}`;

/** `rows`: how many data rows to show (a query parameter or a form field, like every option). */
export const previewRowsInputSchema = z.object({
  rows: z
    .string({ error: ROWS_RULE })
    .regex(/^\d{1,3}$/, { error: ROWS_RULE })
    .refine((v) => Number(v) >= 1 && Number(v) <= MAX_PREVIEW_ROWS, { error: ROWS_RULE })
    .optional()
    .meta({
      description: `Data rows to show (default ${DEFAULT_PREVIEW_ROWS}, at most ${MAX_PREVIEW_ROWS}).`,
    }),
});

/** POST /v1/previews' query: POST /v1/jobs' options and file name, and `rows`. */
export const previewQuerySchema = jobSubmitQuerySchema.extend(previewRowsInputSchema.shape);
export const previewMultipartSchema = multipartUploadSchema.extend(previewRowsInputSchema.shape);

const confidence = z.number().min(0).max(1);

const previewColumnSchema = z
  .object({
    name: z.string().meta({ description: 'The header name.' }),
    outputName: z.string().meta({
      description: 'Its name in result.csv (the rename, if any); a dropped column is not there.',
    }),
    type: columnTypeNameSchema,
    source: z.enum(['request', 'header', 'values', 'default']).meta({
      description:
        'How the type was decided: given in the request, named by the header, picked by the sampled values, or text by default.',
    }),
    confidence: confidence.meta({
      description:
        '1 for a requested type (or text by default); else the share of sampled non-blank values that look like the type (a header type nothing can check: 0.9).',
    }),
    notes: z.array(z.string()).meta({ description: 'What the decision rests on, for people.' }),
    required: z.boolean(),
    dropped: z.literal(true).optional().meta({
      description:
        'The request drops the column ({"drop":true} in `columns`): it is shown (with the type it would have) but not normalized, not in `normalized`, result.csv or an import. Absent: kept.',
    }),
    dateOrder: dateOrderSchema.optional(),
    dateOrderSource: z
      .enum(['request', 'job', 'values', 'undecided', 'conflicting'])
      .optional()
      .meta({
        description:
          'How the order was decided. undecided: no value proves one; conflicting: values prove both day-first and month-first and neither the job hint nor the counts settle it. Without dateOrder, values that read either way are ambiguous_date.',
      }),
    datasetColumn: z.string().nullable().optional().meta({
      description: 'Import previews: the dataset column this column fills (null: not imported).',
    }),
    key: z
      .boolean()
      .optional()
      .meta({ description: 'Import previews: it fills a column of the dataset key.' }),
  })
  .meta({ id: 'PreviewColumn' });

const previewRowSchema = z
  .object({
    recordNumber: z.int().min(2).meta({ description: 'The record number (the header is 1).' }),
    raw: z.array(z.string()).nullable().meta({
      description:
        'The fields as read, one per header column (dropped ones included); null when the record could not be parsed.',
    }),
    normalized: z.array(z.string()).nullable().meta({
      description:
        'The values a job would write (before result.csv neutralizes cells that would start a spreadsheet formula): one per column that is not dropped, in header order, a split name followed by its four parts, as in result.csv; null when the record was not normalized (unparseable, or a field count unlike the header).',
    }),
    rejected: z.boolean().meta({ description: 'A job would leave this row out of result.csv.' }),
    errors: z.array(
      z.object({
        column: z.string().nullable(),
        code: z.string(),
        message: z.string(),
      }),
    ),
  })
  .meta({ id: 'PreviewRow' });

/** The answer of POST /v1/previews: how a job would read the start of this file. Nothing is stored. */
export const previewSchema = z
  .object({
    type: z.enum(JOB_TYPES),
    dataset: z.string().optional().meta({ description: 'Import previews only.' }),
    encoding: z.object({
      name: z.enum(INPUT_ENCODINGS),
      source: z.string().meta({
        description:
          "'request', or how it was detected: 'bom', 'nul-pattern', 'ascii' (no byte above 0x7F read yet), 'valid-utf8', 'mostly-utf8', 'detector'.",
      }),
      confidence,
      note: z.string().optional(),
    }),
    delimiter: z.object({
      char: z.enum(DELIMITER_CANDIDATES),
      source: z.enum(['request', 'detected']),
      confidence: confidence.meta({
        description: 'Detected: the share of sampled records with the most common field count.',
      }),
    }),
    header: z.array(z.string()),
    columns: z.array(previewColumnSchema),
    datasetColumns: z
      .array(
        z.object({
          name: z.string(),
          type: columnTypeNameSchema,
          required: z.boolean(),
          key: z.boolean(),
          column: z
            .string()
            .nullable()
            .meta({ description: 'The file column that fills it (null: none).' }),
        }),
      )
      .optional()
      .meta({ description: 'Import previews: every column of the dataset.' }),
    rows: z.array(previewRowSchema),
    sample: z.object({
      records: z.int().min(0).meta({ description: 'Data records read (blank ones included).' }),
      bytes: z.int().min(0).meta({ description: 'Bytes of the file read (UTF-8).' }),
    }),
    truncated: z.boolean().meta({
      description:
        'Reading stopped at the `rows` or byte bound (the file may go on): types and date orders rest on these records only (a job profiles the whole file).',
    }),
    options: jobOptionsSchema,
  })
  .meta({ id: 'Preview' });
export type PreviewBody = z.infer<typeof previewSchema>;
