import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from './connection.ts';
import { exportDatasetCsv } from './dataset-export.ts';
import { createDataset, datasetTable, getDataset, readDatasetRows } from './datasets.ts';
import { migrateToLatest } from './migrate.ts';
import { TEST_TENANT } from './test-helpers.ts';
import { inTransaction } from './transaction.ts';

// One connection: a client left in COPY state or an open transaction would
// break the very next query.
const handle = createDatabase({ url: inject('databaseUrl'), poolSize: 1 });
const { db, pool } = handle;
let name: string;

beforeAll(async () => {
  await migrateToLatest(db);
  name = `export_${randomUUID().slice(0, 8)}`;
  await inTransaction(db, (trx) =>
    createDataset(trx, {
      tenantId: TEST_TENANT,
      name,
      columns: [
        { name: 'id', type: 'integer', required: true },
        { name: 'ok', type: 'boolean', required: false },
      ],
      key: ['id'],
    }),
  );
  await sql
    .raw(
      `insert into ${datasetTable((await getDataset(db, TEST_TENANT, name))!.tableName)} (id, ok, _job_id)
       select i, i % 2 = 0, '${randomUUID()}' from generate_series(1, 200000) i`,
    )
    .execute(db);
});
afterAll(() => handle.close());

describe('exportDatasetCsv', () => {
  it('streams every row in key order, booleans as true/false', async () => {
    const dataset = (await getDataset(db, TEST_TENANT, name))!;
    const chunks: Buffer[] = [];
    for await (const chunk of exportDatasetCsv(pool, dataset, { statementTimeoutMs: 30_000 })) {
      chunks.push(chunk);
    }
    expect(chunks.length).toBeGreaterThan(1);
    const lines = Buffer.concat(chunks).toString().trimEnd().split('\n');
    expect(lines).toHaveLength(200_000);
    expect(lines.slice(0, 2)).toEqual(['1,false', '2,true']);
    expect(lines.at(-1)).toBe('200000,true');
  });

  it('leaves the pool usable when the reader stops early, and its timeout does not outlive it', async () => {
    const dataset = (await getDataset(db, TEST_TENANT, name))!;
    for await (const _ of exportDatasetCsv(pool, dataset, { statementTimeoutMs: 1234 })) break;
    const after = await sql<{
      t: string;
    }>`select current_setting('statement_timeout') as t`.execute(db);
    expect(after.rows[0]!.t).toBe('0');
    for await (const _ of exportDatasetCsv(pool, dataset, { statementTimeoutMs: 30_000 })) {
      // read to the end
    }
    const again = await sql<{
      t: string;
    }>`select current_setting('statement_timeout') as t`.execute(db);
    expect(again.rows[0]!.t).toBe('0');
  });

  it("orders by the key's own type, as the paged rows do (10 after 9, not after 1)", async () => {
    const dataset = (await getDataset(db, TEST_TENANT, name))!;
    const page = await readDatasetRows(db, dataset, { limit: 3, offset: 8 });
    expect(page.map((r) => r.id)).toEqual(['9', '10', '11']);
  });
});
