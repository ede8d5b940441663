import { z } from 'zod';

/**
 * GET /v1/jobs/{id}/errors and /errors/summary: a job's row errors as JSON,
 * the same rows as errors.csv (the stored ones, capped per job), and their
 * exact counts by column and code.
 */

/** Error codes are snake_case identifiers (normalize's ERROR_CODES and the row-level ones). */
const ERROR_CODE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * The list's filters. Each arrives as one string (a repeated parameter is
 * refused). `column=` (empty) selects the errors about a whole row (their
 * column is null): no column of a job has an empty name.
 */
export const jobErrorsQuerySchema = z.object({
  column: z
    .string({ error: 'must be one column name (empty: errors about a whole row)' })
    .optional()
    .meta({
      description:
        'Only errors of this column (its name in the header, exactly). Empty (`column=`): only errors about a whole row (column null).',
      example: 'email',
    }),
  code: z
    .string({ error: 'must be one error code' })
    .regex(ERROR_CODE_PATTERN, { error: 'must be an error code such as invalid_email' })
    .optional()
    .meta({ description: 'Only errors with this code, exactly.', example: 'invalid_email' }),
});
export type JobErrorsQuery = z.infer<typeof jobErrorsQuerySchema>;

/** One row error: a row of errors.csv. */
const jobErrorSchema = z
  .object({
    recordNumber: z
      .int()
      .min(1)
      .meta({ description: 'The record number in the file (the header is 1): errors.csv `row`.' }),
    column: z.string().nullable().meta({
      description: 'The column as named in the header; null for an error about the whole row.',
    }),
    value: z.string().nullable().meta({
      description: 'The raw value as read from the file; null for an error about the whole row.',
    }),
    code: z.string().meta({ example: 'invalid_email' }),
    message: z.string(),
  })
  .meta({ id: 'JobError' });
export type JobErrorBody = z.infer<typeof jobErrorSchema>;

export const jobErrorListSchema = z.array(jobErrorSchema).meta({ id: 'JobErrorList' });

const codeCount = z
  .object({ code: z.string(), errors: z.int().min(1) })
  .meta({ id: 'JobErrorCodeCount' });

/** A job's errors counted by column and code. */
export const jobErrorSummarySchema = z
  .object({
    errors: z
      .int()
      .min(0)
      .meta({ description: 'Every row error of the job (= counts.errors of the job).' }),
    stored: z.int().min(0).meta({
      description:
        'Errors stored and listed (errors.csv, GET …/errors): at most MAX_ERROR_ROWS_PER_JOB.',
    }),
    truncated: z.boolean().meta({ description: 'stored < errors: the list is not all of them.' }),
    exact: z.boolean().meta({
      description:
        'The column and code counts are exact (they add up to `errors`). False only for a job with chunks processed before per-chunk counts were kept whose stored errors were cut: their counts are of their stored errors only.',
    }),
    columns: z
      .array(
        z
          .object({
            column: z.string().nullable().meta({ description: 'null: errors about a whole row.' }),
            errors: z.int().min(1),
            codes: z.array(codeCount),
          })
          .meta({ id: 'JobErrorColumnCount' }),
      )
      .meta({
        description: 'Columns with errors, most errors first; each with its codes, most first.',
      }),
    codes: z
      .array(codeCount)
      .meta({ description: 'Every code over all columns, most errors first.' }),
  })
  .meta({ id: 'JobErrorSummary' });
export type JobErrorSummaryBody = z.infer<typeof jobErrorSummarySchema>;
