import type { DateOrder } from './column-type.ts';
import {
  type DateOrderEvidence,
  type DateOrderHint,
  decideDateOrder,
  noDateOrderEvidence,
} from './date-order-decision.ts';
import { inferColumnType } from './infer.ts';
import { COLUMN_TYPE_NAMES, COLUMN_TYPES, type ColumnType } from './registry.ts';
import type { ColumnSpec } from './row.ts';
import type { ColumnRules } from './rules/declaration.ts';
import { type DateOrderProof, dateOrderProof } from './types/date.ts';
import { dateOrderProofBytes } from './types/date-order-bytes.ts';
import {
  decimalEvidence,
  decimalEvidenceBytes,
  type SeparatorEvidence,
  separatorDoubt,
} from './types/number-evidence.ts';

/** What a request may say about one input column. */
export interface ColumnRequest {
  type?: ColumnType | undefined;
  required?: boolean | undefined;
  /** Name of the column in the output. */
  rename?: string | undefined;
  /** Leave the column out: not normalized, not in the output (never with the fields above). */
  drop?: boolean | undefined;
  /** Validation rules (not the profiler's business: carried to the job's stored columns). */
  rules?: ColumnRules | undefined;
  /** Name columns: also write the name's first/middle/last/suffix parts (types/name-split.ts). */
  split?: boolean | undefined;
}

/** A column as a job will treat it, with how its type was decided. */
export interface ProfiledColumn extends ColumnSpec {
  /** Output header (the input name unless renamed). */
  outputName: string;
  /**
   * True when the request drops the column: it is not normalized and not in
   * the output (absent otherwise). Its type is still inferred, for people
   * deciding whether to keep it.
   */
  dropped?: true | undefined;
  source: 'request' | 'header' | 'values' | 'default';
  /**
   * 0..1: 1 for a type given in the request (or text by default); for a
   * type named by the header or picked by values, the share of sampled
   * non-blank values that look like it (a header type whose values cannot be
   * checked, or that has none sampled, keeps HEADER_PRIOR and says so in notes).
   */
  confidence: number;
  /** What the type decision rests on, for people (the job stores only `note`). */
  notes: string[];
  /** Name columns whose parts are written too (the request's `split`). */
  split?: true | undefined;
  /**
   * Number, integer and currency columns whose values prove both '.' and
   * ',' as the decimal separator (no job locale): values such as 1.234 are
   * ambiguous_number (types/number-evidence.ts).
   */
  separatorDoubt?: true | undefined;
  /** For date columns: how the day/month order was decided. */
  dateOrderSource?: 'request' | 'job' | 'values' | 'undecided' | 'conflicting' | undefined;
  /** Human-readable note on anything undecided, for the job report. */
  note?: string | undefined;
}

/** Rows sampled for inference by values. */
const SAMPLE_ROWS = 1000;
/**
 * ...and at most this many characters of sampled values: a row may be up to
 * MAX_RECORD_BYTES (1 MB by default), so 1,000 rows of wide text could hold
 * hundreds of megabytes in the API while the upload streams (a 98 MB upload
 * peaked at 254 MB RSS). Typing by values needs short values anyway.
 */
const SAMPLE_CHARS = 1 << 20;
/** Share of non-blank sampled values that must look like a type to infer it. */
const VALUE_THRESHOLD = 0.8;
/**
 * Confidence in a header synonym that no sampled value can confirm or
 * contradict (a type without a value shape, or a column without values): the
 * header rule alone, deliberately below any type given in the request.
 */
const HEADER_PRIOR = 0.9;
/** Types that value sampling may pick (the ones with a reliable shape). */
const SAMPLED_TYPES = COLUMN_TYPE_NAMES.filter((t) => COLUMN_TYPES[t].looksLike !== undefined);
/** Types whose decimal separator is weighed over the whole column (percent always reads decimals). */
const SEPARATOR_TYPES: ReadonlySet<ColumnType> = new Set(['number', 'integer', 'currency']);

/** What a column of ColumnProfiler.readsFields is read for. */
const DATE_EVIDENCE = 1;
const SEPARATOR_EVIDENCE = 2;

