import { columnRulesSchema } from '@sluice/contract';
import { type ColumnRules, type ColumnType, ruleProblem } from '@sluice/normalize';
import { HttpProblem } from '../http/problem.ts';

/** A zod issue's path as a field name: `compare[0].op`. */
function pathText(path: readonly PropertyKey[]): string {
  return path.map((step) => (typeof step === 'number' ? `[${step}]` : `.${String(step)}`)).join('');
}

/**
 * Refuses rules that @sluice/normalize's ruleProblem finds wrong, naming the
 * rule (`where` is the column's place in the request, e.g. `columns.Tier`
 * or `columns[2]`): invalid_pattern for a pattern that cannot be used,
 * invalid_rule otherwise. `columnTypes`: the columns the rules may name,
 * by lower-case name, when known.
 */
export function requireSoundRules(
  column: { name: string; type: ColumnType | undefined },
  rules: ColumnRules,
  where: string,
  columnTypes?: ReadonlyMap<string, ColumnType>,
): void {
  const problem = ruleProblem(column, rules, columnTypes);
  if (problem === undefined) return;
  const field = `${where}.${problem.field}`;
  throw new HttpProblem(problem.code, `${field} ${problem.message}.`, { extra: { field } });
}

/**
 * A column's `rules` from a request, in the contract's shape and sound as
 * far as can be told before the file is read (the column's type, when the
 * request gives it; references are checked against the header later).
 */
export function readColumnRules(
  input: unknown,
  column: { name: string; type: ColumnType | undefined },
  where: string,
): ColumnRules {
  const parsed = columnRulesSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = `${where}.rules${pathText(issue.path)}`;
    const detail =
      issue.code === 'unrecognized_keys'
        ? `${field} has no rule ${issue.keys.join(', ')}; the rules are ${Object.keys(columnRulesSchema.shape).join(', ')}.`
        : `${field}: ${issue.message}.`;
    throw new HttpProblem('invalid_rule', detail, { extra: { field } });
  }
  requireSoundRules(column, parsed.data, where);
  return parsed.data;
}
