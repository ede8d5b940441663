import type { ColumnType } from '../registry.ts';
import { compilePattern } from './safe-pattern.ts';

/** The comparisons a `compare` rule can make between two columns of a row. */
export const COMPARE_OPERATORS = ['<', '<=', '>', '>=', '=', '!='] as const;
export type CompareOperator = (typeof COMPARE_OPERATORS)[number];

/**
 * A column's validation rules as declared (a dataset column's `rules`, or a
 * column's `rules` in a job's `columns` option). Every rule checks the
 * normalized value of a non-empty cell; an empty optional cell is checked by
 * none (but `requiredWhen`). Column names in `compare` and `requiredWhen`
 * are the other column's name as declared where the rule is (a dataset
 * column, or a header name of the file).
 */
export interface ColumnRules {
  /** A regular expression the whole value must match (see safe-pattern.ts). */
  pattern?: string | undefined;
  /** The allowed values (canonical spelling), matched case-insensitively. */
  enum?: string[] | undefined;
  /** Other spellings of `enum` values (synonym -> canonical value): output as the canonical value. */
  synonyms?: Record<string, string> | undefined;
  /** Least value: a number (numeric types) or an ISO date / date-time (date, datetime). */
  min?: number | string | undefined;
  /** Greatest value, as `min`. */
  max?: number | string | undefined;
  /** Least number of characters (Unicode code points). */
  minLength?: number | undefined;
  /** Greatest number of characters. */
  maxLength?: number | undefined;
  /**
   * No two accepted rows of the file may have the same value (empty values
   * aside): checked over the whole file when the job is finalized, reported
   * on each later row as duplicate_in_file.
   */
  unique?: boolean | undefined;
  /** Cross-field: this column's value compared with another column's in the same row. */
  compare?: Array<{ op: CompareOperator; column: string }> | undefined;
  /** Cross-field: this column needs a value when another column's value is one of `in`. */
  requiredWhen?: { column: string; in: string[] } | undefined;
}

/** How values of a type are ordered for min/max and ordered comparisons (undefined: not ordered). */
export type OrderKind = 'number' | 'date' | 'datetime';

const ORDER_KINDS: Partial<Record<ColumnType, OrderKind>> = {
  number: 'number',
  integer: 'number',
  currency: 'number',
  percent: 'number',
  date: 'date',
  datetime: 'datetime',
};

export function orderKindOf(type: ColumnType): OrderKind | undefined {
  return ORDER_KINDS[type];
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A min/max bound as the number it is compared as (NaN: not a bound of this kind). */
export function boundValue(kind: OrderKind, bound: number | string): number {
  if (kind === 'number') return typeof bound === 'number' ? bound : Number.NaN;
  if (typeof bound !== 'string') return Number.NaN;
  if (kind === 'date' && !ISO_DATE.test(bound)) return Number.NaN;
  const time = Date.parse(bound);
  // 2024-02-30 parses in some engines: a date bound must read back as itself.
  if (kind === 'date' && !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) !== bound)
    return Number.NaN;
  return time;
}

/** A normalized value as the number it is ordered by (NaN when it is not one of its kind). */
export function orderValue(kind: OrderKind, value: string): number {
  return kind === 'number' ? Number(value) : Date.parse(value);
}

/** The lookup key of enum values and synonyms: case and surrounding space aside. */
export const enumKey = (value: string): string => value.trim().toLowerCase();

/**
 * What is wrong with a declaration: `invalid_pattern` for a pattern that
 * cannot be used, `invalid_rule` for anything else; `field` names the rule
 * (e.g. `rules.min`).
 */
export interface RuleProblem {
  code: 'invalid_rule' | 'invalid_pattern';
  field: string;
  message: string;
}

const BOUND_TEXT: Record<OrderKind, string> = {
  number: 'a number',
  date: 'an ISO date such as 2024-01-31',
  datetime: 'an ISO date-time such as 2024-01-31T09:00:00Z',
};

function boundsProblem(type: ColumnType, rules: ColumnRules): RuleProblem | undefined {
  if (rules.min === undefined && rules.max === undefined) return undefined;
  const kind = orderKindOf(type);
  const field = rules.min === undefined ? 'rules.max' : 'rules.min';
  if (kind === undefined) {
    return {
      code: 'invalid_rule',
      field,
      message: `min and max apply to number, integer, currency, percent, date and datetime columns, not ${type}`,
    };
  }
  const bounds: Array<['min' | 'max', number]> = [];
  for (const which of ['min', 'max'] as const) {
    const bound = rules[which];
    if (bound === undefined) continue;
    const value = boundValue(kind, bound);
    if (Number.isNaN(value)) {
      return {
        code: 'invalid_rule',
        field: `rules.${which}`,
        message: `must be ${BOUND_TEXT[kind]} for a ${type} column`,
      };
    }
    bounds.push([which, value]);
  }
  if (bounds.length === 2 && bounds[0]![1] > bounds[1]![1]) {
    return { code: 'invalid_rule', field: 'rules.min', message: 'must not be greater than max' };
  }
  return undefined;
}

