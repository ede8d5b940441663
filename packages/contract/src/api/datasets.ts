import { z } from 'zod';
import { columnRulesSchema } from '../column-rules.ts';
import { link, timestamp } from './common.ts';
import { columnTypeInputSchema, columnTypeNameSchema } from './jobs.ts';

/** More columns than any sane dataset; keeps DDL and merge statements bounded. */
export const MAX_DATASET_COLUMNS = 200;

/**
 * Dataset and column names (the same rule as @sluice/db's IDENTIFIER_PATTERN,
 * which every identifier passes again before it reaches SQL).
 */
const IDENTIFIER_RULE =
  'must be lower-case letters, digits and underscores, starting with a letter, at most 63 characters';
const identifier = z
  .string({ error: IDENTIFIER_RULE })
  .regex(/^[a-z][a-z0-9_]{0,62}$/, { error: IDENTIFIER_RULE });

export const datasetNameParamsSchema = z.object({
  name: z.string().meta({ description: 'The dataset name.', example: 'contacts' }),
});

/**
 * POST /v1/datasets. The API checks further what a schema cannot say well:
 * column names unique and not PostgreSQL system names, key columns declared
 * and at most 32 of them (key columns become required).
 */
export const datasetDeclarationSchema = z
  .object(
    {
      name: identifier,
      columns: z
        .array(
          z.object(
            {
              name: identifier,
              type: columnTypeInputSchema,
              required: z.boolean({ error: 'must be true or false' }).optional(),
              rules: columnRulesSchema.optional().meta({
                description:
                  'Validation rules every import into the dataset applies to this column (README "Validation rules").',
              }),
            },
            { error: 'must be an object {"name", "type", "required"?, "rules"?}' },
          ),
          { error: `must be a list of 1 to ${MAX_DATASET_COLUMNS} columns` },
        )
        .min(1, { error: `must be a list of 1 to ${MAX_DATASET_COLUMNS} columns` })
        .max(MAX_DATASET_COLUMNS, {
          error: `must be a list of 1 to ${MAX_DATASET_COLUMNS} columns`,
        }),
      key: z
        .array(z.string(), {
          error: 'must list one or more distinct column names: the unique key rows are upserted by',
        })
        .min(1, {
          error: 'must list one or more distinct column names: the unique key rows are upserted by',
        }),
    },
    {
      error:
        'Send a JSON object such as {"name":"contacts","columns":[{"name":"email","type":"email"}],"key":["email"]}',
    },
  )
  .meta({
    id: 'DatasetDeclaration',
    example: {
      name: 'contacts',
      columns: [
        { name: 'email', type: 'email' },
        { name: 'phone', type: 'phone', required: false },
        {
          name: 'tier',
          type: 'text',
          rules: { enum: ['Gold', 'Silver'], synonyms: { au: 'Gold' } },
        },
      ],
      key: ['email'],
    },
  });
export type DatasetDeclaration = z.infer<typeof datasetDeclarationSchema>;

export const datasetSchema = z
  .object({
    name: z.string(),
    columns: z.array(
      z.object({
        name: z.string(),
        type: columnTypeNameSchema,
        required: z.boolean(),
        rules: columnRulesSchema.optional(),
      }),
    ),
    key: z.array(z.string()),
    rowCount: z
      .int()
      .min(0)
      .optional()
      .meta({ description: 'On GET /v1/datasets/{name} and on creation.' }),
    createdAt: timestamp,
    links: z.object({ self: link, rows: link, export: link }),
  })
  .meta({ id: 'Dataset' });
export type DatasetBody = z.infer<typeof datasetSchema>;

export const datasetListSchema = z.array(datasetSchema).meta({ id: 'DatasetList' });

/** A page of a dataset's rows: the dataset's own columns (not Sluice's `_job_id`, `_updated_at`, `_line`), in key order. */
export const datasetRowsSchema = z
  .array(z.record(z.string(), z.unknown()))
  .meta({ id: 'DatasetRows' });
