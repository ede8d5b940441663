import { MAX_NORMALIZE_VALUES, normalizeRequestSchema } from '@sluice/contract';
import { normalizeValue, toCountryCode } from '@sluice/normalize';
import { Router } from 'express';
import { jsonBody } from '../http/json-body.ts';
import { parseInput } from '../http/parse-input.ts';
import { HttpProblem } from '../http/problem.ts';
import { readNormalizeOptionsBody } from '../jobs/job-options.ts';

/**
 * Values are normalized on the API's event loop, so one request must stay
 * short: at these bounds the costliest type takes tens of milliseconds of CPU
 * (a 1 MB body took 0.44 s). Files go through jobs, which run in workers.
 */
export const NORMALIZE_LIMITS = {
  maxBodyBytes: 128 * 1024,
  maxValues: MAX_NORMALIZE_VALUES,
} as const;

/**
 * The values of a POST /v1/normalize body, shaped as @sluice/contract's
 * normalizeRequestSchema. More than the cap is its own problem, told first;
 * the options are read (and refused as invalid_option) like a job's.
 */
function readItems(body: unknown) {
  const values = (body as { values?: unknown } | null)?.values;
  if (Array.isArray(values) && values.length > NORMALIZE_LIMITS.maxValues) {
    throw new HttpProblem(
      'too_many_values',
      `At most ${NORMALIZE_LIMITS.maxValues} values per request, not ${values.length}; submit a job (POST /v1/jobs) for more.`,
      { extra: { maxValues: NORMALIZE_LIMITS.maxValues } },
    );
  }
  return parseInput(normalizeRequestSchema.omit({ options: true }), body, 'invalid_request').values;
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