function enumProblem(rules: ColumnRules): RuleProblem | undefined {
  if (rules.enum === undefined) {
    return rules.synonyms === undefined
      ? undefined
      : { code: 'invalid_rule', field: 'rules.synonyms', message: 'needs an enum to map to' };
  }
  const canonical = new Map<string, string>();
  for (const value of rules.enum) {
    if (canonical.has(enumKey(value))) {
      return {
        code: 'invalid_rule',
        field: 'rules.enum',
        message: `lists ${JSON.stringify(value)} twice (case aside)`,
      };
    }
    canonical.set(enumKey(value), value);
  }
  for (const [synonym, target] of Object.entries(rules.synonyms ?? {})) {
    if (!canonical.has(enumKey(target))) {
      return {
        code: 'invalid_rule',
        field: `rules.synonyms.${synonym}`,
        message: `maps to ${JSON.stringify(target)}, which is not one of the enum values`,
      };
    }
    const taken = canonical.get(enumKey(synonym));
    if (taken !== undefined && enumKey(taken) !== enumKey(target)) {
      return {
        code: 'invalid_rule',
        field: `rules.synonyms.${synonym}`,
        message: `is the enum value ${JSON.stringify(taken)} itself`,
      };
    }
  }
  return undefined;
}

function lengthProblem(rules: ColumnRules): RuleProblem | undefined {
  const { minLength, maxLength } = rules;
  if (minLength !== undefined && maxLength !== undefined && minLength > maxLength) {
    return {
      code: 'invalid_rule',
      field: 'rules.minLength',
      message: 'must not be greater than maxLength',
    };
  }
  return undefined;
}

/**
 * The first thing wrong with a column's rules (their shape already checked
 * by @sluice/contract's schema), or undefined. `columnTypes` gives the types
 * of the columns the rules may refer to, by lower-case name; undefined when
 * they are not known yet (a job's rules are read before its file), as the
 * column's own type may be (checks that need it are then skipped).
 */
export function ruleProblem(
  column: { name: string; type: ColumnType | undefined },
  rules: ColumnRules,
  columnTypes?: ReadonlyMap<string, ColumnType>,
): RuleProblem | undefined {
  if (rules.pattern !== undefined) {
    const compiled = compilePattern(rules.pattern);
    if (!compiled.ok) {
      return { code: 'invalid_pattern', field: 'rules.pattern', message: compiled.reason };
    }
  }
  const problem =
    enumProblem(rules) ??
    (column.type === undefined ? undefined : boundsProblem(column.type, rules)) ??
    lengthProblem(rules);
  if (problem) return problem;
  const references = [
    ...(rules.compare ?? []).map((c, i) => ({ name: c.column, field: `rules.compare[${i}]` })),
    ...(rules.requiredWhen
      ? [{ name: rules.requiredWhen.column, field: 'rules.requiredWhen.column' }]
      : []),
  ];
  for (const { name, field } of references) {
    if (name.toLowerCase() === column.name.toLowerCase()) {
      return { code: 'invalid_rule', field, message: 'must name another column' };
    }
    if (columnTypes !== undefined && !columnTypes.has(name.toLowerCase())) {
      return { code: 'invalid_rule', field, message: `names no column ${JSON.stringify(name)}` };
    }
  }
  for (const [i, { op, column: other }] of (rules.compare ?? []).entries()) {
    const otherType = columnTypes?.get(other.toLowerCase());
    if (column.type === undefined || otherType === undefined || op === '=' || op === '!=') continue;
    const own = orderKindOf(column.type);
    const theirs = orderKindOf(otherType);
    // Numbers order with numbers; dates and date-times with each other.
    if (own === undefined || theirs === undefined || (own === 'number') !== (theirs === 'number')) {
      return {
        code: 'invalid_rule',
        field: `rules.compare[${i}]`,
        message: `${op} compares number, integer, currency, percent, date and datetime columns, not ${column.type} with ${otherType}`,
      };
    }
  }
  return undefined;
}
