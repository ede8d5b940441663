// Sluice on a Redis Cluster: three masters (redis-server --cluster-enabled,
// joined by redis-cli --cluster create), the API and the worker given only
// REDIS_CLUSTER_NODES and a hash tag prefix. Normalize and import jobs run
// to their expected results; what else lives in Redis works there too: the
// job-change pub/sub behind the event streams (the API's heartbeat is 10
// minutes away, so every event comes through the Cluster), the rate limits
// (counted in the Cluster, not in the process' fallback), the job status
// cache and the Idempotency-Key in-flight marks.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRecords } from '@sluice/csv';
import { type RedisCluster, startRedisCluster } from '@sluice/local-services';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getText, type JobBody, submitCsv, waitForJob } from '../support/client.ts';
import { CONTACT_HEADER, contactRow } from '../support/generate-contacts.ts';
import { openEvents, type SseItem } from '../support/sse.ts';
import { type Stack, startStack } from '../support/stack.ts';

const PREFIX = '{e2e-cluster}';
const LIMITED_PREFIX = '{e2e-cluster-limits}';
const SAMPLE = readFileSync(new URL('../fixtures/contacts-sample.csv', import.meta.url));
const EXPECTED = readFileSync(
  new URL('../fixtures/contacts-sample.expected.csv', import.meta.url),
  'utf8',
);

let dir: string;
let cluster: RedisCluster;
let client: Cluster;
let stack: Stack;
/** An API alone (no worker), with small budgets, for the rate limits. */
let limited: Stack;

const clusterEnv = () => ({
  REDIS_URL: '',
  REDIS_CLUSTER_NODES: cluster.nodes.map((n) => `${n.host}:${n.port}`).join(','),
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-e2e-cluster-'));
  cluster = await startRedisCluster({ dataDir: dir, masters: 3 });
  client = new Cluster(cluster.nodes, { lazyConnect: true });
  await client.connect();
  stack = await startStack({
    queuePrefix: PREFIX,
    env: { ...clusterEnv(), CHUNK_BYTES: '16KB', SSE_HEARTBEAT_MS: '600000' },
    workerEnv: { WORKER_CONCURRENCY: '1' },
  });
  limited = await startStack({
    queuePrefix: LIMITED_PREFIX,
    workers: 0,
    env: {
      ...clusterEnv(),
      RATE_LIMIT_SUBMISSIONS_PER_MINUTE: '3',
      RATE_LIMIT_READS_PER_MINUTE: '5',
    },
  });
});

afterAll(async () => {
  const codes = [...((await limited?.stop()) ?? []), ...((await stack?.stop()) ?? [])];
  await client?.quit();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
  expect(codes).toEqual(codes.map(() => 0));
});

const records = (csv: string) =>
  parseRecords(csv, { maxFields: 100 }).map((r) => {
    if ('error' in r) throw new Error(r.error.message);
    return r.fields;
  });

/** Every Sluice key in the Cluster under `prefix`, from whichever master holds them. */
async function keysUnder(prefix: string): Promise<string[]> {
  const perNode = await Promise.all(client.nodes('master').map((n) => n.keys(`${prefix}:*`)));
  return perNode.flat();
}

