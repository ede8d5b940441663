import { randomBytes } from 'node:crypto';
import { type StoredDatasetColumn, sqlTypeOf } from '@sluice/contract';
import { CompiledQuery, sql, type Transaction } from 'kysely';
import type { Database, Executor } from './schema.ts';
import { storedJson } from './stored-json.ts';

/** The PostgreSQL schema that holds every dataset table (see 0003_datasets). */
export const DATASET_SCHEMA = 'sluice_datasets';

/**
 * Dataset and column names: lower-case ASCII, digits and underscores, starting
 * with a letter, at most 63 bytes (PostgreSQL's identifier limit). Nothing
 * else ever reaches SQL as an identifier, and it is quoted even so. A leading
 * underscore is reserved for Sluice's own columns (`_job_id`, `_updated_at`, `_line`).
 */
export const IDENTIFIER_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;

export function isValidIdentifier(name: string): boolean {
  return IDENTIFIER_PATTERN.test(name);
}

/** Double-quotes an identifier that passed the allowlist; throws on anything else. */
export function quoteIdentifier(name: string): string {
  if (!isValidIdentifier(name))
    throw new TypeError(`Not a valid identifier: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

/**
 * Names PostgreSQL gives every table's system columns: a dataset column of
 * one of these names cannot be created ("conflicts with a system column
 * name"). Sluice's own columns (`_job_id`, `_updated_at`, `_line`) start with an
 * underscore, which IDENTIFIER_PATTERN already refuses.
 */
export const SYSTEM_COLUMN_NAMES: readonly string[] = [
  'tableoid',
  'xmin',
  'cmin',
  'xmax',
  'cmax',
  'ctid',
];

/** Most columns in one index (PostgreSQL's INDEX_MAX_KEYS): the dataset key's primary key. */
export const MAX_KEY_COLUMNS = 32;

export interface NewDataset {
  /** The owner: dataset names are unique per tenant. */
  tenantId: string;
  name: string;
  columns: StoredDatasetColumn[];
  key: string[];
}

export interface DatasetView {
  tenantId: string;
  name: string;
  /** Its table in sluice_datasets: unique across tenants (see datasetTable). */
  tableName: string;
  columns: StoredDatasetColumn[];
  key: string[];
  createdAt: Date;
}

/**
 * Takes a dataset's merge lock for the rest of the transaction (import merges
 * take turns on it; deleting the dataset waits for the merge in progress).
 * Transaction-scoped: it works through PgBouncer. $1: the dataset's table name.
 */
export const DATASET_LOCK_SQL =
  "select pg_advisory_xact_lock(hashtextextended('sluice-dataset:' || $1, 0))";

/** Fully qualified, quoted table of a dataset, by its table name (DatasetView.tableName). */
export function datasetTable(tableName: string): string {
  return `${quoteIdentifier(DATASET_SCHEMA)}.${quoteIdentifier(tableName)}`;
}

/**
 * A new dataset's table name: its name (cut to leave room) and a random
 * suffix, so two tenants' datasets of one name never share a table, and an
 * operator browsing the schema still sees whose data it is.
 */
function newTableName(name: string): string {
  return `${name.slice(0, 46)}_${randomBytes(8).toString('hex')}`;
}

/**
 * Creates a dataset: its catalog row and its typed table (primary key = the
 * dataset key, which import merges upsert on) in the caller's transaction.
 * Returns false when a dataset of that name exists already. Callers validate
 * names and types first; this re-checks identifiers as it quotes them.
 */
export async function createDataset(
  trx: Transaction<Database>,
  dataset: NewDataset,
): Promise<boolean> {
  const inserted = await trx
    .insertInto('datasets')
    .values({
      tenant_id: dataset.tenantId,
      name: dataset.name,
      table_name: newTableName(dataset.name),
      columns: storedJson.datasetColumns.write(dataset.columns),
      key_columns: dataset.key,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'name']).doNothing())
    .returning('table_name')
    .executeTakeFirst();
  if (!inserted) return false;
  const keySet = new Set(dataset.key);
  const columnDefs = dataset.columns.map(
    (c) =>
      `${quoteIdentifier(c.name)} ${sqlTypeOf(c.type)}${c.required || keySet.has(c.name) ? ' not null' : ''}`,
  );
  const ddl = `create table ${datasetTable(inserted.table_name)} (
    ${columnDefs.join(',\n    ')},
    _job_id uuid not null,
    _updated_at timestamptz not null default now(),
    _line bigint,
    primary key (${dataset.key.map(quoteIdentifier).join(', ')})
  )`;
  await sql.raw(ddl).execute(trx);
  return true;
}

const VIEW_COLUMNS = [
  'tenant_id',
  'name',
  'table_name',
  'columns',
  'key_columns',
  'created_at',
] as const;

function toView(row: {
  tenant_id: string;
  name: string;
  table_name: string;
  columns: unknown;
  key_columns: string[];
  created_at: Date;
}): DatasetView {
  return {
    tenantId: row.tenant_id,
    name: row.name,
    tableName: row.table_name,
    columns: storedJson.datasetColumns.read(row.columns),
    key: row.key_columns,
    createdAt: row.created_at,
  };
}

/** The tenant's dataset of that name. */
export async function getDataset(
  db: Executor,
  tenantId: string,
  name: string,
): Promise<DatasetView | undefined> {
  if (!isValidIdentifier(name)) return undefined;
  const row = await db
    .selectFrom('datasets')
    .select(VIEW_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where('name', '=', name)
    .executeTakeFirst();
  return row ? toView(row) : undefined;
}

export interface Page<T> {
  items: T[];
  total: number;
}

/** The tenant's datasets by name, one page, and how many it has. */
export async function listDatasets(
  db: Executor,
  tenantId: string,
  page: { limit: number; offset: number },
): Promise<Page<DatasetView>> {
  const [rows, total] = await Promise.all([
    db
      .selectFrom('datasets')
      .select(VIEW_COLUMNS)
      .where('tenant_id', '=', tenantId)
      .orderBy('name')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    db
      .selectFrom('datasets')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toView), total: total.n };
}

export async function countDatasetRows(db: Executor, dataset: DatasetView): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::bigint as n from ${sql.raw(
    datasetTable(dataset.tableName),
  )}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** A dataset row for the API: values in canonical text form, booleans as booleans, NULL as null. */
export type DatasetRow = Record<string, string | boolean | null>;

/**
 * One page of a dataset's rows in key order. Values are read as text (the
 * normalized form; numbers keep every digit) except booleans.
 */
export async function readDatasetRows(
  db: Executor,
  dataset: DatasetView,
  page: { limit: number; offset: number },
): Promise<DatasetRow[]> {
  const select = dataset.columns.map((c) =>
    sqlTypeOf(c.type) === 'boolean'
      ? quoteIdentifier(c.name)
      : `${quoteIdentifier(c.name)}::text as ${quoteIdentifier(c.name)}`,
  );
  // Qualified: a bare name in ORDER BY would mean the output column (the
  // ::text cast), paging numbers as text (10 before 2).
  const order = dataset.key.map((k) => `t.${quoteIdentifier(k)}`).join(', ');
  const { rows } = await sql<DatasetRow>`select ${sql.raw(select.join(', '))}
    from ${sql.raw(datasetTable(dataset.tableName))} t
    order by ${sql.raw(order)}
    limit ${page.limit} offset ${page.offset}`.execute(db);
  return rows;
}

/** What deleting a dataset did. `in-use`: imports into it are not finished (nothing was deleted). */
export type DatasetDeletion = 'deleted' | 'missing' | { inUse: number };

/**
 * Deletes a dataset: its catalog row and its table, in the caller's
 * transaction. Under the dataset's merge lock (the one every import merge
 * takes), so no merge is half-way; refused while imports into it are
 * unfinished (receiving, queued, running): they would have nowhere to go.
 * Finished import jobs stay as history, with the dataset's name.
 */
export async function deleteDataset(
  trx: Transaction<Database>,
  tenantId: string,
  name: string,
): Promise<DatasetDeletion> {
  const dataset = await getDataset(trx, tenantId, name);
  if (!dataset) return 'missing';
  await trx.executeQuery(CompiledQuery.raw(DATASET_LOCK_SQL, [dataset.tableName]));
  const busy = await trx
    .selectFrom('jobs')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('tenant_id', '=', tenantId)
    .where('dataset', '=', name)
    .where('status', 'in', ['receiving', 'queued', 'running'])
    .executeTakeFirstOrThrow();
  if (busy.n > 0) return { inUse: busy.n };
  const removed = await trx
    .deleteFrom('datasets')
    .where('tenant_id', '=', tenantId)
    .where('name', '=', name)
    .returning('table_name')
    .executeTakeFirst();
  if (!removed) return 'missing';
  await sql.raw(`drop table ${datasetTable(removed.table_name)}`).execute(trx);
  return 'deleted';
}
