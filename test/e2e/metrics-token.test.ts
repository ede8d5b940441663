// METRICS_TOKEN: /metrics of the API and of a worker answer only scrapes
// that bear it; no tenant key is involved either way.
import { findFreePort } from '@sluice/local-services';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Stack, startStack } from '../support/stack.ts';

const TOKEN = 'scrape-token-0123456789abcdef';
let stack: Stack;
let workerMetrics: string;

beforeAll(async () => {
  const port = await findFreePort();
  workerMetrics = `http://127.0.0.1:${port}/metrics`;
  stack = await startStack({
    queuePrefix: '{e2e-metrics-token}',
    env: { METRICS_TOKEN: TOKEN },
    workerEnv: { METRICS_PORT: String(port) },
  });
});

afterAll(async () => {
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

it('lets only the bearer of METRICS_TOKEN scrape the API and the worker', async () => {
  for (const url of [`${stack.apiUrl}/metrics`, workerMetrics]) {
    const none = await fetch(url);
    expect(none.status, url).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="sluice-metrics"');
    // A tenant's API key is not the metrics token.
    expect(
      (await fetch(url, { headers: { authorization: `Bearer ${stack.apiKey}` } })).status,
    ).toBe(401);
    const scrape = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(scrape.status, url).toBe(200);
    expect(await scrape.text()).toMatch(/^# HELP /m);
  }
  // Health stays open.
  expect((await fetch(`${stack.apiUrl}/health/ready`)).status).toBe(200);
});
