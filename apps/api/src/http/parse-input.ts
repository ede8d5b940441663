import type { z } from 'zod';
import { HttpProblem } from './problem.ts';
import type { ProblemCode } from './problem-catalog.ts';

/** `columns[0].name`: the path of an issue as a client writes it. */
function fieldOf(path: readonly PropertyKey[]): string {
  return path
    .map((step, i) =>
      typeof step === 'number' ? `[${step}]` : `${i === 0 ? '' : '.'}${String(step)}`,
    )
    .join('');
}

/**
 * The input as the contract's schema says, or the problem `code` naming the
 * first thing wrong: "columns[2].type must be one of …", with `field`. The
 * schemas of @sluice/contract word their errors as rules ("must be …"), so
 * the detail reads the same for every request.
 */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown, code: ProblemCode): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = fieldOf(issue.path);
  if (issue.code === 'unrecognized_keys') {
    throw new HttpProblem(
      code,
      `${field ? `${field} has unknown` : 'Unknown'} field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}.`,
      { extra: field ? { field } : {} },
    );
  }
  const detail = `${field ? `${field} ` : ''}${issue.message}`.replace(/\.?$/, '.');
  throw new HttpProblem(code, detail, { extra: field ? { field } : {} });
}
