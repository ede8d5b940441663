import { z } from 'zod';

/**
 * What a dry-run import found (jobs.dry_run_result): what its merge would do
 * against the dataset as it was, the dataset's version then (promotion
 * requires it unchanged) and its table (a dataset deleted and declared again
 * is another table, whatever its version).
 */
export const storedDryRunSchema = z.object({
  inserted: z.int().min(0),
  updated: z.int().min(0),
  unchanged: z.int().min(0),
  duplicate: z.int().min(0),
  /** Per dataset column: in how many updated rows its value changes. */
  columnChanges: z.record(z.string(), z.int().min(0)),
  datasetVersion: z.int().min(0),
  datasetTable: z.string(),
});
export type StoredDryRun = z.infer<typeof storedDryRunSchema>;
