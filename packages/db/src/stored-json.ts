import {
  storedDatasetColumnsSchema,
  storedDryRunSchema,
  storedErrorCountsSchema,
  storedJobColumnsSchema,
  storedJobOptionsSchema,
} from '@sluice/contract';
import type { z } from 'zod';

/**
 * The jsonb columns' way in and out, through @sluice/contract's schemas:
 * parsed before every write (a value that does not fit is a bug of the
 * writer, refused before it is stored) and after every read (a row written
 * by another version fails loudly here instead of normalizing wrongly later).
 */
function codec<S extends z.ZodType>(schema: S, column: string) {
  return {
    write: (value: z.input<S>): string => JSON.stringify(schema.parse(value)),
    read(value: unknown): z.output<S> {
      const parsed = schema.safeParse(value);
      if (parsed.success) return parsed.data;
      throw new TypeError(
        `${column} does not hold what the contract says: ${parsed.error.message}`,
        {
          cause: parsed.error,
        },
      );
    },
  };
}

export const storedJson = {
  jobOptions: codec(storedJobOptionsSchema, 'jobs.options'),
  jobColumns: codec(storedJobColumnsSchema, 'jobs.columns'),
  datasetColumns: codec(storedDatasetColumnsSchema, 'datasets.columns'),
  dryRun: codec(storedDryRunSchema, 'jobs.dry_run_result'),
  errorCounts: codec(storedErrorCountsSchema, 'job_chunks.error_counts'),
};
