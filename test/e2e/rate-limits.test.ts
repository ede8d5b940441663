// Rate limits per client on /v1: separate budgets for changes and reads,
// counted in Redis across API instances, 429 rate_limited with Retry-After
// and the IETF RateLimit / RateLimit-Policy fields.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useApiKey } from '../support/api-keys.ts';
import { sample } from '../support/metrics-text.ts';
import { type Stack, startStack } from '../support/stack.ts';

const env = { RATE_LIMIT_SUBMISSIONS_PER_MINUTE: '3', RATE_LIMIT_READS_PER_MINUTE: '5' };
let stack: Stack;
/** A second API instance on the same Redis and prefix (no worker of its own). */
let second: Stack;

beforeAll(async () => {
  stack = await startStack({ queuePrefix: '{e2e-rate-limits}', env });
  second = await startStack({ queuePrefix: '{e2e-rate-limits}', env, workers: 0 });
  // One integrator with one key on both instances: its budget and its
  // address' budget count the same requests.
  useApiKey(second.apiUrl, stack.apiKey);
});

afterAll(async () => {
  const codes = [...((await second?.stop()) ?? []), ...((await stack?.stop()) ?? [])];
  expect(codes).toEqual(codes.map(() => 0));
});

const normalize = (url: string) =>
  fetch(`${url}/v1/normalize`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ values: [{ type: 'email', value: 'A@B.co' }] }),
  });

describe('rate limits', () => {
  it('count reads per client across API instances; the budget over, 429 with the RateLimit fields', async () => {
    const remaining: string[] = [];
    for (const url of [stack.apiUrl, second.apiUrl, stack.apiUrl, second.apiUrl, stack.apiUrl]) {
      const res = await fetch(`${url}/v1/jobs?limit=1`);
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-policy')).toBe('"reads";q=5;w=60');
      remaining.push(/r=(\d+)/.exec(res.headers.get('ratelimit') ?? '')?.[1] ?? '?');
      await res.body?.cancel();
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);

    const refused = await fetch(`${second.apiUrl}/v1/jobs?limit=1`);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('ratelimit')).toMatch(/^"reads";r=0;t=\d+$/);
    expect(await refused.json()).toMatchObject({ code: 'rate_limited', budget: 'reads', limit: 5 });
  });

  it('keeps changes on their own budget, and health and metrics outside any', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await normalize(i % 2 ? second.apiUrl : stack.apiUrl);
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-policy')).toBe('"submissions";q=3;w=60');
      await res.body?.cancel();
    }
    const refused = await normalize(stack.apiUrl);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: 'rate_limited', budget: 'submissions' });

    expect((await fetch(`${stack.apiUrl}/health/ready`)).status).toBe(200);
    const metrics = await (await fetch(`${stack.apiUrl}/metrics`)).text();
    expect(sample(metrics, 'sluice_rate_limited_total', { budget: 'submissions' })).toBe(1);
  });
});
