import { z } from 'zod';

/**
 * Response headers the API sets, named once for the document (its `headers`
 * of each response) and for clients.
 */
export const locationHeader = z
  .url()
  .meta({ description: 'The created (or accepted) resource.', header: { required: true } });

export const pageHeadersSchema = z.object({
  'x-total-count': z
    .string()
    .regex(/^\d+$/)
    .meta({ description: 'Items in the whole list.', header: { required: true } }),
  link: z.string().meta({
    description: 'RFC 8288 links: first, prev, next, last (the same query, other offsets).',
    header: { required: true },
  }),
});

/** On every /v1 answer that was counted (draft-ietf-httpapi-ratelimit-headers). */
export const rateLimitHeadersSchema = z.object({
  ratelimit: z
    .string()
    .optional()
    .meta({ description: 'What is left of the budget and when it resets: `"reads";r=99;t=42`.' }),
  'ratelimit-policy': z
    .string()
    .optional()
    .meta({ description: 'The budget: `"reads";q=100;w=60`.' }),
});

export const retryAfterHeader = z
  .string()
  .regex(/^\d+$/)
  .meta({ description: 'Seconds to wait before trying again.', header: { required: true } });

export const wwwAuthenticateHeader = z.string().meta({
  description: 'RFC 6750 Bearer challenge (`error="invalid_token"` or `"insufficient_scope"`).',
  header: { required: true },
});
