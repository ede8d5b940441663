import { datasetDeclarationSchema } from '@sluice/contract';
import { MAX_KEY_COLUMNS, type NewDataset, SYSTEM_COLUMN_NAMES } from '@sluice/db';
import { parseInput } from '../http/parse-input.ts';
import { HttpProblem } from '../http/problem.ts';

function invalid(detail: string, extra?: Record<string, unknown>): HttpProblem {
  return new HttpProblem('invalid_dataset', detail, { extra });
}

/**
 * Validates a POST /v1/datasets body: {"name", "columns": [{"name", "type",
 * "required"?}], "key": [column names]}. Its shape (identifiers on the
 * allowlist before they can reach SQL, known types, 1 to 200 columns) is
 * @sluice/contract's datasetDeclarationSchema, also in the OpenAPI document;
 * what relates one part to another is checked here. Key columns are
 * required by definition.
 */
export function readDatasetDeclaration(body: unknown, tenantId: string): NewDataset {
  const { name, columns, key } = parseInput(datasetDeclarationSchema, body, 'invalid_dataset');
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
  const keySet = new Set<string>(key);
  return {
    tenantId,
    name,
    columns: columns.map((c) => ({
      name: c.name,
      type: c.type,
      required: keySet.has(c.name) || c.required === true,
    })),
    key,
  };
}
