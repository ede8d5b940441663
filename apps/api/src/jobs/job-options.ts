import {
  dateOrderSchema,
  type JobType,
  jobOptionsInputSchema,
  type NormalizationOptions,
  normalizeOptionsInputShape,
} from '@sluice/contract';
import {
  DELIMITER_CANDIDATES,
  type Delimiter,
  INPUT_ENCODINGS,
  type InputEncoding,
  inputEncodingOf,
  type Quote,
} from '@sluice/csv';
import {
  type ColumnRequest,
  type ColumnType,
  type DateOrderHint,
  dateOrderHint,
  isColumnType,
  isSupportedPhoneRegion,
} from '@sluice/normalize';
import type { Request } from 'express';
import { z } from 'zod';
import { HttpProblem } from '../http/problem.ts';
import { requireStorableJson } from '../http/storable-text.ts';
import { readColumnRules } from '../rules/rule-declaration.ts';

/** What the client asked for; anything absent is detected from the file. */
export interface JobRequest {
  type: JobType;
  /** Import jobs: the dataset's name (the route checks it exists). */
  dataset?: string | undefined;
  /** Import jobs: compute what the merge would do and write nothing (promotable later). */
  dryRun?: boolean | undefined;
  /** Stored with the job (with the dialect) as @sluice/contract says. */
  options: NormalizationOptions;
  /**
   * What the locale or the region the client gave (never the default
   * region) suggests for day/month order: weighs conflicting date evidence.
   */
  dateOrderHint?: DateOrderHint | undefined;
  columns: Record<string, ColumnRequest>;
  delimiter?: Delimiter | undefined;
  encoding?: InputEncoding | undefined;
  quote?: Quote | undefined;
  /** true: the file has a header line; false: it has none (names generated); absent: detected. */
  header?: boolean | undefined;
  /** Workbooks: the sheet to read (absent: the first). */
  sheet?: string | undefined;
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

/**
 * Every option arrives as one string (a query parameter, a form field, a
 * JSON string): anything else (a repeated parameter, a JSON object or
 * number) is refused by the contract's schemas, before any of it is
 * converted or compared, so no value can reach String() or toUpperCase() as
 * something else. The same schemas describe the options in the OpenAPI document.
 */
const normalizeOptionsShape = normalizeOptionsInputShape;
/** POST /v1/normalize's `options` object: only these names, each a string. */
const normalizeOptionsInput = z.strictObject(normalizeOptionsShape);
/** POST /v1/jobs' options (other query parameters, such as filename, are not options). */
const jobOptionsInput = jobOptionsInputSchema;
const JOB_OPTION_NAMES = Object.keys(jobOptionsInput.shape) as Array<
  keyof typeof jobOptionsInput.shape
>;

/** One column's request in `columns`: a type name or an object of these fields. */
const columnSpecInput = z.union([
  z.string(),
  z.strictObject({
    type: z.string().optional(),
    required: z.boolean().optional(),
    rename: z.string().optional(),
    drop: z.boolean().optional(),
    // Checked apart (readColumnRules), for messages that name the rule.
    rules: z.unknown().optional(),
    split: z.boolean().optional(),
  }),
]);

function describeInput(value: unknown): string {
  if (Array.isArray(value)) return 'a list (a repeated parameter?)';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The input as `schema` says, or invalid_option naming the first thing wrong. */
function parseInput<T>(schema: z.ZodType<T>, input: unknown, where: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    throw invalid(
      `${where} has no option ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}; the options are ${Object.keys(normalizeOptionsShape).join(', ')}.`,
    );
  }
  if (issue.path.length === 0) throw invalid(`${where} must be a JSON object.`);
  let value: unknown = input;
  for (const step of issue.path) value = (value as Record<PropertyKey, unknown>)?.[step];
  throw invalid(
    `${issue.path.map(String).join('.')} must be given once, as a string, not as ${describeInput(value)}.`,
  );
}

function parseColumns(raw: string | undefined): Record<string, ColumnRequest> {
  if (raw === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalid(
      'columns must be a JSON object such as {"Mobile":"phone","DOB":{"type":"date","required":true,"rename":"birth_date"},"Notes":{"drop":true}}.',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid('columns must be a JSON object keyed by header name.');
  }
  // Header names and rename targets are stored with the job.
  requireStorableJson(parsed, 'columns');
  // No prototype: a column named __proto__ or constructor is an entry like
  // any other (the profiler then reports it unknown), never a prototype.
  const columns: Record<string, ColumnRequest> = Object.create(null);
  for (const [name, spec] of Object.entries(parsed)) {
    const checked = columnSpecInput.safeParse(spec);
    if (!checked.success) {
      throw invalid(
        `columns.${name} must be a type name or an object with type (a type name), required (true or false), rename (a name), rules (validation rules), split (true, with type name) or drop (true).`,
      );
    }
    const request = typeof checked.data === 'string' ? { type: checked.data } : checked.data;
    if (request.drop === true) {
      // A dropped column is not in the output: a type, rename or required
      // flag for it would be silently meaningless, so the request is refused.
      const others = (['type', 'required', 'rename', 'rules', 'split'] as const).filter(
        (field) => request[field] !== undefined,
      );
      if (others.length > 0) {
        throw invalid(
          `columns.${name} drops the column, so it cannot also set ${others.join(', ')}: a dropped column is not normalized and not in the output. Give either {"drop":true} or the other fields.`,
        );
      }
      columns[name] = { drop: true };
      continue;
    }
    if (request.type !== undefined && !isColumnType(request.type)) {
      throw invalid(`columns.${name}: unknown type ${JSON.stringify(request.type)}.`);
    }
    if (request.rename !== undefined && request.rename.trim() === '') {
      throw invalid(`columns.${name}.rename must be a non-empty string.`);
    }
    // Only a person name has parts: the type is asked for, never inferred.
    if (request.split === true && request.type !== 'name') {
      throw invalid(
        `columns.${name}.split writes a person name's first, middle, last and suffix: it needs "type":"name" in the same object.`,
      );
    }
    const type = request.type as ColumnType | undefined;
    columns[name] = {
      type,
      required: request.required,
      rename: request.rename?.trim(),
      rules:
        request.rules === undefined
          ? undefined
          : readColumnRules(request.rules, { name, type }, `columns.${name}`),
      ...(request.split === true ? { split: true } : {}),
    };
  }
  return columns;
}

const isDelimiter = (d: string): d is Delimiter =>
  (DELIMITER_CANDIDATES as readonly string[]).includes(d);

type NormalizeOptionsInput = z.infer<typeof normalizeOptionsInput>;

/** POST /v1/normalize's `options` (absent: the defaults), validated like a job's. */
export function readNormalizeOptionsBody(raw: unknown): NormalizationOptions {
  return readNormalizeOptions(parseInput(normalizeOptionsInput, raw ?? {}, 'options'));
}

/** Normalization options (shared by jobs and POST /v1/normalize), validated. */
function readNormalizeOptions(input: NormalizeOptionsInput): NormalizationOptions {
  const phoneRegion = (input.phoneRegion ?? 'US').toUpperCase();
  if (!isSupportedPhoneRegion(phoneRegion)) {
    throw invalid(
      `phoneRegion must be a two-letter country code with a phone numbering plan, such as US, not ${JSON.stringify(phoneRegion)}.`,
    );
  }
  const rawDateOrder = input.dateOrder?.toUpperCase();
  const dateOrder =
    rawDateOrder === undefined ? undefined : dateOrderSchema.safeParse(rawDateOrder).data;
  if (rawDateOrder !== undefined && dateOrder === undefined) {
    throw invalid(`dateOrder must be one of ${dateOrderSchema.options.join(', ')}.`);
  }
  const timeZone = input.timeZone ?? 'UTC';
  if (!isTimeZone(timeZone))
    throw invalid(
      `timeZone must be an IANA time zone such as Europe/Berlin, not ${JSON.stringify(timeZone)}.`,
    );
  const locale = input.locale;
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
  const internationalEmail = input.internationalEmail?.toLowerCase();
  if (
    internationalEmail !== undefined &&
    internationalEmail !== 'allow' &&
    internationalEmail !== 'refuse'
  ) {
    throw invalid(
      `internationalEmail must be allow or refuse, not ${JSON.stringify(input.internationalEmail)}.`,
    );
  }
  return { phoneRegion, dateOrder, timeZone, locale, internationalEmail };
}

/**
 * Reads job options from the query string and multipart fields (fields win).
 * Every option is validated here, so a job never starts with one it cannot use.
 */
export function readJobRequest(
  query: Request['query'],
  fields: Record<string, string>,
): JobRequest {
  // Form fields (strings) win over the query; each option present once.
  const raw: Record<string, unknown> = {};
  for (const name of JOB_OPTION_NAMES) {
    const value = Object.hasOwn(fields, name) ? fields[name] : query[name];
    if (value !== undefined) raw[name] = value;
  }
  const input = parseInput(jobOptionsInput, raw, 'The options');
  requireStorableJson(input, '');
  const pick = (name: keyof typeof input) => input[name];
  const type = pick('type') ?? (pick('dataset') !== undefined ? 'import' : 'normalize');
  if (type !== 'normalize' && type !== 'import')
    throw invalid(`type must be 'normalize' or 'import', not ${JSON.stringify(type)}.`);
  const dataset = pick('dataset');
  if (type === 'import' && dataset === undefined)
    throw invalid('An import job needs dataset=<name>: the dataset its rows are upserted into.');
  if (type === 'normalize' && dataset !== undefined)
    throw invalid('dataset is only for import jobs (type=import).');
  const rawDryRun = pick('dryRun');
  if (rawDryRun !== undefined && rawDryRun !== 'true' && rawDryRun !== 'false')
    throw invalid(`dryRun must be true or false, not ${JSON.stringify(rawDryRun)}.`);
  const dryRun = rawDryRun === 'true';
  if (dryRun && type !== 'import')
    throw invalid('dryRun is only for import jobs (type=import): it previews their merge.');
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
  const options = readNormalizeOptions(input);
  const region = input.phoneRegion === undefined ? undefined : options.phoneRegion;
  return {
    type,
    dataset,
    ...(dryRun ? { dryRun } : {}),
    options,
    dateOrderHint: dateOrderHint({ locale: options.locale, region }),
    columns: parseColumns(pick('columns')),
    delimiter,
    encoding,
    ...readLayoutOptions(pick('quote'), pick('header'), pick('sheet')),
  };
}

const QUOTE_NAMES = new Map<string, Quote>([
  ['"', '"'],
  ["'", "'"],
  ['double', '"'],
  ['single', "'"],
]);
const HEADER_VALUES = new Map([
  ['true', true],
  ['false', false],
]);

/** quote, header and sheet: how the file is laid out, when the client knows better than detection. */
function readLayoutOptions(
  rawQuote: string | undefined,
  rawHeader: string | undefined,
  sheet: string | undefined,
): Pick<JobRequest, 'quote' | 'header' | 'sheet'> {
  const quote = rawQuote === undefined ? undefined : QUOTE_NAMES.get(rawQuote.toLowerCase());
  if (rawQuote !== undefined && quote === undefined) {
    throw invalid(
      `quote must be " (double, the default) or ' (single), not ${JSON.stringify(rawQuote)}.`,
    );
  }
  const header = rawHeader === undefined ? undefined : HEADER_VALUES.get(rawHeader.toLowerCase());
  if (rawHeader !== undefined && header === undefined) {
    throw invalid(`header must be true or false, not ${JSON.stringify(rawHeader)}.`);
  }
  if (sheet !== undefined && sheet.trim() === '') throw invalid('sheet must name a sheet.');
  return { quote, header, sheet };
}
