import { DELIMITER_CANDIDATES, INPUT_ENCODINGS, QUOTE_CANDIDATES } from '@sluice/csv';
import {
  COLUMN_TYPES,
  type ColumnType,
  type DateOrder,
  isColumnType,
  NAME_SPLIT_PARTS,
  type NameSplitPart,
  type SqlType,
} from '@sluice/normalize';
import { z } from 'zod';
import { columnRulesSchema } from './column-rules.ts';

/**
 * What is stored with a job (jobs.options and jobs.columns, jsonb): written
 * by the API at upload, read by every worker for every chunk, shown by
 * GET /v1/jobs/{id}. @sluice/db parses both on write and on read, so a
 * value that does not fit never reaches PostgreSQL, and a stored value that
 * does not fit (written by another version) is a clear error instead of a
 * wrong normalization. Semantic checks (is this a real time zone? a phone
 * region with a numbering plan?) are the API's, with messages for people.
 */

export const columnTypeSchema = z.custom<ColumnType>(
  (value) => typeof value === 'string' && isColumnType(value),
  { message: 'not a column type' },
);

export const dateOrderSchema = z.enum(['DMY', 'MDY', 'YMD']) satisfies z.ZodType<DateOrder>;

/** Options of the normalizers: what @sluice/normalize's NormalizeOptions reads. */
export const normalizationOptionsSchema = z.object({
  /** ISO 3166-1 alpha-2 region for phone numbers without a country code. */
  phoneRegion: z.string().regex(/^[A-Z]{2}$/),
  dateOrder: dateOrderSchema.optional(),
  /** IANA zone for datetimes without an offset. */
  timeZone: z.string().min(1),
  /** BCP 47 locale for numbers; absent: decided per value. */
  locale: z.string().min(1).optional(),
  /** Internationalized e-mail addresses: absent or 'allow' accepts them, 'refuse' reports them. */
  internationalEmail: z.enum(['allow', 'refuse']).optional(),
});
export type NormalizationOptions = z.infer<typeof normalizationOptionsSchema>;

/** How the file was read: the encoding and delimiter, given or detected, and how sure. */
export const dialectSchema = z.object({
  encoding: z.enum(INPUT_ENCODINGS),
  /**
   * 'request', or how it was detected (@sluice/csv's EncodingDecision: 'bom',
   * 'nul-pattern', 'ascii', 'valid-utf8', 'mostly-utf8', 'detector'; jobs
   * stored before used 'not-utf8' too).
   */
  encodingSource: z.string(),
  /** 0..1: how strongly the evidence supports the encoding (absent on older jobs). */
  encodingConfidence: z.number().min(0).max(1).optional(),
  /** What the encoding decision rests on, for people. */
  encodingNote: z.string().optional(),
  delimiter: z.enum(DELIMITER_CANDIDATES),
  /** 'request' or 'detected'. */
  delimiterSource: z.string(),
  delimiterConfidence: z.number().min(0).max(1),
  /** The quote character (absent on jobs stored before it was detected: a double quote). */
  quote: z.enum(QUOTE_CANDIDATES).optional(),
  /** 'request', 'detected' (single quotes found), or 'default' (double quotes). */
  quoteSource: z.enum(['request', 'detected', 'default']).optional(),
  /**
   * Whether the file has a header line: false when the column names were
   * generated (column_1, ...) because its first row is data or the request
   * said header=false. Absent on older jobs (true).
   */
  hasHeader: z.boolean().optional(),
  /** 'request' (header=true|false) or 'detected'. */
  headerSource: z.enum(['request', 'detected']).optional(),
  /**
   * Lines above the header that were skipped (a title, a date, blank lines);
   * row numbers stay the file's own lines. Absent when none were.
   */
  skippedLines: z.number().int().min(1).optional(),
  /** The container the file came in, read as CSV: a gzip-compressed file or an Excel workbook. */
  container: z.enum(['gzip', 'xlsx']).optional(),
  /** Workbooks: the sheet that was read. */
  sheet: z.string().optional(),
});
export type Dialect = z.infer<typeof dialectSchema>;

export const storedJobOptionsSchema = normalizationOptionsSchema.extend({ dialect: dialectSchema });
export type StoredJobOptions = z.infer<typeof storedJobOptionsSchema>;

/**
 * Most bytes (UTF-8) of one row's key values together in an import. The key
 * is the dataset table's primary key, a btree whose entries PostgreSQL caps
 * at 2704 bytes (a third of a page, minus headers): one longer key would
 * fail the whole import's merge. Workers reject such a row alone
 * (`key_too_long`); the margin covers per-value headers and alignment.
 */
export const MAX_KEY_BYTES = 2000;