// Each step takes seconds: an event that never comes fails in a minute, not at the project's 5.
describe('Sluice on a 3-master Redis Cluster', { timeout: 60_000 }, () => {
  it('/health shows mode cluster, the master of the prefix slot and all three masters', async () => {
    const res = await fetch(`${stack.apiUrl}/health`);
    expect(res.status).toBe(200);
    const { redis } = (await res.json()) as {
      redis: { ok: boolean; mode: string; primary: string; masters: string[] };
    };
    const slot = Number(await client.cluster('KEYSLOT', PREFIX));
    const owner = (await client.cluster('SHARDS')) as unknown[];
    expect(owner.length).toBe(3);
    expect(redis).toMatchObject({ ok: true, mode: 'cluster' });
    expect(redis.masters).toEqual(cluster.nodes.map((n) => `${n.host}:${n.port}`).sort());
    expect(redis.primary).toBe(client.slots[slot]?.[0]);
  });

  it('runs a normalize job over many chunks to the expected result, every event through the Cluster', async () => {
    const contacts = `${CONTACT_HEADER}\n${Array.from({ length: 2_000 }, (_, i) => contactRow(i + 1)).join('\n')}\n`;
    const submitted = await submitCsv(stack.apiUrl, contacts);
    const stream = await openEvents(`${stack.apiUrl}/v1/jobs/${submitted.id}/events`);
    expect(stream.status).toBe(200);
    const seen = (await stream.rest()).filter(
      (i): i is Extract<SseItem, { type: 'event' }> => i.type === 'event',
    );
    const job = await waitForJob(stack.apiUrl, submitted.id);
    expect(job.status, job.error ?? '').toBe('completed');
    expect(job.progress.chunksTotal).toBeGreaterThan(5);
    expect(job.counts).toMatchObject({ rowsTotal: 2_000, rowsAccepted: 2_000 });
    // Beyond the first reading, every event was woken by a worker's PUBLISH.
    expect(seen.at(-1)?.event).toBe('completed');
    expect(seen.filter((e) => e.event === 'progress').length).toBeGreaterThan(2);
    expect(Number(seen.at(-1)?.id)).toBe(job.progress.chunksTotal + 1);
    // The queues are in the Cluster, under the hash tag.
    expect(await keysUnder(PREFIX)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\{e2e-cluster\}:sluice-chunks:/)]),
    );

    const sample = await submitCsv(stack.apiUrl, SAMPLE, '?filename=contacts-sample.csv');
    const done = await waitForJob(stack.apiUrl, sample.id);
    expect(done.counts).toMatchObject({ rowsTotal: 8, rowsAccepted: 8, rowsRejected: 0 });
    const [header, ...data] = records((await getText(done.links.result)).body);
    const [expectedHeader, ...expected] = records(EXPECTED);
    expect(header).toEqual(expectedHeader);
    for (const name of ['email', 'phone']) {
      const i = expectedHeader!.indexOf(name);
      expect(data.map((r) => r[i])).toEqual(expected.map((r) => (r[i] === '!error' ? '' : r[i])));
    }
    // A finished job's status is cached in the Cluster.
    await (await fetch(done.links.self)).text();
    const again = await fetch(done.links.self);
    expect(again.headers.get('x-cache')).toBe('HIT');
    expect(((await again.json()) as JobBody).status).toBe('completed');
  });

  it('runs an import job into a dataset', async () => {
    const created = await fetch(`${stack.apiUrl}/v1/datasets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'cluster-dataset-1' },
      body: JSON.stringify({
        name: 'cluster_contacts',
        columns: [
          { name: 'name', type: 'name' },
          { name: 'email', type: 'email', required: true },
          { name: 'phone', type: 'phone' },
        ],
        key: ['email'],
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const submitted = await submitCsv(
      stack.apiUrl,
      SAMPLE,
      '?type=import&dataset=cluster_contacts',
    );
    const job = (await waitForJob(stack.apiUrl, submitted.id)) as JobBody & {
      import: Record<string, number>;
    };
    expect(job.status, job.error ?? '').toBe('completed');
    expect(job.counts).toMatchObject({ rowsTotal: 8, rowsAccepted: 7, rowsRejected: 1 });
    expect(job.import).toEqual({
      rowsInserted: 7,
      rowsUpdated: 0,
      rowsUnchanged: 0,
      rowsDuplicate: 0,
      revertedAt: null,
    });
    const rows = (await (
      await fetch(`${stack.apiUrl}/v1/datasets/cluster_contacts/rows?limit=100`)
    ).json()) as Array<{ email: string }>;
    const expectedEmails = records(EXPECTED)
      .slice(1)
      .map((r) => r[1]!)
      .filter((e) => e !== '!error')
      .sort();
    expect(rows.map((r) => r.email).sort()).toEqual(expectedEmails);
  });

  it('replays an Idempotency-Key (its in-flight mark set and given up in the Cluster)', async () => {
    const post = () =>
      fetch(`${stack.apiUrl}/v1/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv', 'idempotency-key': 'cluster-upload-1' },
        body: 'email\nann@example.com\n',
      });
    const first = await post();
    expect(first.status).toBe(202);
    const second = await post();
    expect(second.status).toBe(202);
    expect(((await second.json()) as JobBody).id).toBe(((await first.json()) as JobBody).id);
  });

  it('counts rate limits in the Cluster: 429 past the budget, the count in Redis', async () => {
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${limited.apiUrl}/v1/jobs?limit=1`);
      expect(res.status).toBe(200);
      remaining.push(/r=(\d+)/.exec(res.headers.get('ratelimit') ?? '')?.[1] ?? '?');
      await res.body?.cancel();
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const refused = await fetch(`${limited.apiUrl}/v1/jobs?limit=1`);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: 'rate_limited', budget: 'reads' });
    // Counted by Redis, not by the per-process fallback: the counters are keys in the Cluster.
    const counters = (await keysUnder(LIMITED_PREFIX)).filter((k) => k.includes(':ratelimit:'));
    expect(counters.length).toBeGreaterThan(0);
    const counts = await Promise.all(counters.map((k) => client.get(k)));
    expect(counts.map(Number)).toContain(6);
  });
});