/** What the job says that weighs the evidence. */
export interface ProfilerHints {
  /** The job's locale or given region on day/month order (date-order-decision.ts). */
  dateOrderHint?: DateOrderHint | undefined;
  /** The job's number locale: it reads every separator, nothing to weigh. */
  locale?: string | undefined;
}

/**
 * Decides each column's type (request > header synonym > value sampling >
 * text) and, for date columns, the day/month order from the WHOLE column: a
 * single 25/12/1970 settles every 03/04 in the file, while day-first and
 * month-first values together leave the 03/04 ones ambiguous unless the
 * job's hint or the counts settle it (date-order-decision.ts). Being made
 * over the whole upload, the decision is one for every chunk (the job's
 * plan, packages/db chunk-plans.ts). Fed record by record as
 * the upload streams; keeps only counters and a sample bounded in rows and characters.
 */
export class ColumnProfiler {
  private readonly names: readonly string[];
  private readonly requested: ReadonlyMap<number, ColumnRequest>;
  private readonly jobDateOrder: DateOrder | undefined;
  private readonly samples: string[][];
  private sampled = 0;
  private sampledChars = 0;
  /** Columns whose date evidence is collected over every row (decided after sampling). */
  private dateColumns: number[] = [];
  private readonly evidence = new Map<number, DateOrderEvidence>();
  private readonly hints: ProfilerHints;
  /** Number columns whose separators are weighed over every row (decided after sampling). */
  private numberColumns: number[] = [];
  /** The date and number columns together: what add() reads after sampling. */
  private wholeColumns: number[] | undefined;
  private readonly separators = new Map<number, SeparatorEvidence>();
  /** What each column of wholeColumns is read for, by index (DATE_EVIDENCE, SEPARATOR_EVIDENCE). */
  private readonly wholeKinds: number[] = [];

  /**
   * `hints`: what the job's locale or region suggests for day and month
   * (dateOrderHint in date-order-decision.ts; it weighs conflicting
   * evidence, never decides alone), and its number locale.
   */
  constructor(
    names: readonly string[],
    requested: Readonly<Record<string, ColumnRequest>>,
    jobDateOrder?: DateOrder,
    hints: ProfilerHints = {},
  ) {
    this.hints = hints;
    this.names = names;
    const byName = new Map<string, number>(names.map((n, i) => [n.toLowerCase(), i]));
    const map = new Map<number, ColumnRequest>();
    for (const [name, request] of Object.entries(requested)) {
      const index = byName.get(name.toLowerCase());
      if (index === undefined) throw new UnknownColumnError(name, names);
      map.set(index, request);
    }
    this.requested = map;
    this.jobDateOrder = jobDateOrder;
    this.samples = names.map(() => []);
  }

  /** True while more rows would change the outcome (the caller may stop parsing). */
  get wantsRows(): boolean {
    return this.wholeColumns === undefined || this.wholeColumns.length > 0;
  }

  /**
   * The fields add() reads from now on: every one while sampling (undefined),
   * then only the date columns whose order is decided over the whole column.
   * A caller may leave the others out of the records it passes.
   */
  get readsFields(): readonly number[] | undefined {
    return this.wholeColumns;
  }

  add(fields: readonly string[]): void {
    if (this.wholeColumns === undefined) {
      for (let i = 0; i < this.names.length; i++) {
        const value = fields[i];
        if (value !== undefined && value.trim() !== '') {
          this.samples[i]!.push(value);
          this.sampledChars += value.length;
        }
      }
      this.sampled += 1;
      if (this.sampled >= SAMPLE_ROWS || this.sampledChars >= SAMPLE_CHARS) {
        this.decideDateColumns();
      }
      return;
    }
    // Every row of the file comes here: one counter per value, nothing allocated.
    for (const i of this.wholeColumns) {
      const value = fields[i];
      if (value !== undefined) this.addValue(i, value);
    }
  }

