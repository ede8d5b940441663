import { datasetDeclarationSchema } from '@sluice/contract';
import { MAX_KEY_COLUMNS, type NewDataset, SYSTEM_COLUMN_NAMES } from '@sluice/db';
import { parseInput } from '../http/parse-input.ts';
import { HttpProblem } from '../http/problem.ts';
import { requireSoundRules } from '../rules/rule-declaration.ts';

function invalid(detail: string, extra?: Record<string, unknown>): HttpProblem {
  return new HttpProblem('invalid_dataset', detail, { extra });
}

/**
 * The declaration in the contract's shape; a column's malformed `rules` is
 * invalid_rule, as it is in a job's `columns`, anything else invalid_dataset.
 */
function parseDeclaration(body: unknown) {
  try {
    return parseInput(datasetDeclarationSchema, body, 'invalid_dataset');
  } catch (error) {
    const field = error instanceof HttpProblem ? error.extra.field : undefined;
    if (typeof field === 'string' && /^columns\[\d+\]\.rules\b/.test(field)) {
      throw new HttpProblem('invalid_rule', (error as HttpProblem).message, { extra: { field } });
    }
    throw error;
  }
}

/**
 * Validates a POST /v1/datasets body: {"name", "columns": [{"name", "type",
 * "required"?, "rules"?}], "key": [column names]}. Its shape (identifiers on the
 * allowlist before they can reach SQL, known types, 1 to 200 columns) is
 * @sluice/contract's datasetDeclarationSchema, also in the OpenAPI document;
 * what relates one part to another is checked here. Key columns are
 * required by definition.
 */
export function readDatasetDeclaration(body: unknown, tenantId: string): NewDataset {
  const { name, columns, key } = parseDeclaration(body);
  const seen = new Set<string>();
  columns.forEach((c, i) => {
    if (SYSTEM_COLUMN_NAMES.includes(c.name)) {
      throw invalid(
        `Column ${c.name} has the name of a PostgreSQL system column (${SYSTEM_COLUMN_NAMES.join(', ')}); choose another name.`,
        { field: `columns[${i}].name` },
      );
    }
    if (seen.has(c.name)) {
      throw invalid(`Column ${c.name} is declared twice.`, { field: `columns[${i}].name` });
    }
    seen.add(c.name);
  });
  if (new Set(key).size !== key.length) {
    throw invalid(
      'key must list one or more distinct column names: the unique key rows are upserted by.',
      { field: 'key' },
    );
  }
  if (key.length > MAX_KEY_COLUMNS) {
    throw invalid(`key may have at most ${MAX_KEY_COLUMNS} columns (PostgreSQL's index limit).`, {
      field: 'key',
    });
  }
  const unknown = key.filter((k) => !seen.has(k));
  if (unknown.length > 0) {
    throw invalid(`key names columns that are not declared: ${unknown.join(', ')}.`, {
      field: 'key',
    });
  }
  // Cross-field rules may name any declared column.
  const types = new Map(columns.map((c) => [c.name, c.type]));
  columns.forEach((c, i) => {
    if (c.rules) requireSoundRules(c, c.rules, `columns[${i}]`, types);
  });
  const keySet = new Set<string>(key);
  return {
    tenantId,
    name,
    columns: columns.map((c) => ({
      name: c.name,
      type: c.type,
      required: keySet.has(c.name) || c.required === true,
      ...(c.rules ? { rules: c.rules } : {}),
    })),
    key,
  };
}
