import type { DatasetBody } from '@sluice/contract';
import type { PreviewBody } from './api.ts';

/** What the user chose for one column of a normalize job. */
export interface ColumnChoice {
  type: string;
  required: boolean;
  /** The column's name in result.csv; '' keeps the header's. */
  rename: string;
  /** Left out of the job altogether. */
  drop: boolean;
}

/** Options of the whole job; '' leaves one to the API's default (or detection). */
export interface JobWideOptions {
  phoneRegion: string;
  dateOrder: string;
  timeZone: string;
  locale: string;
}

export const NO_OPTIONS: JobWideOptions = {
  phoneRegion: '',
  dateOrder: '',
  timeZone: '',
  locale: '',
};

/** Per header position, the dataset column it fills (null: not imported). */
export type Mapping = Array<string | null>;

export type JobPlan =
  | {
      type: 'normalize';
      columns: readonly PreviewBody['columns'][number][];
      choices: ColumnChoice[];
    }
  // mapping null: no `columns`, the API maps by name itself.
  | { type: 'import'; header: readonly string[]; dataset: DatasetBody; mapping: Mapping | null };

/** One entry of the `columns` option (apps/api's columnSpecInput). */
type ColumnSpec = { type?: string; required?: boolean; rename?: string; drop?: true };

/** The columns a normalize job changes: only what differs from what Sluice detected. */
function normalizeColumns(
  detected: readonly PreviewBody['columns'][number][],
  choices: ColumnChoice[],
): Record<string, ColumnSpec> {
  const specs: Record<string, ColumnSpec> = {};
  detected.forEach((column, i) => {
    const choice = choices[i];
    if (!choice) return;
    if (choice.drop) {
      specs[column.name] = { drop: true };
      return;
    }
    const spec: ColumnSpec = {};
    if (choice.type !== column.type || choice.required !== column.required) {
      spec.type = choice.type;
      spec.required = choice.required;
    }
    const rename = choice.rename.trim();
    if (rename !== '' && rename !== column.name) spec.rename = rename;
    if (Object.keys(spec).length > 0) specs[column.name] = spec;
  });
  return specs;
}

/**
 * How apps/api matches a header to a dataset column when nothing renames it
 * (apps/api/src/datasets/column-mapping.ts toColumnName: `First Name` ->
 * `first_name`). The page needs it only when the API cannot tell (an import
 * preview is refused while a required column is unmapped).
 */
export function toColumnName(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** The API's own mapping of a header onto a dataset, without any request. */
export function defaultMapping(header: readonly string[], dataset: DatasetBody): Mapping {
  const names = new Set(dataset.columns.map((c) => c.name));
  const taken = new Set<string>();
  return header.map((h) => {
    const name = toColumnName(h);
    if (!names.has(name) || taken.has(name)) return null;
    taken.add(name);
    return name;
  });
}

/**
 * An import's `columns`: every mapped header renamed to its dataset column
 * (explicit, so the job does what the screen shows); a header the API would
 * match by name but the user left out is dropped.
 */
function importColumns(
  header: readonly string[],
  dataset: DatasetBody,
  mapping: Mapping,
): Record<string, ColumnSpec> {
  const names = new Set(dataset.columns.map((c) => c.name));
  const specs: Record<string, ColumnSpec> = {};
  header.forEach((h, i) => {
    const target = mapping[i] ?? null;
    if (target !== null) specs[h] = { rename: target };
    else if (names.has(toColumnName(h))) specs[h] = { drop: true };
  });
  return specs;
}

/** The query of POST /v1/previews and POST /v1/jobs for this plan and these options. */
export function jobQuery(plan: JobPlan, options: JobWideOptions): URLSearchParams {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(options)) {
    if (value.trim() !== '') query.set(name, value.trim());
  }
  let columns: Record<string, ColumnSpec>;
  if (plan.type === 'import') {
    query.set('type', 'import');
    query.set('dataset', plan.dataset.name);
    columns = plan.mapping ? importColumns(plan.header, plan.dataset, plan.mapping) : {};
  } else {
    columns = normalizeColumns(plan.columns, plan.choices);
  }
  if (Object.keys(columns).length > 0) query.set('columns', JSON.stringify(columns));
  return query;
}

/** A dataset column a row must have: a key column or a required one. */
export const isNeeded = (dataset: DatasetBody, name: string): boolean =>
  dataset.key.includes(name) || (dataset.columns.find((c) => c.name === name)?.required ?? false);

/** Why this mapping cannot be submitted, for people; null when it can. */
export function mappingProblem(
  header: readonly string[],
  dataset: DatasetBody,
  mapping: Mapping,
): string | null {
  const filledBy = new Map<string, string>();
  for (const [i, target] of mapping.entries()) {
    if (target === null) continue;
    const previous = filledBy.get(target);
    if (previous !== undefined) {
      return `File columns ${previous} and ${header[i]} both go to dataset column ${target}: choose one.`;
    }
    filledBy.set(target, header[i] ?? '');
  }
  const missing = dataset.columns
    .filter((c) => isNeeded(dataset, c.name) && !filledBy.has(c.name))
    .map((c) => `${c.name} (${dataset.key.includes(c.name) ? 'key' : 'required'})`);
  if (missing.length === 0) return null;
  return `Map a file column to ${missing.join(', ')}: dataset ${dataset.name} needs ${
    missing.length === 1 ? 'it' : 'them'
  } in every row.`;
}

/** What the job will be, and why it cannot be submitted yet (an import's mapping, for people). */
export function planJob(
  detected: PreviewBody | null,
  importing: boolean,
  choices: ColumnChoice[],
  dataset: DatasetBody | null,
  mapping: Mapping,
): { plan: JobPlan | null; problem: string | null } {
  if (!detected) return { plan: null, problem: null };
  if (!importing) {
    return { plan: { type: 'normalize', columns: detected.columns, choices }, problem: null };
  }
  if (!dataset) return { plan: null, problem: 'Choose the dataset to import into.' };
  return {
    plan: { type: 'import', header: detected.header, dataset, mapping },
    problem: mappingProblem(detected.header, dataset, mapping),
  };
}
