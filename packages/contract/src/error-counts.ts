import { z } from 'zod';

/**
 * A chunk's row errors counted by column and code (job_chunks.error_counts,
 * jsonb): written by the chunk's commit with its done-marker, from ALL its
 * errors (not only those the per-job cap let it store), so that summing the
 * done chunks gives exact counts however short the stored report is. One
 * entry per (column, code) that occurred; `column` null for errors about the
 * whole row. Its entries add up to the chunk's errors_total.
 */
export const storedErrorCountsSchema = z.array(
  z.object({
    column: z.string().nullable(),
    code: z.string().min(1),
    errors: z.int().min(1),
  }),
);
export type StoredErrorCounts = z.infer<typeof storedErrorCountsSchema>;
