import { dateOrderSchema, type JobType, type NormalizationOptions } from '@sluice/contract';
import {
  DELIMITER_CANDIDATES,
  type Delimiter,
  INPUT_ENCODINGS,
  type InputEncoding,
  inputEncodingOf,
} from '@sluice/csv';
import { type ColumnRequest, isColumnType, isSupportedPhoneRegion } from '@sluice/normalize';
import type { Request } from 'express';
import { HttpProblem } from '../http/problem.ts';

/** What the client asked for; anything absent is detected from the file. */
export interface JobRequest {
  type: JobType;
  /** Import jobs: the dataset's name (the route checks it exists). */
  dataset?: string | undefined;
  /** Stored with the job (with the dialect) as @sluice/contract says. */
  options: NormalizationOptions;
  columns: Record<string, ColumnRequest>;
  delimiter?: Delimiter | undefined;
  encoding?: InputEncoding | undefined;
}

const DELIMITER_NAMES: Record<string, string> = {
  comma: ',',
  semicolon: ';',
  tab: '\t',
  pipe: '|',
  '\\t': '\t',
};

function invalid(detail: string): HttpProblem {
  return new HttpProblem('invalid_option', detail);
}

/**
 * Zones already found valid. Building an Intl.DateTimeFormat to validate one
 * cost ~7% of the API's CPU per small submission (enqueue benchmark); the
 * set of real zones is small (~600), and the cap keeps junk from growing it.
 */
const knownZones = new Set<string>(['UTC']);
const MAX_KNOWN_ZONES = 2000;

export function isTimeZone(zone: string): boolean {
  if (knownZones.has(zone)) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    return false;
  }
  if (knownZones.size < MAX_KNOWN_ZONES) knownZones.add(zone);
  return true;
}

function parseColumns(raw: string | undefined): Record<string, ColumnRequest> {
  if (raw === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalid(
      'columns must be a JSON object such as {"Mobile":"phone","DOB":{"type":"date","required":true,"rename":"birth_date"}}.',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid('columns must be a JSON object keyed by header name.');
  }
  const columns: Record<string, ColumnRequest> = {};
  for (const [name, spec] of Object.entries(parsed as Record<string, unknown>)) {
    const request: ColumnRequest =
      typeof spec === 'string' ? { type: spec as ColumnRequest['type'] } : (spec as ColumnRequest);
    if (typeof request !== 'object' || request === null)
      throw invalid(`columns.${name} must be a type name or an object.`);
    if (request.type !== undefined && !isColumnType(String(request.type))) {
      throw invalid(`columns.${name}: unknown type ${JSON.stringify(request.type)}.`);
    }
    if (request.required !== undefined && typeof request.required !== 'boolean') {
      throw invalid(`columns.${name}.required must be true or false.`);
    }
    if (
      request.rename !== undefined &&
      (typeof request.rename !== 'string' || request.rename.trim() === '')
    ) {
      throw invalid(`columns.${name}.rename must be a non-empty string.`);
    }
    columns[name] = {
      type: request.type,
      required: request.required,
      rename: request.rename?.trim(),
    };
  }
  return columns;
}

type Pick = (name: string) => string | undefined;

const isDelimiter = (d: string): d is Delimiter =>
  (DELIMITER_CANDIDATES as readonly string[]).includes(d);

/** Normalization options (shared by jobs and POST /v1/normalize), validated. */
export function readNormalizeOptions(pick: Pick): NormalizationOptions {
  const phoneRegion = (pick('phoneRegion') ?? 'US').toUpperCase();
  if (!isSupportedPhoneRegion(phoneRegion)) {
    throw invalid(
      `phoneRegion must be a two-letter country code with a phone numbering plan, such as US, not ${JSON.stringify(phoneRegion)}.`,
    );
  }
  const rawDateOrder = pick('dateOrder')?.toUpperCase();
  const dateOrder =
    rawDateOrder === undefined ? undefined : dateOrderSchema.safeParse(rawDateOrder).data;
  if (rawDateOrder !== undefined && dateOrder === undefined) {
    throw invalid(`dateOrder must be one of ${dateOrderSchema.options.join(', ')}.`);
  }
  const timeZone = pick('timeZone') ?? 'UTC';
  if (!isTimeZone(timeZone))
    throw invalid(
      `timeZone must be an IANA time zone such as Europe/Berlin, not ${JSON.stringify(timeZone)}.`,
    );
  const locale = pick('locale');
  if (locale !== undefined) {
    let supported = false;
    try {
      supported = Intl.NumberFormat.supportedLocalesOf([locale]).length > 0;
    } catch {
      supported = false;
    }
    if (!supported)
      throw invalid(
        `locale must be a BCP 47 locale such as en-US or de, not ${JSON.stringify(locale)}.`,
      );
  }
  return { phoneRegion, dateOrder, timeZone, locale };
}

/**
 * Reads job options from the query string and multipart fields (fields win).
 * Every option is validated here, so a job never starts with one it cannot use.
 */
export function readJobRequest(
  query: Request['query'],
  fields: Record<string, string>,
): JobRequest {
  const pick: Pick = (name) =>
    fields[name] ?? (typeof query[name] === 'string' ? (query[name] as string) : undefined);
  const type = pick('type') ?? (pick('dataset') !== undefined ? 'import' : 'normalize');
  if (type !== 'normalize' && type !== 'import')
    throw invalid(`type must be 'normalize' or 'import', not ${JSON.stringify(type)}.`);
  const dataset = pick('dataset');
  if (type === 'import' && dataset === undefined)
    throw invalid('An import job needs dataset=<name>: the dataset its rows are upserted into.');
  if (type === 'normalize' && dataset !== undefined)
    throw invalid('dataset is only for import jobs (type=import).');
  const rawDelimiter = pick('delimiter');
  const delimiter =
    rawDelimiter === undefined ? undefined : (DELIMITER_NAMES[rawDelimiter] ?? rawDelimiter);
  if (delimiter !== undefined && !isDelimiter(delimiter)) {
    throw invalid('delimiter must be one of: comma (,), semicolon (;), tab, pipe (|).');
  }
  // Any label of an encoding Sluice reads (latin1, cp1252, sjis, ...).
  const rawEncoding = pick('encoding');
  const encoding = rawEncoding === undefined ? undefined : inputEncodingOf(rawEncoding);
  if (rawEncoding !== undefined && encoding === undefined) {
    throw invalid(
      `encoding must be one of ${INPUT_ENCODINGS.join(', ')} (or another name of one).`,
    );
  }
  return {
    type,
    dataset,
    options: readNormalizeOptions(pick),
    columns: parseColumns(pick('columns')),
    delimiter,
    encoding,
  };
}
