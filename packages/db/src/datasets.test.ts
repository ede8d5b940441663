import { randomUUID } from 'node:crypto';
import { sqlTypeOf } from '@sluice/contract';
import { COLUMN_TYPE_NAMES } from '@sluice/normalize';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from './connection.ts';
import { createDataset, DATASET_SCHEMA, getDataset } from './datasets.ts';
import { migrateToLatest } from './migrate.ts';
import { TEST_TENANT } from './test-helpers.ts';
import { inTransaction } from './transaction.ts';

const handle = createDatabase({ url: inject('databaseUrl'), poolSize: 2 });

beforeAll(() => migrateToLatest(handle.db));
afterAll(() => handle.close());

describe('dataset tables', () => {
  it('store every column type as the SQL type its registry definition names', async () => {
    const name = `every_type_${randomUUID().slice(0, 8)}`;
    const column = (type: string) => `c_${type}`;
    await inTransaction(handle.db, (trx) =>
      createDataset(trx, {
        tenantId: TEST_TENANT,
        name,
        columns: COLUMN_TYPE_NAMES.map((type) => ({ name: column(type), type, required: false })),
        key: [column('text')],
      }),
    );
    const { rows } = await sql<{ name: string; actual: string; declared: string }>`
      select a.attname as name, format_type(a.atttypid, a.atttypmod) as actual,
             format_type(d.declared::regtype, null) as declared
      from pg_attribute a
      join (select * from unnest(${COLUMN_TYPE_NAMES.map(column)}::text[],
                                 ${COLUMN_TYPE_NAMES.map(sqlTypeOf)}::text[]) as t(name, declared)) d
        on d.name = a.attname
      where a.attrelid = ${`${DATASET_SCHEMA}.${(await getDataset(handle.db, TEST_TENANT, name))!.tableName}`}::regclass
        and a.attnum > 0`.execute(handle.db);
    expect(rows).toHaveLength(COLUMN_TYPE_NAMES.length);
    for (const row of rows) expect(row.actual, row.name).toBe(row.declared);
  });
});
