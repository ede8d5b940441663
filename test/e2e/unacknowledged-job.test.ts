import { findFreePort } from '@sluice/local-services';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, expect, inject, it } from 'vitest';
import { type AppProcess, spawnApp, waitForHttp } from '../harness/processes.ts';
import { useApiKey } from '../support/api-keys.ts';
import { submitCsv, waitForJob } from '../support/client.ts';
import { datasetTable, dropDataset } from '../support/dataset-tables.ts';
import { type Stack, startStack } from '../support/stack.ts';

// A job whose client never got its 202 must never run: the API stores the
// upload, enqueues it and only then accepts it, right before answering. Here
// Redis holds the enqueue (CLIENT PAUSE WRITE) and the API dies meanwhile:
// the client sees a broken connection, sends a corrected file, and the stale
// upload must not come back later and overwrite it (it used to, 30-60 s
// later, through the reconciler).

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PREFIX = '{e2e-unacked}';
let stack: Stack;
let secondApi: AppProcess | undefined;
const db = new pg.Client({ connectionString: inject('databaseUrl') });

afterAll(async () => {
  // Other files count the datasets of the shared database: leave none behind.
  await dropDataset(db, 'unacked_people');
  await db.end();
  const codes = await Promise.all([secondApi?.stop('SIGTERM'), stack?.workers[0]?.stop('SIGTERM')]);
  expect(codes).toEqual([0, 0]);
});

const people = (name: string) =>
  `email,name\n${Array.from({ length: 300 }, (_, i) => `p${i}@example.org,${name}`).join('\n')}\n`;

it('a job the API died before acknowledging never runs, and cannot overwrite a newer import', async () => {
  await db.connect();
  stack = await startStack({
    queuePrefix: PREFIX,
    env: { CHUNK_BYTES: '4KB' },
    workerEnv: {
      RECONCILE_INTERVAL_MS: '300',
      RECONCILE_GRACE_MS: '0',
      UPLOAD_ABANDON_AFTER_MS: '1000',
    },
  });
  const created = await fetch(`${stack.apiUrl}/v1/datasets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'unacked_people',
      columns: [
        { name: 'email', type: 'email', required: true },
        { name: 'name', type: 'name' },
      ],
      key: ['email'],
    }),
  });
  expect(created.status).toBe(201);

  const redis = new Redis(inject('redisUrl'), { connectionName: 'e2e-unacked' });
  let staleId: string | undefined;
  try {
    await redis.call('CLIENT', 'PAUSE', '8000', 'WRITE');
    const stale = fetch(
      `${stack.apiUrl}/v1/jobs?type=import&dataset=unacked_people&filename=stale.csv`,
      { method: 'POST', headers: { 'content-type': 'text/csv' }, body: people('Stale Name') },
    ).then(
      (res) => res.status,
      () => 'no answer',
    );
    // Stored whole, now waiting on Redis: the API dies before it can answer.
    const deadline = Date.now() + 15_000;
    while (!staleId && Date.now() < deadline) {
      const { rows } = await db.query<{ id: string }>(
        "select id from jobs where file_name = 'stale.csv' and chunks_total > 0",
      );
      staleId = rows[0]?.id;
      if (!staleId) await sleep(20);
    }
    expect(staleId, 'the stale upload was stored').toBeDefined();
    await stack.api.kill();
    expect(await stale).toBe('no answer');
  } finally {
    await redis.call('CLIENT', 'UNPAUSE');
    await redis.quit();
  }

  // The client sends the corrected file to a new API process.
  const port = await findFreePort();
  secondApi = spawnApp('api-2', 'apps/api/src/main.ts', {
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    QUEUE_PREFIX: PREFIX,
    LOG_LEVEL: 'warn',
    PORT: String(port),
  });
  const apiUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(`${apiUrl}/health/ready`, 30_000);
  useApiKey(apiUrl, stack.apiKey);
  const corrected = await submitCsv(
    apiUrl,
    people('Fixed Name'),
    '?type=import&dataset=unacked_people&filename=corrected.csv',
  );
  expect((await waitForJob(apiUrl, corrected.id)).status).toBe('completed');

  // The stale upload is removed, never run: its id was never given to anyone.
  let left = 1;
  for (const until = Date.now() + 20_000; left > 0 && Date.now() < until; await sleep(200)) {
    const { rows } = await db.query<{ n: number }>(
      'select count(*)::int as n from jobs where id = $1',
      [staleId],
    );
    left = rows[0]?.n ?? 0;
  }
  expect(left, 'the never-acknowledged job is removed').toBe(0);
  expect(stack.workers[0]?.output()).toMatch(
    new RegExp(`"jobId":"${staleId}"[^\\n]*upload never accepted, removed`),
  );
  const { rows } = await db.query<{ name: string; n: number }>(
    `select name, count(*)::int as n from ${await datasetTable(db, 'unacked_people')} group by name`,
  );
  expect(rows).toEqual([{ name: 'Fixed Name', n: 300 }]);
});
