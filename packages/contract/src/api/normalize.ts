import { z } from 'zod';
import { normalizationOptionsSchema } from '../stored-job.ts';
import { columnTypeInputSchema, columnTypeNameSchema, normalizeOptionsInputShape } from './jobs.ts';

/** Most values in one POST /v1/normalize (files go through jobs). */
export const MAX_NORMALIZE_VALUES = 1000;

const ITEMS_RULE = 'Send {"values":[{"type":"phone","value":"(415) 555-2671"}], "options":{...}}';

const normalizeItemSchema = z.object(
  {
    type: columnTypeInputSchema,
    value: z.string({ error: 'must be a string' }),
    country: z
      .string({ error: 'must be a string' })
      .optional()
      .meta({ description: 'Country context (name or code) for phones, regions, postal codes.' }),
  },
  { error: 'must be an object {"type", "value", "country"?}' },
);

/**
 * POST /v1/normalize. `values` is not capped here: more than
 * MAX_NORMALIZE_VALUES is its own problem (too_many_values), checked first.
 */
export const normalizeRequestSchema = z
  .object(
    {
      values: z.array(normalizeItemSchema, { error: ITEMS_RULE }).min(1, { error: ITEMS_RULE }),
      options: z
        .strictObject(normalizeOptionsInputShape)
        .optional()
        .meta({ description: 'Normalization options, each a string; absent ones default.' }),
    },
    { error: ITEMS_RULE },
  )
  .meta({
    id: 'NormalizeRequest',
    example: {
      values: [{ type: 'phone', value: '(415) 555-2671' }],
      options: { phoneRegion: 'US' },
    },
  });

export const normalizeResponseSchema = z
  .object({
    options: normalizationOptionsSchema.meta({ id: 'NormalizationOptions' }),
    results: z.array(
      z.union([
        z.object({
          type: columnTypeNameSchema,
          value: z.string(),
          ok: z.literal(true),
          normalized: z.string(),
        }),
        z.object({
          type: columnTypeNameSchema,
          value: z.string(),
          ok: z.literal(false),
          code: z.string().meta({ description: 'The row error code a job would report.' }),
          message: z.string(),
        }),
      ]),
    ),
  })
  .meta({ id: 'NormalizeResponse' });
