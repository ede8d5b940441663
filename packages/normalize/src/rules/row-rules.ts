import { ERROR_CODES, type ErrorCode } from '../errors.ts';
import type { ColumnType } from '../registry.ts';
import type { CellError } from '../row.ts';
import {
  boundValue,
  type ColumnRules,
  type CompareOperator,
  enumKey,
  type OrderKind,
  orderKindOf,
  orderValue,
} from './declaration.ts';
import { compilePattern } from './safe-pattern.ts';

/** A column as the rule engine sees it: a written column of the job, with its rule sets. */
export interface RuleColumn {
  name: string;
  type: ColumnType;
  required: boolean;
  /** Import jobs: the dataset column it fills (a dataset's rules name columns by these). */
  target?: string | undefined;
  /** Its rule sets (a dataset's, a job's); every one applies. */
  rules?: readonly ColumnRules[] | undefined;
}

/** A failed value rule: the same object for every cell it fails (messages name no value). */
interface Failure {
  code: ErrorCode;
  message: string;
}

/** One value rule: the value to keep (an enum gives its canonical spelling), or why not. */
type ValueCheck = (value: string) => string | Failure;

const characters = (value: string): number => {
  let count = 0;
  for (const _ of value) count += 1;
  return count;
};

function listed(values: readonly string[]): string {
  const shown = values.slice(0, 10).map((v) => JSON.stringify(v));
  return values.length > 10 ? `${shown.join(', ')}, ...` : shown.join(', ');
}

/** A column's rule sets as checks, in the order they run: enum first, so the others see the canonical value. */
function valueChecks(column: RuleColumn): ValueCheck[] {
  const checks: ValueCheck[] = [];
  const name = column.name;
  const kind = orderKindOf(column.type);
  for (const rules of column.rules ?? []) {
    if (rules.enum !== undefined) {
      const canonical = new Map<string, string>();
      for (const value of rules.enum) canonical.set(enumKey(value), value);
      for (const [synonym, target] of Object.entries(rules.synonyms ?? {})) {
        canonical.set(enumKey(synonym), canonical.get(enumKey(target)) ?? target);
      }
      const failure = {
        code: ERROR_CODES.notInEnum,
        message: `${name} must be one of ${listed(rules.enum)}`,
      };
      checks.push((value) => canonical.get(enumKey(value)) ?? failure);
    }
    if (rules.pattern !== undefined) {
      const compiled = compilePattern(rules.pattern);
      // Declarations are checked when made; a stored pattern that no longer compiles fails its cells.
      const regex = compiled.ok ? compiled.regex : undefined;
      const failure = {
        code: ERROR_CODES.patternMismatch,
        message: `${name} must match the pattern ${rules.pattern}`,
      };
      checks.push((value) => (regex?.test(value) ? value : failure));
    }
    if (rules.minLength !== undefined) {
      const least = rules.minLength;
      const failure = {
        code: ERROR_CODES.tooShort,
        message: `${name} must have at least ${least} characters`,
      };
      checks.push((value) => (characters(value) >= least ? value : failure));
    }
    if (rules.maxLength !== undefined) {
      const most = rules.maxLength;
      const failure = {
        code: ERROR_CODES.tooLong,
        message: `${name} must have at most ${most} characters`,
      };
      // Code units bound code points from above: most values need no count.
      checks.push((value) => (value.length <= most || characters(value) <= most ? value : failure));
    }
    if (kind !== undefined) addBoundChecks(checks, name, kind, rules);
  }
  return checks;
}

function addBoundChecks(
  checks: ValueCheck[],
  name: string,
  kind: OrderKind,
  rules: ColumnRules,
): void {
  if (rules.min !== undefined) {
    const least = boundValue(kind, rules.min);
    const failure = {
      code: ERROR_CODES.belowMin,
      message: `${name} must be at least ${rules.min}`,
    };
    checks.push((value) => (orderValue(kind, value) < least ? failure : value));
  }
  if (rules.max !== undefined) {
    const most = boundValue(kind, rules.max);
    const failure = { code: ERROR_CODES.aboveMax, message: `${name} must be at most ${rules.max}` };
    checks.push((value) => (orderValue(kind, value) > most ? failure : value));
  }
}

const COMPARISONS: Record<CompareOperator, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '=': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

/** A cross-field rule: the row's error for column `index`, or undefined when it holds. */
interface CrossRule {
  index: number;
  /** True: a failure rejects the row even for an optional column (requiredWhen). */
  rejects: boolean;
  check(values: readonly string[]): string | undefined;
}

