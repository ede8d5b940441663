import type { StoredDatasetColumn } from '@sluice/contract';
import {
  isValidIdentifier,
  MAX_KEY_COLUMNS,
  type NewDataset,
  SYSTEM_COLUMN_NAMES,
} from '@sluice/db';
import { COLUMN_TYPE_NAMES, isColumnType } from '@sluice/normalize';
import { HttpProblem } from '../http/problem.ts';

/** More columns than any sane dataset; keeps DDL and merge statements bounded. */
export const MAX_DATASET_COLUMNS = 200;

function invalid(detail: string, extra?: Record<string, unknown>): HttpProblem {
  return new HttpProblem('invalid_dataset', detail, { extra });
}

const identifierRule =
  'lower-case letters, digits and underscores, starting with a letter, at most 63 characters';

/**
 * Validates a POST /v1/datasets body: {"name", "columns": [{"name", "type",
 * "required"?}], "key": [column names]}. Every identifier must match the
 * allowlist before it can reach SQL; key columns are required by definition.
 */
export function readDatasetDeclaration(body: unknown, tenantId: string): NewDataset {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid(
      'Send a JSON object such as {"name":"contacts","columns":[{"name":"email","type":"email"}],"key":["email"]}.',
    );
  }
  const { name, columns, key } = body as Record<string, unknown>;
  if (typeof name !== 'string' || !isValidIdentifier(name)) {
    throw invalid(`name must be ${identifierRule}.`, { field: 'name' });
  }
  if (!Array.isArray(columns) || columns.length === 0 || columns.length > MAX_DATASET_COLUMNS) {
    throw invalid(`columns must be a list of 1 to ${MAX_DATASET_COLUMNS} columns.`, {
      field: 'columns',
    });
  }
  const seen = new Set<string>();
  const declared: StoredDatasetColumn[] = columns.map((column: unknown, i) => {
    const c = (column ?? {}) as Record<string, unknown>;
    if (typeof c.name !== 'string' || !isValidIdentifier(c.name)) {
      throw invalid(`columns[${i}].name must be ${identifierRule}.`, {
        field: `columns[${i}].name`,
      });
    }
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
    if (typeof c.type !== 'string' || !isColumnType(c.type)) {
      throw invalid(`columns[${i}].type must be one of ${COLUMN_TYPE_NAMES.join(', ')}.`, {
        field: `columns[${i}].type`,
      });
    }
    if (c.required !== undefined && typeof c.required !== 'boolean') {
      throw invalid(`columns[${i}].required must be true or false.`, {
        field: `columns[${i}].required`,
      });
    }
    return { name: c.name, type: c.type, required: c.required === true };
  });
  if (
    !Array.isArray(key) ||
    key.length === 0 ||
    key.some((k) => typeof k !== 'string') ||
    new Set(key).size !== key.length
  ) {
    throw invalid(
      'key must list one or more distinct column names: the unique key rows are upserted by.',
      {
        field: 'key',
      },
    );
  }
  if (key.length > MAX_KEY_COLUMNS) {
    throw invalid(`key may have at most ${MAX_KEY_COLUMNS} columns (PostgreSQL's index limit).`, {
      field: 'key',
    });
  }
  const unknown = key.filter((k: string) => !seen.has(k));
  if (unknown.length > 0) {
    throw invalid(`key names columns that are not declared: ${unknown.join(', ')}.`, {
      field: 'key',
    });
  }
  const keySet = new Set<string>(key);
  return {
    tenantId,
    name,
    columns: declared.map((c) => (keySet.has(c.name) ? { ...c, required: true } : c)),
    key: key as string[],
  };
}
