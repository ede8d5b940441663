import type { ApiScope } from '@sluice/contract';
import {
  idempotencyKeyHeaderSchema,
  rateLimitHeadersSchema,
  retryAfterHeader,
  wwwAuthenticateHeader,
} from '@sluice/contract';
import { z } from 'zod';
import type {
  ZodOpenApiOperationObject,
  ZodOpenApiParameters,
  ZodOpenApiRequestBodyObject,
  ZodOpenApiResponseObject,
} from 'zod-openapi';
import { PROBLEM_CATALOG, type ProblemCode } from '../http/problem-catalog.ts';

/** A reference to a schema of the document's components (document.ts registers what is not reached otherwise). */
export const schemaRef = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/** Where the document keeps the problem schema. */
export const PROBLEM_REF = schemaRef('Problem').$ref;

/** The extension of an event stream's media type: each event name's data schema. */
export const EVENT_DATA_EXTENSION = 'x-event-data';

/** The extension that lists, per problem response, the codes it can carry. */
export const PROBLEM_CODES_EXTENSION = 'x-problem-codes';

/** Problems any request can meet before a route sees it (app.ts' middleware). */
const ANY_REQUEST: ProblemCode[] = ['bad_request', 'invalid_character', 'internal_error'];
/** /v1 requests: rate limits, then authentication (app.ts). */
const V1_REQUEST: ProblemCode[] = ['rate_limited', 'unauthorized', 'invalid_api_key'];
/** Requests whose body a route reads: JSON bodies (json-body.ts) and uploads alike. */
const BODY_REQUEST: ProblemCode[] = [
  'payload_too_large',
  'unsupported_media_type',
  'unsupported_compression',
  'upload_too_slow',
];

/** A POST that honors Idempotency-Key (uploads: jobs/idempotency.ts; the others: http/idempotent-post.ts). */
const IDEMPOTENT_REQUEST: ProblemCode[] = [
  'invalid_idempotency_key',
  'idempotency_key_reused',
  'idempotency_key_in_use',
];

/** On the answers of an idempotent POST: set when the answer repeats an earlier request's. */
const idempotentReplayedHeaders = z.object({
  'idempotent-replayed': z.literal('true').optional().meta({
    description: 'The answer is a repeat of an earlier request with this Idempotency-Key.',
  }),
});

/** What one operation is: its own parts; operation() adds what every such request shares. */
export interface OperationSpec {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Scopes the API key needs; undefined: no API key at all (health, /metrics, the document). */
  scopes?: ApiScope[];
  /** The route needs PostgreSQL or Redis (the breaker guard): 503 dependency_unavailable. */
  needsDependencies?: boolean;
  requestParams?: ZodOpenApiParameters;
  requestBody?: ZodOpenApiRequestBodyObject;
  /** The success answers (and any non-problem answer), by status. */
  responses: Record<string, ZodOpenApiResponseObject>;
  /** The problems of this route itself, beyond those operation() adds. */
  problems?: ProblemCode[];
  /** Takes an Idempotency-Key: the header, its problems and Idempotent-Replayed on answers. */
  idempotent?: boolean;
}

/** On every answer of the API (http/request-log.ts). */
const responseTimeHeaders = z.object({
  'x-response-time': z
    .string()
    .regex(/^\d+\.\d{3}ms$/)
    .meta({
      description:
        'Time the API took until this response’s headers left, in milliseconds (for a download or an event stream: until it began).',
      example: '3.142ms',
    }),
});

const HEADERS_BY_STATUS: Partial<Record<number, z.ZodObject>> = {
  401: z.object({ 'www-authenticate': wwwAuthenticateHeader }),
  // insufficient_scope names the scopes in its challenge too.
  403: z.object({
    'www-authenticate': z.string().optional().meta({ description: 'RFC 6750 Bearer challenge.' }),
  }),
  // idempotency_key_in_use: when to ask again.
  409: z.object({
    'retry-after': z.string().regex(/^\d+$/).optional().meta({ description: 'Seconds.' }),
  }),
  429: z.object({ 'retry-after': retryAfterHeader }),
  503: z.object({ 'retry-after': retryAfterHeader }),
};

