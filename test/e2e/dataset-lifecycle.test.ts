// A dataset's life after its imports: exported whole as CSV (PostgreSQL COPY,
// streamed), deleted with its table (refused while imports into it run).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getText, submitCsv, waitForJob } from '../support/client.ts';
import { datasetTable } from '../support/dataset-tables.ts';
import { CONTACT_HEADER, contactDatasetColumns, contactRow } from '../support/generate-contacts.ts';
import { type Stack, startStack } from '../support/stack.ts';

let stack: Stack;
/** The same API on its own queue prefix and no worker: its jobs stay queued. */
let idle: Stack;
const db = new pg.Client({ connectionString: inject('databaseUrl') });

beforeAll(async () => {
  await db.connect();
  stack = await startStack({ queuePrefix: '{e2e-dataset-life}' });
  idle = await startStack({
    queuePrefix: '{e2e-dataset-life-idle}',
    workers: 0,
    tenant: '{e2e-dataset-life}',
  });
});

afterAll(async () => {
  await db.end();
  const codes = [...((await idle?.stop()) ?? []), ...((await stack?.stop()) ?? [])];
  expect(codes).toEqual(codes.map(() => 0));
});

const api = (path: string, init?: RequestInit, base = stack.apiUrl) =>
  fetch(`${base}${path}`, init);

async function declare(body: unknown): Promise<void> {
  const res = await api('/v1/datasets', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.text()).toBe(201);
}

describe('dataset export', () => {
  it('writes every row in key order, values in canonical form, NULL as empty', async () => {
    await declare({
      name: 'export_kinds',
      key: ['id'],
      columns: [
        { name: 'id', type: 'integer' },
        { name: 'active', type: 'boolean' },
        { name: 'joined', type: 'date' },
        { name: 'amount', type: 'currency' },
        { name: 'note', type: 'text' },
      ],
    });
    const csv = [
      'id,active,joined,amount,note',
      '3,no,2024-02-29,"$1,234.50","=SUM(A1)"',
      '1,yes,1 Jan 2020,7,"a, b"',
      '2,,,,',
    ].join('\n');
    const job = await waitForJob(
      stack.apiUrl,
      (await submitCsv(stack.apiUrl, csv, '?type=import&dataset=export_kinds&dateOrder=DMY')).id,
    );
    expect(job.status, JSON.stringify(job)).toBe('completed');
    const res = await getText(`${stack.apiUrl}/v1/datasets/export_kinds/export.csv`);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/csv/);
    expect(res.body).toBe(
      [
        'id,active,joined,amount,note',
        '1,true,2020-01-01,7.00,"a, b"',
        '2,,,,',
        "3,false,2024-02-29,1234.50,'=SUM(A1)",
        '',
      ].join('\n'),
    );
  });

  it('streams a large dataset whole, and is 404 for an unknown one', async () => {
    await declare({ name: 'export_many', key: ['id'], columns: contactDatasetColumns('id') });
    const rows = Array.from({ length: 20_000 }, (_, i) => contactRow(i + 1));
    const job = await waitForJob(
      stack.apiUrl,
      (
        await submitCsv(
          stack.apiUrl,
          `${CONTACT_HEADER}\n${rows.join('\n')}\n`,
          '?type=import&dataset=export_many',
        )
      ).id,
    );
    expect(job.status).toBe('completed');
    const res = await getText(`${stack.apiUrl}/v1/datasets/export_many/export.csv`);
    const lines = res.body.trimEnd().split('\n');
    expect(lines[0]).toBe(CONTACT_HEADER);
    expect(lines).toHaveLength(1 + job.counts.rowsAccepted);
    const missing = await api('/v1/datasets/no_such_dataset/export.csv');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: string }).code).toBe('dataset_not_found');
  });
});

describe('dataset delete', () => {
  it('is refused while an import into it is unfinished, then removes the dataset and its table', async () => {
    await declare({
      name: 'delete_me',
      key: ['id'],
      columns: [
        { name: 'id', type: 'integer' },
        { name: 'name', type: 'text' },
      ],
    });
    const merged = await waitForJob(
      stack.apiUrl,
      (await submitCsv(stack.apiUrl, 'id,name\n1,Ann\n', '?type=import&dataset=delete_me')).id,
    );
    expect(merged.status).toBe('completed');
    // Accepted by the API whose queue no worker reads: queued until cancelled.
    const tableName = await datasetTable(db, 'delete_me');
    const waiting = await submitCsv(
      idle.apiUrl,
      'id,name\n2,Bob\n',
      '?type=import&dataset=delete_me',
    );

    const refused = await api('/v1/datasets/delete_me', { method: 'DELETE' });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: 'dataset_in_use', unfinishedImports: 1 });
    expect((await api('/v1/datasets/delete_me')).status).toBe(200);

    expect((await api(`/v1/jobs/${waiting.id}/cancel`, { method: 'POST' })).status).toBe(200);
    expect((await api('/v1/datasets/delete_me', { method: 'DELETE' })).status).toBe(204);
    expect((await api('/v1/datasets/delete_me')).status).toBe(404);
    const table = await db.query<{ t: string | null }>(`select to_regclass($1)::text as t`, [
      tableName,
    ]);
    expect(table.rows[0]!.t).toBeNull();
    // The finished import stays as history, with the dataset's name.
    const history = (await (
      await api(`/v1/jobs/${merged.id}`, { headers: { 'cache-control': 'no-cache' } })
    ).json()) as {
      status: string;
      dataset: string | null;
    };
    expect(history).toMatchObject({ status: 'completed', dataset: 'delete_me' });
    expect((await api('/v1/datasets/delete_me', { method: 'DELETE' })).status).toBe(404);
    // The name is free again.
    await declare({ name: 'delete_me', key: ['k'], columns: [{ name: 'k', type: 'text' }] });
  });
});
