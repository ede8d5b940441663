import { type ColumnType, isColumnType, normalizeValue, toCountryCode } from '@sluice/normalize';
import { Router } from 'express';
import { jsonBody } from '../http/json-body.ts';
import { HttpProblem } from '../http/problem.ts';
import { readNormalizeOptionsBody } from '../jobs/job-options.ts';

/**
 * Values are normalized on the API's event loop, so one request must stay
 * short: at these bounds the costliest type takes tens of milliseconds of CPU
 * (a 1 MB body took 0.44 s). Files go through jobs, which run in workers.
 */
export const NORMALIZE_LIMITS = { maxBodyBytes: 128 * 1024, maxValues: 1000 } as const;

interface NormalizeItem {
  type: ColumnType;
  value: string;
  country?: string;
}

function invalid(detail: string): HttpProblem {
  return new HttpProblem('invalid_request', detail);
}

function readItems(body: unknown): NormalizeItem[] {
  const values = (body as { values?: unknown } | null)?.values;
  if (!Array.isArray(values) || values.length === 0) {
    throw invalid('Send {"values":[{"type":"phone","value":"(415) 555-2671"}], "options":{...}}.');
  }
  if (values.length > NORMALIZE_LIMITS.maxValues) {
    throw new HttpProblem(
      'too_many_values',
      `At most ${NORMALIZE_LIMITS.maxValues} values per request, not ${values.length}; submit a job (POST /v1/jobs) for more.`,
      { extra: { maxValues: NORMALIZE_LIMITS.maxValues } },
    );
  }
  return values.map((item, i) => {
    const { type, value, country } = (item ?? {}) as Record<string, unknown>;
    if (typeof type !== 'string' || !isColumnType(type))
      throw invalid(`values[${i}].type must be a column type.`);
    if (typeof value !== 'string') throw invalid(`values[${i}].value must be a string.`);
    if (country !== undefined && typeof country !== 'string')
      throw invalid(`values[${i}].country must be a string.`);
    return { type, value, country };
  });
}

/** POST /v1/normalize: try the rules on a few values, synchronously. */
export function normalizeRoutes(): Router {
  const router = Router();
  router.post(
    '/v1/normalize',
    jsonBody(NORMALIZE_LIMITS.maxBodyBytes, 'Send a JSON body (application/json).'),
    (req, res) => {
      const items = readItems(req.body);
      const options = readNormalizeOptionsBody((req.body as { options?: unknown }).options);
      const results = items.map((item) => {
        const context = {
          country: item.country === undefined ? undefined : toCountryCode(item.country),
        };
        const result = normalizeValue(item.type, item.value, options, context);
        return result.ok
          ? { type: item.type, value: item.value, ok: true, normalized: result.value }
          : {
              type: item.type,
              value: item.value,
              ok: false,
              code: result.code,
              message: result.message,
            };
      });
      res.json({ options, results });
    },
  );
  return router;
}
