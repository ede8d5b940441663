import type { DatasetView } from '@sluice/db';
import type { ColumnRequest, ColumnRules, ColumnType } from '@sluice/normalize';
import { requireSoundRules } from './rule-declaration.ts';

interface JobColumn {
  name: string;
  type: ColumnType;
  dropped?: true | undefined;
  /** Import jobs: the dataset column it fills. */
  target?: string | undefined;
}

/**
 * A job's columns (as decided at the end of the upload) with their
 * validation rules: the dataset column's rules (imports), then the
 * request's (`columns`, by header name, case aside). The request's rules
 * are checked here against what the file turned out to be: each column's
 * final type (min/max, ordered comparisons) and the columns named by
 * cross-field rules (a header of the file, or for imports a dataset column
 * the file fills; dropped columns have no value to read). Throws
 * invalid_rule / invalid_pattern. Columns without rules are returned as
 * they are, so a job without rules stores none.
 */
export function withColumnRules<C extends JobColumn>(
  columns: readonly C[],
  requested: Readonly<Record<string, ColumnRequest>>,
  dataset: DatasetView | undefined,
): Array<C & { rules?: ColumnRules[] }> {
  const requestedRules = new Map<string, ColumnRules>();
  for (const [name, request] of Object.entries(requested)) {
    if (request.rules !== undefined) requestedRules.set(name.toLowerCase(), request.rules);
  }
  const datasetRules = new Map(
    (dataset?.columns ?? []).flatMap((c) => (c.rules ? [[c.name, c.rules] as const] : [])),
  );
  if (requestedRules.size === 0 && datasetRules.size === 0) return [...columns];
  const types = new Map<string, ColumnType>();
  for (const c of columns) {
    if (c.dropped) continue;
    types.set(c.name.toLowerCase(), c.type);
    if (c.target !== undefined && !types.has(c.target)) types.set(c.target, c.type);
  }
  return columns.map((column) => {
    if (column.dropped) return column;
    const sets: ColumnRules[] = [];
    const fromDataset = column.target === undefined ? undefined : datasetRules.get(column.target);
    if (fromDataset) sets.push(fromDataset);
    const fromRequest = requestedRules.get(column.name.toLowerCase());
    if (fromRequest) {
      requireSoundRules(column, fromRequest, `columns.${column.name}`, types);
      sets.push(fromRequest);
    }
    return sets.length === 0 ? column : { ...column, rules: sets };
  });
}