  /**
   * After sampling (readsFields is set), for a reader that has the record's
   * fields as UTF-8 bytes instead of strings: the value of field `index`
   * (one of readsFields) of a record add() would be given, as
   * bytes[start, end). The same counts as add(), without a string for the
   * common values (types/date-order-bytes.ts, number-evidence.ts).
   */
  addFieldBytes(index: number, bytes: Uint8Array, start: number, end: number): void {
    const kind = this.wholeKinds[index];
    if (kind === DATE_EVIDENCE) this.countDate(index, dateOrderProofBytes(bytes, start, end));
    else if (kind === SEPARATOR_EVIDENCE)
      this.countSeparator(index, decimalEvidenceBytes(bytes, start, end));
  }

  /** addFieldBytes for a value the reader has as a string. */
  addValue(index: number, value: string): void {
    const kind = this.wholeKinds[index];
    if (kind === DATE_EVIDENCE) this.countDate(index, dateOrderProof(value));
    else if (kind === SEPARATOR_EVIDENCE) this.countSeparator(index, decimalEvidence(value));
  }

  private countDate(index: number, proof: DateOrderProof | undefined): void {
    if (proof !== undefined && proof !== 'open') this.evidence.get(index)![proof] += 1;
  }

  private countSeparator(index: number, proof: '.' | ',' | undefined): void {
    if (proof !== undefined) this.separators.get(index)![proof] += 1;
  }

  finish(): ProfiledColumn[] {
    if (this.wholeColumns === undefined) this.decideDateColumns();
    return this.names.map((name, i) => this.describe(name, i));
  }

  /**
   * How many of the column's sampled values look like `type` (undefined: the
   * type has no value shape). With `atLeast`, counting stops (-1) as soon as
   * the values left cannot reach it: the search by values only needs the
   * types that pass its threshold, and tries every type on every column.
   */
  private matching(index: number, type: ColumnType, atLeast = 0): number | undefined {
    const looksLike = COLUMN_TYPES[type].looksLike;
    if (!looksLike) return undefined;
    const values = this.samples[index]!;
    let matched = 0;
    for (let i = 0; i < values.length; i++) {
      if (looksLike(values[i]!)) matched += 1;
      else if (matched + (values.length - i - 1) < atLeast) return -1;
    }
    return matched;
  }

  /** Each column's type decision, made once the sample is complete (it no longer changes). */
  private types: Array<ReturnType<ColumnProfiler['decideType']>> | undefined;

  private typeOf(index: number): Pick<ProfiledColumn, 'type' | 'source' | 'confidence' | 'notes'> {
    return this.types?.[index] ?? this.decideType(index);
  }

  private decideType(
    index: number,
  ): Pick<ProfiledColumn, 'type' | 'source' | 'confidence' | 'notes'> {
    const requested = this.requested.get(index)?.type;
    if (requested) return { type: requested, source: 'request', confidence: 1, notes: [] };
    const values = this.samples[index]!;
    const sampled = `${values.length} sampled non-blank value${values.length === 1 ? '' : 's'}`;
    const fromHeader = inferColumnType(this.names[index]!);
    if (fromHeader !== 'text') {
      const matched = this.matching(index, fromHeader);
      if (matched === undefined || values.length === 0) {
        const why =
          matched === undefined
            ? `${fromHeader} values have no shape to check them by`
            : 'no value was sampled to check it';
        return {
          type: fromHeader,
          source: 'header',
          confidence: HEADER_PRIOR,
          notes: [`the header suggests type ${fromHeader}; ${why}`],
        };
      }
      return {
        type: fromHeader,
        source: 'header',
        confidence: share(matched, values.length),
        notes: [
          `the header suggests type ${fromHeader}; ${matched} of ${sampled} look like ${fromHeader}`,
        ],
      };
    }
    if (values.length > 0) {
      let best: { type: ColumnType; matched: number } | undefined;
      // At most the fewest matches that pass (floor: never above it, whatever the rounding).
      const needed = Math.floor(values.length * VALUE_THRESHOLD);
      for (const type of SAMPLED_TYPES) {
        const matched = this.matching(index, type, needed)!;
        if (matched / values.length >= VALUE_THRESHOLD && (!best || matched > best.matched))
          best = { type, matched };
      }
      if (best)
        return {
          type: best.type,
          source: 'values',
          confidence: share(best.matched, values.length),
          notes: [`${best.matched} of ${sampled} look like ${best.type}`],
        };
    }
    return {
      type: 'text',
      source: 'default',
      confidence: 1,
      notes: [
        values.length === 0
          ? 'no value was sampled; kept as text'
          : `no type fits at least ${VALUE_THRESHOLD * 100}% of the ${sampled}; kept as text`,
      ],
    };
  }