/**
 * The problem responses of a set of codes, one per status. Each is the
 * Problem schema with `code` narrowed to the codes possible there, which are
 * also listed in the description and in x-problem-codes.
 */
function problemResponses(
  codes: Iterable<ProblemCode>,
  withRateHeaders: boolean,
): Record<string, ZodOpenApiResponseObject> {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of new Set(codes)) {
    const { status } = PROBLEM_CATALOG[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, ZodOpenApiResponseObject> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    list.sort();
    const headers = HEADERS_BY_STATUS[status];
    const withRate = withRateHeaders ? rateLimitHeadersSchema : undefined;
    responses[String(status)] = {
      description: list.map((code) => `\`${code}\`: ${PROBLEM_CATALOG[code].meaning}`).join('\n\n'),
      [PROBLEM_CODES_EXTENSION]: list,
      headers: z.object({
        ...responseTimeHeaders.shape,
        ...withRate?.shape,
        ...headers?.shape,
      }),
      content: {
        'application/problem+json': {
          schema: {
            allOf: [{ $ref: PROBLEM_REF }, { properties: { code: { enum: list } } }],
          },
        },
      },
    };
  }
  return responses;
}

/** One operation of the document, with its security, scopes and every problem it can answer. */
export function operation(spec: OperationSpec): ZodOpenApiOperationObject {
  const v1 = spec.scopes !== undefined;
  const codes: ProblemCode[] = [...ANY_REQUEST, ...(spec.problems ?? [])];
  if (v1) codes.push(...V1_REQUEST);
  if (v1 && spec.scopes!.length > 0) codes.push('insufficient_scope');
  // A /v1 key not checked within API_KEY_TRUST_MS is looked up in PostgreSQL:
  // while it is down, a key without a recent good check gets 503 on any route.
  if (spec.needsDependencies || v1) codes.push('dependency_unavailable');
  if (spec.requestBody) codes.push(...BODY_REQUEST);
  if (spec.idempotent) codes.push(...IDEMPOTENT_REQUEST);
  // Every counted /v1 answer carries the rate limit fields (not when a budget is off).
  const shared = z.object({
    ...responseTimeHeaders.shape,
    ...(v1 ? rateLimitHeadersSchema.shape : {}),
    ...(spec.idempotent ? idempotentReplayedHeaders.shape : {}),
  });
  const responses: Record<string, ZodOpenApiResponseObject> = {};
  for (const [status, response] of Object.entries(spec.responses)) {
    const hasShared = Object.keys(shared.shape).length > 0;
    responses[status] =
      hasShared && !response.headers
        ? { ...response, headers: shared }
        : hasShared && response.headers instanceof z.ZodObject
          ? { ...response, headers: response.headers.extend(shared.shape) }
          : response;
  }
  const requestParams = spec.idempotent
    ? {
        ...spec.requestParams,
        header: spec.requestParams?.header
          ? (spec.requestParams.header as z.ZodObject).extend(idempotencyKeyHeaderSchema.shape)
          : idempotencyKeyHeaderSchema,
      }
    : spec.requestParams;
  Object.assign(responses, problemResponses(codes, v1));
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: spec.tags,
    security: v1 ? [{ apiKey: spec.scopes! }] : [],
    ...(v1 ? { 'x-required-scopes': spec.scopes } : {}),
    ...(requestParams ? { requestParams } : {}),
    ...(spec.requestBody ? { requestBody: spec.requestBody } : {}),
    responses,
  };
}

/** A JSON answer. */
export function json(
  description: string,
  schema: z.ZodType,
  headers?: z.ZodObject,
): ZodOpenApiResponseObject {
  return {
    description,
    ...(headers ? { headers } : {}),
    content: { 'application/json': { schema } },
  };
}
