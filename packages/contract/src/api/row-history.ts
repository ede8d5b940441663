import { z } from 'zod';
import { link, timestamp } from './common.ts';
import { datasetNameParamsSchema } from './datasets.ts';

/** GET /v1/datasets/{name}/rows/{key}/history. */
export const rowKeyParamsSchema = datasetNameParamsSchema.extend({
  key: z.string().meta({
    description:
      "The row's key: its key column's value, or for a key of several columns their values in key order separated by commas (a comma inside a value percent-encoded as %2C).",
    example: 'ann@example.com',
  }),
});

/** POST /v1/jobs/{id}/revert. */
export const revertQuerySchema = z.object({
  force: z.enum(['true', 'false']).optional().meta({
    description:
      'true: revert even though later jobs wrote some of the rows (their writes of those rows are undone too). Default false: 409 revert_conflict.',
  }),
});

const rowValue = z.union([z.string(), z.boolean(), z.null()]);

export const rowHistorySchema = z
  .object({
    dataset: z.string(),
    key: z.record(z.string(), rowValue).meta({ description: 'The key columns and their values.' }),
    history: z.array(
      z.object({
        jobId: z.uuid(),
        fileName: z.string().nullable(),
        line: z.int().min(1).nullable().meta({
          description:
            "The row's line in the job's file, as errors.csv numbers it (null if the rows were staged again from the chunk outputs, which do not keep it).",
        }),
        change: z.enum(['inserted', 'updated']),
        writtenAt: timestamp.nullable().meta({
          description: 'When the import merged (a promoted dry run: when it was promoted).',
        }),
        revertedAt: timestamp
          .nullable()
          .meta({ description: 'The import was reverted since: this write was undone.' }),
        previous: z.record(z.string(), rowValue).nullable().meta({
          description:
            "An update: the row's values before it (canonical text, booleans as booleans); null for an insert.",
        }),
        links: z.object({ job: link }),
      }),
    ),
  })
  .meta({
    id: 'RowHistory',
    description:
      'The imports that wrote the row (inserted it, or updated it with other values), oldest first, as far as ROW_HISTORY_RETENTION_DAYS keeps them. Empty when none is known.',
  });
export type RowHistoryBody = z.infer<typeof rowHistorySchema>;
