import type pg from 'pg';

type Queryable = Pick<pg.Client, 'query'>;

/**
 * The qualified table of a dataset, for tests that read or lock it in
 * PostgreSQL directly: a dataset's table is named by `datasets.table_name`
 * (its name plus a suffix), not by the dataset's name.
 */
export async function datasetTable(db: Queryable, name: string): Promise<string> {
  const { rows } = await db.query<{ table_name: string }>(
    'select table_name from datasets where name = $1',
    [name],
  );
  const tableName = rows[0]?.table_name;
  if (!tableName) throw new Error(`no dataset named ${name}`);
  // table_name passed the identifier allowlist: lower-case letters, digits, _.
  return `sluice_datasets."${tableName}"`;
}

/** Removes a dataset with its table and its import jobs (test clean-up). */
export async function dropDataset(db: Queryable, name: string): Promise<void> {
  const { rows } = await db.query<{ table_name: string }>(
    'select table_name from datasets where name = $1',
    [name],
  );
  for (const { table_name } of rows) {
    await db.query(`drop table if exists sluice_datasets."${table_name}"`);
  }
  await db.query('delete from jobs where dataset = $1', [name]);
  await db.query('delete from datasets where name = $1', [name]);
}