/** A column of a job's input as the job treats it (decided over the whole file at upload). */
export const storedJobColumnSchema = z.object({
  name: z.string(),
  type: columnTypeSchema,
  required: z.boolean(),
  /** Output header when the request renamed the column. */
  outputName: z.string().optional(),
  /** How the type was decided, and how sure (1 for a type given in the request). */
  source: z.enum(['request', 'header', 'values', 'default']).optional(),
  confidence: z.number().min(0).max(1).optional(),
  /** Date columns: the day/month order decided for the column, and how. */
  dateOrder: dateOrderSchema.optional(),
  dateOrderSource: z
    .enum(['request', 'job', 'values', 'undecided', 'conflicting'])
    .optional()
    .meta({
      description:
        'How the order was decided. undecided: no value proves one; conflicting: values prove both day-first and month-first and neither the job hint nor the counts settle it. Without dateOrder, values that read either way are ambiguous_date.',
    }),
  /**
   * Number columns whose values prove both '.' and ',' as the decimal
   * separator (no job locale): values such as 1.234 are ambiguous_number.
   */
  separatorDoubt: z.boolean().optional().meta({
    description:
      "Number columns whose values prove both '.' and ',' as the decimal separator (no job locale): values such as 1.234 or 1,234 are ambiguous_number.",
  }),
  /** Anything undecided, for the job report. */
  note: z.string().optional(),
  /** Import jobs: the dataset column this file column fills (absent: not imported). */
  target: z.string().optional(),
  /** Import jobs: the column fills a column of the dataset's key (see MAX_KEY_BYTES). */
  key: z.boolean().optional(),
  /**
   * The request dropped the column (`drop`): it is not normalized, has no
   * value in the chunk outputs and no place in result.csv or an import.
   */
  dropped: z.boolean().optional(),
  /**
   * Validation rules of the column, one set per source (its dataset column's,
   * then the request's), all applied by workers to the normalized values.
   */
  rules: z.array(columnRulesSchema).optional(),
  /**
   * Name columns (`split` in the request): the name's first, middle, last
   * and suffix are written too, each as a column of its own right after it
   * (outputColumns, writtenColumn).
   */
  split: z.boolean().optional(),
  /** Import jobs: the dataset column each written part fills (absent: not imported). */
  partTargets: z.partialRecord(z.enum(NAME_SPLIT_PARTS), z.string()).optional(),
  /** Import jobs: the parts whose dataset column is required or in the key (an empty one rejects its row). */
  requiredParts: z.array(z.enum(NAME_SPLIT_PARTS)).optional(),
});
export type StoredJobColumn = z.infer<typeof storedJobColumnSchema>;
export const storedJobColumnsSchema = z.array(storedJobColumnSchema);

/**
 * The columns a job writes, in input order, each with its position in the
 * input record: every column but the dropped ones, and after a split name
 * column its parts (`part`: first, middle, last, suffix, read from the same
 * field). The chunk outputs, the result.csv header and an import's staging
 * table all follow this one list, so the three cannot disagree on which
 * value is which.
 */
export function outputColumns<
  C extends { dropped?: boolean | undefined; split?: boolean | undefined },
>(columns: readonly C[]): Array<{ column: C; field: number; part?: NameSplitPart }> {
  return columns.flatMap((column, field) => {
    if (column.dropped === true) return [];
    if (column.split !== true) return [{ column, field }];
    return [{ column, field }, ...NAME_SPLIT_PARTS.map((part) => ({ column, field, part }))];
  });
}

/** The output header of a split name's part: `<the name column's output name>_<part>`. */
export function partOutputName(outputName: string, part: NameSplitPart): string {
  return `${outputName}_${part}`;
}

/**
 * The column an entry of outputColumns writes: the column itself, or for a
 * name part a column of its own (named partOutputName, required only when
 * its dataset column is, never a key, filling its part's dataset column),
 * whose `part` tells the row normalizer to write that part of the name.
 */
export function writtenColumn<
  C extends {
    name: string;
    outputName?: string | undefined;
    required: boolean;
    key?: boolean | undefined;
    target?: string | undefined;
    split?: boolean | undefined;
    partTargets?: Partial<Record<NameSplitPart, string>> | undefined;
    requiredParts?: readonly NameSplitPart[] | undefined;
    rules?: unknown;
  },
>(entry: { column: C; part?: NameSplitPart | undefined }): C & { part?: NameSplitPart } {
  const { column, part } = entry;
  if (part === undefined) return column;
  const name = partOutputName(column.outputName ?? column.name, part);
  return {
    ...column,
    name,
    outputName: name,
    required: column.requiredParts?.includes(part) ?? false,
    key: undefined,
    target: column.partTargets?.[part],
    split: undefined,
    partTargets: undefined,
    requiredParts: undefined,
    // The name column's validation rules are its own, not its parts'.
    rules: undefined,
    part,
  };
}

/**
 * The PostgreSQL type a dataset column of this type is stored as: a fact of
 * the column type (its registry definition), named here for @sluice/db,
 * which builds dataset tables and casts imports with it.
 */
export function sqlTypeOf(type: ColumnType): SqlType {
  return COLUMN_TYPES[type].sqlType;
}

/** A dataset column as declared (datasets.columns, jsonb). */
export const storedDatasetColumnSchema = z.object({
  name: z.string(),
  type: columnTypeSchema,
  required: z.boolean(),
  /** Validation rules every import into the dataset applies to this column. */
  rules: columnRulesSchema.optional(),
});
export type StoredDatasetColumn = z.infer<typeof storedDatasetColumnSchema>;
export const storedDatasetColumnsSchema = z.array(storedDatasetColumnSchema);
