import { partOutputName } from '@sluice/contract';
import type { DatasetView } from '@sluice/db';
import {
  type ColumnRequest,
  type ColumnType,
  NAME_SPLIT_PARTS,
  type NameSplitPart,
} from '@sluice/normalize';
import { HttpProblem } from '../http/problem.ts';

/** How a header name matches a dataset column by default: `First Name` -> `first_name`. */
export function toColumnName(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export interface DatasetMapping {
  /** Column requests for the profiler: mapped columns get the dataset's type and required flag. */
  requests: Record<string, ColumnRequest>;
  /** Per header position, the dataset column it fills (undefined: not imported). */
  targets: Array<string | undefined>;
  /**
   * Per header position, for a split name: the dataset column each of its
   * parts fills, the one named like the part's output column
   * (`name_first`); parts without one are not imported.
   */
  partTargets: Array<Partial<Record<NameSplitPart, string>> | undefined>;
  /** Per header position, for a split name: its parts whose dataset column is required or a key. */
  requiredParts: Array<NameSplitPart[] | undefined>;
}

/**
 * Maps a file's header onto a dataset: a column named in the request with
 * `rename` goes to that dataset column; otherwise a header matches the
 * dataset column of the same name (case, spaces and punctuation aside).
 * Header columns that match nothing are normalized but not imported; a
 * dropped column (`drop`) fills nothing, whatever its name. Every
 * key column and every required dataset column must be present, and the
 * dataset's types win over any type in the request, which would contradict
 * the table's declared type.
 */
export function mapToDataset(
  headerNames: readonly string[],
  requested: Record<string, ColumnRequest>,
  dataset: DatasetView,
): DatasetMapping {
  const byName = new Map(dataset.columns.map((c) => [c.name, c]));
  // Requested names match headers case-insensitively, as in the profiler.
  const byHeader = new Map(Object.entries(requested).map(([k, v]) => [k.toLowerCase(), v]));
  const headers = new Set(headerNames.map((h) => h.toLowerCase()));
  // Requests for names the header lacks stay in, so the profiler reports them.
  // No prototype: a column named __proto__ is an entry like any other.
  const requests: Record<string, ColumnRequest> = Object.create(null);
  for (const [name, request] of Object.entries(requested)) {
    if (!headers.has(name.toLowerCase())) requests[name] = request;
  }
  const targets: Array<string | undefined> = [];
  const partTargets: DatasetMapping['partTargets'] = [];
  const requiredParts: DatasetMapping['requiredParts'] = [];
  const filledBy = new Map<string, string>();
  /** Dataset column -> the dropped header that would have filled it by name. */
  const droppedFor = new Map<string, string>();
  for (const header of headerNames) {
    const request = byHeader.get(header.toLowerCase());
    if (request?.drop === true) {
      const byOwnName = byName.get(toColumnName(header));
      if (byOwnName && !droppedFor.has(byOwnName.name)) droppedFor.set(byOwnName.name, header);
      requests[header] = request;
      targets.push(undefined);
      partTargets.push(undefined);
      requiredParts.push(undefined);
      continue;
    }
    const wanted = request?.rename ?? toColumnName(header);
    const column = byName.get(wanted);
    const parts =
      request?.split === true
        ? splitTargets(header, column?.name ?? request.rename ?? header, filledBy, dataset)
        : undefined;
    partTargets.push(parts);
    const needed = NAME_SPLIT_PARTS.filter((part) => {
      const target = parts?.[part];
      return target !== undefined && (byName.get(target)?.required || dataset.key.includes(target));
    });
    requiredParts.push(needed.length > 0 ? needed : undefined);
    if (!column) {
      if (request?.rename !== undefined) {
        throw new HttpProblem(
          'unknown_dataset_column',
          `Column ${JSON.stringify(header)} is renamed to ${JSON.stringify(request.rename)}, which dataset ${dataset.name} does not have.`,
          { extra: { column: header, dataset: dataset.name } },
        );
      }
      if (request) requests[header] = request;
      targets.push(undefined);
      continue;
    }
    const previous = filledBy.get(column.name);
    if (previous !== undefined) {
      throw new HttpProblem(
        'duplicate_dataset_column',
        `Columns ${JSON.stringify(previous)} and ${JSON.stringify(header)} both map to dataset column ${column.name}; rename one of them.`,
        { extra: { columns: [previous, header], target: column.name } },
      );
    }
    if (request?.type !== undefined && request.type !== column.type) {
      throw new HttpProblem(
        'type_conflict',
        `Column ${JSON.stringify(header)} is requested as ${request.type}, but dataset column ${column.name} is ${column.type}.`,
        { extra: { column: header, target: column.name } },
      );
    }
    filledBy.set(column.name, header);
    targets.push(column.name);
    if (request?.split === true && column.type !== 'name') {
      throw new HttpProblem(
        'type_conflict',
        `Column ${JSON.stringify(header)} is split as a person name, but dataset column ${column.name} is ${column.type}.`,
        { extra: { column: header, target: column.name } },
      );
    }
    requests[header] = {
      type: column.type as ColumnType,
      required: column.required || dataset.key.includes(column.name),
      rename: column.name,
      ...(request?.split === true ? { split: true } : {}),
    };
  }
  const missing = dataset.columns
    .filter((c) => (c.required || dataset.key.includes(c.name)) && !filledBy.has(c.name))
    .map((c) => c.name);
  const dropped = missing.flatMap((name) => {
    const header = droppedFor.get(name);
    return header === undefined ? [] : [{ header, name }];
  });
  if (dropped.length > 0) {
    const { header, name } = dropped[0]!;
    throw new HttpProblem(
      'missing_dataset_column',
      `Column ${JSON.stringify(header)} is dropped, but dataset ${dataset.name} needs it for its ${dataset.key.includes(name) ? 'key' : 'required'} column ${name}. Keep the column (no "drop"), or map another column to ${name} with columns={"Header":{"rename":"${name}"}}.`,
      { extra: { missing, dataset: dataset.name, dropped: dropped.map((d) => d.header) } },
    );
  }
  if (missing.length > 0) {
    throw new HttpProblem(
      'missing_dataset_column',
      `The file has no column for ${missing.join(', ')} (required by dataset ${dataset.name}). Name the header like the dataset column or map it with columns={"Header":{"rename":"${missing[0]}"}}.`,
      { extra: { missing, dataset: dataset.name } },
    );
  }
  return { requests, targets, partTargets, requiredParts };
}

/**
 * The dataset columns a split name's parts fill: each part's output column
 * (`<output name>_first`, ...) matched by name like a header; each is then
 * filled, so that no other column may fill it too.
 */
function splitTargets(
  header: string,
  outputName: string,
  filledBy: Map<string, string>,
  dataset: DatasetView,
): Partial<Record<NameSplitPart, string>> | undefined {
  const names = new Set(dataset.columns.map((c) => c.name));
  const found: Partial<Record<NameSplitPart, string>> = {};
  for (const part of NAME_SPLIT_PARTS) {
    const target = toColumnName(partOutputName(outputName, part));
    if (!names.has(target)) continue;
    const previous = filledBy.get(target);
    if (previous !== undefined) {
      throw new HttpProblem(
        'duplicate_dataset_column',
        `Columns ${JSON.stringify(previous)} and ${JSON.stringify(header)} (its ${part} name) both map to dataset column ${target}; rename one of them.`,
        { extra: { columns: [previous, header], target } },
      );
    }
    filledBy.set(target, header);
    found[part] = target;
  }
  return Object.keys(found).length > 0 ? found : undefined;
}
