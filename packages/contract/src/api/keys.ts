import { z } from 'zod';
import { API_SCOPES } from '../api-scopes.ts';
import { timestamp } from './common.ts';

const EXPIRY_RULE = 'must be a date and time in the future (ISO 8601)';
const SCOPES_RULE = `must be a non-empty list of: ${API_SCOPES.join(', ')}`;

const apiScopeSchema = z.enum(API_SCOPES).meta({ id: 'ApiScope' });

/** POST /v1/keys (the API checks that expiresAt is in the future). */
export const newKeyRequestSchema = z
  .strictObject(
    {
      scopes: z
        .array(z.enum(API_SCOPES, { error: `must be one of: ${API_SCOPES.join(', ')}` }), {
          error: SCOPES_RULE,
        })
        .min(1, { error: SCOPES_RULE }),
      name: z
        .string({ error: 'must be a string of at most 200 characters' })
        .max(200, { error: 'must be a string of at most 200 characters' })
        .optional(),
      expiresAt: z
        .string({ error: EXPIRY_RULE })
        .refine((text) => !Number.isNaN(Date.parse(text)), { error: EXPIRY_RULE })
        .nullable()
        .optional()
        .meta({
          description:
            'When the key stops working (ISO 8601; must be in the future). Absent or null: never.',
          example: '2027-06-30T00:00:00Z',
        }),
    },
    { error: 'Send a JSON object: {"scopes": [...], "name": "...", "expiresAt": "..."}' },
  )
  .meta({ id: 'NewApiKey', example: { scopes: ['jobs:write', 'jobs:read'], name: 'uploader' } });
export type NewKeyRequest = z.infer<typeof newKeyRequestSchema>;

export const keyIdParamsSchema = z.object({
  id: z.string().meta({ description: 'The key id (16 hex digits).', example: '3f9a0c1d2e4b5a69' }),
});

export const apiKeySchema = z
  .object({
    id: z.string().regex(/^[0-9a-f]{16}$/),
    name: z.string(),
    scopes: z.array(apiScopeSchema),
    createdAt: timestamp,
    expiresAt: timestamp.nullable(),
    lastUsedAt: timestamp.nullable(),
    revokedAt: timestamp.nullable(),
  })
  .meta({ id: 'ApiKey' });
export type ApiKeyBody = z.infer<typeof apiKeySchema>;

export const apiKeyListSchema = z.array(apiKeySchema).meta({ id: 'ApiKeyList' });

/** The answer to POST /v1/keys: the key itself, shown this once. */
export const issuedApiKeySchema = apiKeySchema
  .extend({
    key: z.string().meta({ description: 'The secret: `slc_<id>_<secret>`; shown only now.' }),
  })
  .meta({ id: 'IssuedApiKey' });
