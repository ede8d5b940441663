/**
 * breaker-refusal: how fast the API answers submissions while PostgreSQL is
 * down and its breaker is open (SPEC: 503 with Retry-After "within 100 ms").
 * PostgreSQL is stopped, the breaker opened by a few failing submissions,
 * then autocannon POSTs a 3-row CSV to /v1/jobs at 50 connections. Reference:
 * GET /health/live on the same API process under the same load (an answer
 * that needs no dependency). The refusals counter shows that every measured
 * submission was refused at the edge, none tried PostgreSQL.
 */
import { type LoadTarget, runLoad } from './support/load.ts';
import { compare, prefixed, type ScenarioResult } from './support/result.ts';
import { withScope } from './support/scope.ts';
import { say, startApi, startServices } from './support/stack.ts';

const CSV = 'name,email\r\nJane Doe,jane@example.com\r\n';
const CONNECTIONS = 50;

const load = (target: LoadTarget, seconds: number) => runLoad(target, CONNECTIONS, seconds);

async function postgresRefusals(apiUrl: string): Promise<number> {
  const text = await (await fetch(`${apiUrl}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('sluice_breaker_refusals_total{dependency="postgres"'));
  return Number(line?.split(' ').at(-1) ?? Number.NaN);
}

export function breakerRefusal(seconds: number): Promise<ScenarioResult> {
  return withScope(async (scope) => {
    const services = await startServices(scope, 'breaker-refusal');
    const api = await startApi(scope, services);
    const submit = { url: `${api.url}/v1/jobs`, csv: CSV };
    const live = { url: `${api.url}/health/live` };

    // The key is checked once while PostgreSQL is up: through the outage it
    // stays trusted, so the refusals measured are the breaker's.
    await (await fetch(`${api.url}/v1/jobs`)).arrayBuffer();
    say('breaker-refusal: stopping PostgreSQL, opening the breaker');
    await services.postgres.stop();
    const deadline = Date.now() + 60_000;
    for (;;) {
      await fetch(submit.url, {
        method: 'POST',
        body: CSV,
        headers: { 'content-type': 'text/csv' },
      });
      const health = (await (await fetch(`${api.url}/health`)).json()) as {
        breakers: Record<string, string>;
      };
      if (health.breakers.postgres === 'open') break;
      if (Date.now() > deadline) throw new Error('the postgres breaker never opened');
    }

    say('breaker-refusal: warm-up');
    await load(submit, 2);
    await load(live, 2);

    say(`breaker-refusal: ${CONNECTIONS} connections, ${seconds} s each`);
    const refusalsBefore = await postgresRefusals(api.url);
    const s = await load(submit, seconds);
    const refusals = (await postgresRefusals(api.url)) - refusalsBefore;
    const r = await load(live, seconds);
    return {
      scenario: 'breaker-refusal',
      comparisons: [
        compare('p50 latency ms, refused submission vs liveness', s.p50Ms, r.p50Ms),
        compare('p99 latency ms, refused submission vs liveness', s.p99Ms, r.p99Ms),
        compare('req/s, refused submission vs liveness', s.requestsPerSecond, r.requestsPerSecond),
      ],
      seconds,
      connections: CONNECTIONS,
      ...prefixed('sluice', s),
      ...prefixed('reference', r),
      // Every measured submission answered 503 by the breaker, none by a failed connection attempt.
      refusalsCounted: refusals,
      refusedShare: Number((refusals / s.requests).toFixed(4)),
      workers: 0,
      reference: 'GET /health/live on the same API process, same load',
    };
  });
}
