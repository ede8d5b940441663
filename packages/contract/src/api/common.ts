import { z } from 'zod';

/**
 * Building blocks of the API's schemas. Every schema of the API is zod, so
 * the same object validates a request (apps/api) and is rendered into the
 * OpenAPI document (apps/api/src/openapi); `.meta({ id })` makes it a named
 * component there.
 */

/** An instant as the API writes it: ISO 8601 in UTC (Date#toISOString). */
export const timestamp = z.iso.datetime().meta({ example: '2026-12-02T15:04:05.000Z' });

/** An absolute URL the API built (never the client's Host header). */
export const link = z.url().meta({ example: 'https://sluice.example.com/v1/jobs/…' });

/**
 * RFC 9457 problem details, as every error answers (application/problem+json).
 * `code` is the stable identifier; the API's document narrows it to its
 * catalog of codes. Some problems add members (`field`, `jobStatus`,
 * `requiredScopes`, `reason`, `maxValues`, `budget`, `limit`...).
 */
export const problemSchema = z
  .looseObject({
    type: z
      .string()
      .meta({ description: '`/problems/<code>`', example: '/problems/job_not_found' }),
    title: z.string().meta({ description: 'The same for every problem of this code.' }),
    status: z.int().min(400).max(599),
    detail: z
      .string()
      .meta({ description: 'For people: what went wrong this time and what to do.' }),
    code: z.string().meta({ description: 'Stable identifier clients switch on.' }),
    instance: z.string().meta({ description: 'The request target.' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details.' });
export type Problem = z.infer<typeof problemSchema>;

/** Most items one page of a list holds. */
const MAX_PAGE_LIMIT = 1000;

/** A count in the query: one whole number in a range (a repeated parameter is not one). */
function wholeNumber(min: number, max: number) {
  const rule = `must be a whole number from ${min} to ${max}`;
  return z
    .string({ error: rule })
    .regex(/^\d{1,16}$/, { error: rule })
    .refine((text) => Number(text) >= min && Number(text) <= max, { error: rule })
    .optional();
}

/** `?limit=&offset=` of every list (limit's default is the list's). */
export const pageQuerySchema = z.object({
  limit: wholeNumber(1, MAX_PAGE_LIMIT).meta({
    description: `Items per page, 1 to ${MAX_PAGE_LIMIT}.`,
    example: '50',
  }),
  offset: wholeNumber(0, Number.MAX_SAFE_INTEGER).meta({
    description: 'Items to skip (default 0).',
    example: '0',
  }),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;
