import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProcessLogger } from '@sluice/lifecycle';
import { createApiMetrics, createMetricsRegistry } from '@sluice/metrics';
import { createProducerConnection } from '@sluice/queue';
import express from 'express';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRateLimits } from './rate-limits.ts';

// The /v1 rate limits on a real Redis, between a stand-in for authentication
// (the `x-key` header names the key; `x-trusted: 1` says it authenticates
// without PostgreSQL, as a recently checked key does) and a route.

const redis = createProducerConnection({
  target: { mode: 'standalone', url: inject('redisUrl') },
  connectionName: 'rate-limits-test',
});
const servers: Server[] = [];
// A producer connection refuses commands until it is ready (no offline queue).
beforeAll(async () => {
  if (redis.status !== 'ready') await once(redis, 'ready');
});
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  redis.disconnect();
});

/** Redis commands this test's connection sent (round trips: one command each, or one script). */
let commandsSent = 0;
const sendCommand = redis.sendCommand.bind(redis) as (...args: unknown[]) => unknown;
redis.sendCommand = ((...args: unknown[]) => {
  commandsSent += 1;
  return sendCommand(...args);
}) as typeof redis.sendCommand;

async function start(quota: number) {
  const prefix = `{rate-limits-${randomUUID().slice(0, 8)}}`;
  const limits = createRateLimits({
    redis,
    prefix,
    addressOf: (req) => String(req.headers['x-address']),
    keyOf: (res) => String(res.locals.keyId),
    trustedKeyOf: (req) =>
      req.headers['x-trusted'] === '1' ? String(req.headers['x-key']) : undefined,
    settings: { submissionsPerMinute: quota, readsPerMinute: quota },
    metrics: createApiMetrics(createMetricsRegistry('api')),
    logger: createProcessLogger({ process: 'api', level: 'silent' }),
  });
  const app = express();
  app.use(limits.byAddress);
  app.use((req, res, next) => {
    res.locals.keyId = req.headers['x-key'];
    next();
  });
  app.use(limits.byKey);
  app.get('/', (_req, res) => {
    res.json({ ok: true });
  });
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = async (address: string, key: string, trusted: boolean) => {
    const before = commandsSent;
    const res = await fetch(base, {
      headers: { 'x-address': address, 'x-key': key, 'x-trusted': trusted ? '1' : '0' },
    });
    const body = (await res.json()) as { detail?: string };
    return {
      status: res.status,
      remaining: /r=(\d+)/.exec(res.headers.get('ratelimit') ?? '')?.[1],
      detail: body.detail,
      roundTrips: commandsSent - before,
    };
  };
  /** What Redis holds for a holder's reads budget. */
  const stored = async (holder: 'addr' | 'key', client: string) =>
    Number((await redis.get(`${prefix}:ratelimit:${holder}:reads:${client}`)) ?? 0);
  return { get, stored };
}

describe('rate limits', () => {
  it('count a trusted key and its address in one round trip, untrusted ones in two, into the same budgets', async () => {
    const { get, stored } = await start(4);
    const first = await get('10.0.0.1', 'k1', false);
    // Script loads aside (EVALSHA retried as EVAL once per connection), one each.
    expect(first).toMatchObject({ status: 200, remaining: '3' });
    const trusted = await get('10.0.0.1', 'k1', true);
    expect(trusted).toMatchObject({ status: 200, remaining: '2' });
    const again = await get('10.0.0.1', 'k1', true);
    expect(again).toMatchObject({ status: 200, remaining: '1', roundTrips: 1 });
    const untrusted = await get('10.0.0.1', 'k1', false);
    expect(untrusted).toMatchObject({ status: 200, remaining: '0', roundTrips: 2 });
    expect([await stored('addr', '10.0.0.1'), await stored('key', 'k1')]).toEqual([4, 4]);
  });

  it("refuses for the address before counting the key, and for the key with the key's budget", async () => {
    const { get, stored } = await start(2);
    for (const trusted of [true, false]) {
      // Two keys from one address: the address' budget ends first.
      const address = `10.0.1.${trusted ? 1 : 2}`;
      const [a, b] = [`a-${trusted}`, `b-${trusted}`];
      expect((await get(address, a, trusted)).status).toBe(200);
      expect((await get(address, b, trusted)).status).toBe(200);
      const refused = await get(address, b, trusted);
      expect(refused).toMatchObject({ status: 429, remaining: '0' });
      expect(refused.detail).toMatch(/^This client used its 2 reads per minute/);
      // The refused request spent nothing of its key's budget.
      expect([await stored('key', a), await stored('key', b)]).toEqual([1, 1]);
      // One key from two addresses: the key's budget ends first.
      const key = `c-${trusted}`;
      expect((await get(`10.0.2.${trusted ? 1 : 2}`, key, trusted)).status).toBe(200);
      expect((await get(`10.0.3.${trusted ? 1 : 2}`, key, trusted)).status).toBe(200);
      const overKey = await get(`10.0.4.${trusted ? 1 : 2}`, key, trusted);
      expect(overKey).toMatchObject({ status: 429, remaining: '0' });
      expect(overKey.detail).toMatch(/^This API key used its 2 reads per minute/);
    }
  });
});
