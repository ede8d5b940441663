import { type ColumnType, isColumnType, normalizeValue, toCountryCode } from '@sluice/normalize';
import { Router } from 'express';
import { jsonBody } from '../http/json-body.ts';
import { HttpProblem } from '../http/problem.ts';
import { readNormalizeOptions } from '../jobs/job-options.ts';

const MAX_VALUES = 1000;

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
  if (values.length > MAX_VALUES)
    throw invalid(`At most ${MAX_VALUES} values per request; submit a job for more.`);
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
    jsonBody('1mb', 'Send a JSON body (application/json).'),
    (req, res) => {
      const items = readItems(req.body);
      const raw = ((req.body as { options?: unknown }).options ?? {}) as Record<string, unknown>;
      const options = readNormalizeOptions((name) =>
        raw[name] === undefined ? undefined : String(raw[name]),
      );
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