  private isDropped(index: number): boolean {
    return this.requested.get(index)?.drop === true;
  }

  private decideDateColumns(): void {
    this.types = this.names.map((_, i) => this.decideType(i));
    // A dropped column is never normalized: no day/month order to decide, no row to read for it.
    const needsOrder = (i: number) =>
      !this.isDropped(i) && this.typeOf(i).type === 'date' && !this.jobDateOrder;
    this.dateColumns = this.names.map((_, i) => i).filter(needsOrder);
    for (const i of this.dateColumns) this.addDateEvidence(i, this.samples[i]!);
    const weighsSeparators = (i: number) =>
      !this.isDropped(i) && SEPARATOR_TYPES.has(this.typeOf(i).type) && !this.hints.locale;
    for (const i of this.names.map((_, i) => i).filter(weighsSeparators)) {
      const counts = { '.': 0, ',': 0 };
      for (const value of this.samples[i]!) {
        const proof = decimalEvidence(value);
        if (proof !== undefined) counts[proof] += 1;
      }
      this.separators.set(i, counts);
    }
    // Read on over every row only where the sample shows decimals at all:
    // an id or count column (whole numbers) would be parsed out of every
    // chunk for nothing, and cannot prove a separator later but by a slip.
    this.numberColumns = [...this.separators]
      .filter(([, counts]) => counts['.'] + counts[','] > 0)
      .map(([i]) => i);
    this.wholeColumns = [...this.dateColumns, ...this.numberColumns].sort((a, b) => a - b);
    for (const i of this.dateColumns) this.wholeKinds[i] = DATE_EVIDENCE;
    for (const i of this.numberColumns) this.wholeKinds[i] = SEPARATOR_EVIDENCE;
  }

  private addDateEvidence(index: number, values: readonly string[]): void {
    const total = this.evidence.get(index) ?? noDateOrderEvidence();
    for (const value of values) {
      const proof = dateOrderProof(value);
      if (proof !== undefined && proof !== 'open') total[proof] += 1;
    }
    this.evidence.set(index, total);
  }

  private describe(name: string, index: number): ProfiledColumn {
    const request = this.requested.get(index);
    const typed = this.typeOf(index);
    const column: ProfiledColumn = {
      name,
      outputName: request?.rename ?? name,
      required: request?.required ?? false,
      ...typed,
    };
    if (this.isDropped(index)) {
      const note = 'dropped by the request: not normalized, not in the output';
      return { ...column, dropped: true, notes: [...column.notes, note] };
    }
    if (request?.split === true && typed.type === 'name') column.split = true;
    const separators = this.separators.get(index);
    const doubt = separators ? separatorDoubt(separators) : undefined;
    if (doubt !== undefined)
      return { ...column, separatorDoubt: true, note: doubt, notes: [...column.notes, doubt] };
    if (typed.type !== 'date') return column;
    if (this.jobDateOrder)
      return { ...column, dateOrder: this.jobDateOrder, dateOrderSource: 'job' };
    const { order, source, note } = decideDateOrder(
      this.evidence.get(index) ?? noDateOrderEvidence(),
      this.hints.dateOrderHint,
    );
    return {
      ...column,
      ...(order ? { dateOrder: order } : {}),
      dateOrderSource: source,
      note,
      notes: note ? [...column.notes, note] : column.notes,
    };
  }
}

/** matched / total, to two decimals. */
const share = (matched: number, total: number) => Number((matched / total).toFixed(2));

export class UnknownColumnError extends Error {
  readonly code = 'unknown_column';
  constructor(name: string, names: readonly string[]) {
    super(
      `The request names column ${JSON.stringify(name)}, which is not in the header (${names.map((n) => JSON.stringify(n)).join(', ')}).`,
    );
    this.name = 'UnknownColumnError';
  }
}
