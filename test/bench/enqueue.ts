/**
 * enqueue: small submissions (a 3-row CSV POSTed to /v1/jobs) under 50 and
 * 200 concurrent connections (autocannon, programmatic), against a bare
 * express + BullMQ endpoint on the same Redis under the same load. The API
 * runs without a worker, so this measures accepting work only: parse, store
 * in PostgreSQL (one transaction), enqueue the flow, answer 202.
 */
import { findFreePort } from '@sluice/local-services';
import { runLoad } from './support/load.ts';
import { compare, type ScenarioResult } from './support/result.ts';
import { withScope } from './support/scope.ts';
import { say, spawnApp, startApi, startServices, waitForHttp } from './support/stack.ts';

const CSV =
  'name,email,phone\r\n' +
  'Jane Doe, Jane.Doe@Example.COM ,(415) 555-0100\r\n' +
  '"MACLEOD, angus",angus@example.org,+44 20 7946 0958\r\n' +
  'li kim,not-an-email,646-555-0199\r\n';

const load = (url: string, connections: number, seconds: number) =>
  runLoad({ url, csv: CSV }, connections, seconds);

export function enqueue(seconds: number, connectionCounts: number[]): Promise<ScenarioResult> {
  return withScope(async (scope) => {
    const services = await startServices(scope, 'enqueue');
    // One client at up to 200 connections: the per-client upload cap (429
    // too_many_uploads beyond 8) would turn the figures into refusals.
    const api = await startApi(scope, services, {
      MAX_CONCURRENT_UPLOADS: '1000',
      MAX_CONCURRENT_UPLOADS_PER_CLIENT: '1000',
    });
    const port = await findFreePort();
    const bare = spawnApp(scope, 'bare-enqueue', 'test/bench/support/bare-enqueue-server.ts', {
      REDIS_URL: services.redis.url,
      PORT: String(port),
    });
    const bareUrl = `http://127.0.0.1:${port}`;
    await waitForHttp(`${bareUrl}/health`, bare);
    const targets = { sluice: `${api.url}/v1/jobs`, reference: `${bareUrl}/v1/jobs` };

    // Warm both up (JIT, pools, connections) before measuring.
    say('enqueue: warm-up');
    for (const url of Object.values(targets)) await load(url, 50, 2);

    const comparisons = [];
    const figures: Record<string, number> = {};
    for (const connections of connectionCounts) {
      say(`enqueue: ${connections} connections, ${seconds} s each`);
      const s = await load(targets.sluice, connections, seconds);
      const r = await load(targets.reference, connections, seconds);
      // Figures of refused requests would measure the refusal, not the work.
      if (s.non2xx > 0 || r.non2xx > 0) {
        throw new Error(
          `enqueue: ${s.non2xx} of Sluice's and ${r.non2xx} of the reference's requests were not 2xx`,
        );
      }
      comparisons.push(
        compare(`req/s, ${connections} connections`, s.requestsPerSecond, r.requestsPerSecond),
        compare(`p99 latency ms, ${connections} connections`, s.p99Ms, r.p99Ms),
      );
      for (const [side, l] of Object.entries({ sluice: s, reference: r }))
        for (const [k, v] of Object.entries(l)) figures[`${side}@${connections}.${k}`] = v;
    }
    return {
      scenario: 'enqueue',
      comparisons,
      seconds,
      csvBytes: Buffer.byteLength(CSV),
      ...figures,
      apiPeakRssMB: api.app.peakRssMb(),
      referencePeakRssMB: bare.peakRssMb(),
      workers: 0,
      reference: 'bare express 5 + one BullMQ queue.add per request, own process, same Redis',
    };
  });
}