function compareRule(
  column: RuleColumn,
  index: number,
  other: { index: number; name: string; type: ColumnType },
  op: CompareOperator,
): CrossRule {
  const kind = orderKindOf(column.type);
  const otherKind = orderKindOf(other.type);
  const ordered = kind !== undefined && otherKind !== undefined;
  const test = COMPARISONS[op];
  return {
    index,
    rejects: false,
    check(values) {
      const a = values[index]!;
      const b = values[other.index]!;
      // An empty side has nothing to compare (its own rules or `required` speak for it).
      if (a === '' || b === '') return undefined;
      let holds: boolean;
      if (ordered) {
        const x = orderValue(kind, a);
        const y = orderValue(otherKind, b);
        if (Number.isNaN(x) || Number.isNaN(y)) return undefined;
        holds = test(x, y);
      } else {
        holds = test(a < b ? -1 : a > b ? 1 : 0, 0);
      }
      return holds ? undefined : `${column.name} must be ${op} ${other.name} (${b})`;
    },
  };
}

function requiredWhenRule(
  column: RuleColumn,
  index: number,
  other: { index: number; name: string },
  when: readonly string[],
): CrossRule {
  const keys = new Set(when.map(enumKey));
  return {
    index,
    rejects: true,
    check(values) {
      if (values[index] !== '') return undefined;
      const b = values[other.index]!;
      if (b === '' || !keys.has(enumKey(b))) return undefined;
      return `${column.name} is required when ${other.name} is ${b}`;
    },
  };
}

/**
 * A job's validation rules, compiled once (per chunk: a handful of
 * closures and regular expressions) and applied to each normalized row.
 */
export interface RowRules {
  /**
   * Checks a normalized row (`values`, from the record's `fields` as
   * written) in place: a failed value is emptied and reported in `errors`
   * like an invalid one; an enum value becomes its canonical spelling.
   * Answers whether a failure rejects the row (a required column's value
   * failed, or a `requiredWhen` rule).
   */
  apply(fields: readonly string[], values: string[], errors: CellError[]): boolean;
  /**
   * The columns with a `unique` rule, by index: their values of accepted
   * rows are collected per chunk and compared over the whole file when the
   * job is finalized (no chunk sees the others).
   */
  unique: readonly number[];
}

/**
 * Compiles the rules of a job's written columns; undefined when none has
 * any, so a job without rules pays nothing per row. Columns named by
 * cross-field rules are found by name (case-insensitively), then by the
 * dataset column they fill; a name that matches none (an optional dataset
 * column the file lacks, a dropped column) reads as empty.
 */
export function compileRowRules(columns: readonly RuleColumn[]): RowRules | undefined {
  if (!columns.some((c) => (c.rules?.length ?? 0) > 0)) return undefined;
  const byName = new Map<string, number>();
  columns.forEach((c, i) => {
    if (c.target !== undefined && !byName.has(c.target.toLowerCase()))
      byName.set(c.target.toLowerCase(), i);
  });
  columns.forEach((c, i) => {
    byName.set(c.name.toLowerCase(), i);
  });
  const valuePlans: Array<{ index: number; checks: ValueCheck[] }> = [];
  const crossRules: CrossRule[] = [];
  columns.forEach((column, index) => {
    const checks = valueChecks(column);
    if (checks.length > 0) valuePlans.push({ index, checks });
    for (const rules of column.rules ?? []) {
      for (const { op, column: name } of rules.compare ?? []) {
        const at = byName.get(name.toLowerCase());
        if (at === undefined || at === index) continue;
        crossRules.push(compareRule(column, index, { ...columns[at]!, index: at }, op));
      }
      const when = rules.requiredWhen;
      const at = when && byName.get(when.column.toLowerCase());
      if (when && at !== undefined && at !== index) {
        crossRules.push(
          requiredWhenRule(column, index, { index: at, name: columns[at]!.name }, when.in),
        );
      }
    }
  });

  const fail = (
    index: number,
    fields: readonly string[],
    values: string[],
    errors: CellError[],
    code: ErrorCode,
    message: string,
  ): boolean => {
    const column = columns[index]!;
    values[index] = '';
    errors.push({ column: column.name, raw: fields[index] ?? '', code, message });
    return column.required;
  };
  const unique = columns.flatMap((c, i) => (c.rules?.some((r) => r.unique === true) ? [i] : []));
  return {
    unique,
    apply(fields, values, errors) {
      let rejected = false;
      for (const plan of valuePlans) {
        let value = values[plan.index]!;
        if (value === '') continue;
        for (const check of plan.checks) {
          const outcome = check(value);
          if (typeof outcome === 'string') {
            value = outcome;
            continue;
          }
          if (fail(plan.index, fields, values, errors, outcome.code, outcome.message))
            rejected = true;
          value = '';
          break;
        }
        if (value !== '') values[plan.index] = value;
      }
      for (const rule of crossRules) {
        const message = rule.check(values);
        if (message === undefined) continue;
        const column = columns[rule.index]!;
        // A value already reported (invalid, or failing its own rules) is not reported again.
        if (errors.some((e) => e.column === column.name)) continue;
        if (
          fail(rule.index, fields, values, errors, ERROR_CODES.ruleFailed, message) ||
          rule.rejects
        )
          rejected = true;
      }
      return rejected;
    },
  };
}
