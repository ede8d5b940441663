/** HTTP load from this process (autocannon, programmatic): the figures scenarios report. */
import autocannon from 'autocannon';
import { authHeader } from '../../support/api-keys.ts';

export interface LoadFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  non2xx: number;
  errors: number;
}

export interface LoadTarget {
  url: string;
  /** POST with `body` as text/csv when given, else GET. */
  csv?: string;
}

export async function runLoad(
  target: LoadTarget,
  connections: number,
  seconds: number,
): Promise<LoadFigures> {
  const r = await autocannon({
    url: target.url,
    method: target.csv === undefined ? 'GET' : 'POST',
    // The API key of the stack under test (a reference server ignores it).
    headers: {
      ...authHeader(target.url),
      ...(target.csv === undefined ? {} : { 'content-type': 'text/csv' }),
    },
    body: target.csv,
    connections,
    duration: seconds,
  });
  return {
    requestsPerSecond: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    maxMs: r.latency.max,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}
