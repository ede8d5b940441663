import type { JobErrorSummaryBody } from '@sluice/contract';
import type { JobErrorCounts } from '@sluice/db';

type CodeCount = JobErrorSummaryBody['codes'][number];

/** Most errors first; ties by name (null, the whole row, first), so the order is stable. */
function byErrorsThenName<T extends { errors: number }>(name: (item: T) => string | null) {
  return (a: T, b: T) => {
    if (a.errors !== b.errors) return b.errors - a.errors;
    const [x, y] = [name(a), name(b)];
    if (x === y) return 0;
    if (x === null) return -1;
    if (y === null) return 1;
    return x < y ? -1 : 1;
  };
}
const byCode = byErrorsThenName<CodeCount>((c) => c.code);

/**
 * GET /v1/jobs/{id}/errors/summary's body from the job's counts by column
 * and code: per column its total and its codes, and per code its total over
 * all columns.
 */
export function presentErrorSummary(counted: JobErrorCounts): JobErrorSummaryBody {
  const columns = new Map<string | null, { errors: number; codes: CodeCount[] }>();
  const codes = new Map<string, number>();
  for (const { column, code, errors } of counted.counts) {
    const entry = columns.get(column) ?? { errors: 0, codes: [] };
    entry.errors += errors;
    entry.codes.push({ code, errors });
    columns.set(column, entry);
    codes.set(code, (codes.get(code) ?? 0) + errors);
  }
  return {
    errors: counted.errors,
    stored: counted.stored,
    truncated: counted.stored < counted.errors,
    exact: counted.exact,
    columns: [...columns]
      .map(([column, { errors, codes }]) => ({ column, errors, codes: codes.sort(byCode) }))
      .sort(byErrorsThenName((c) => c.column)),
    codes: [...codes].map(([code, errors]) => ({ code, errors })).sort(byCode),
  };
}
