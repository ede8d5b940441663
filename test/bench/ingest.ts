/**
 * ingest: MB/s from the first byte of an upload to its 202 (stored in
 * PostgreSQL, accepted) for a realistic generated contacts file
 * (test/support/generate-contacts.ts, realistic variant), no worker running:
 * the API's share of an import, before any chunk is processed.
 *
 * Reference: the same bytes POSTed over the same loopback to a bare
 * node:http server (support/bare-ingest-server.ts, its own process) that
 * stores the body in the same PostgreSQL in pieces of the same size, one
 * bytea row each, answering 202 once the last is stored. That is what any
 * ingest path that keeps uploads in PostgreSQL has to do, so the ratio is
 * what Sluice's own work on the way costs (encoding check, record
 * splitting, column profiling, per-chunk transactions); a psql COPY would
 * parse columns (other work) and a sink that stores nothing would make the
 * ratio mostly the storage. The transport alone (same server, nothing
 * stored) is reported beside it. Median of BENCH_INGEST_RUNS, alternating.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findFreePort } from '@sluice/local-services';
import { postStream } from '../support/client.ts';
import { writeContactsFile } from './support/contacts.ts';
import { workerProfileOptions } from './support/cpu-profile.ts';
import { compare, round, type ScenarioResult } from './support/result.ts';
import { withScope } from './support/scope.ts';
import { say, spawnApp, startApi, startServices, waitForHttp } from './support/stack.ts';

/** Seconds from the first byte sent to the 202. */
async function upload(url: string, file: string): Promise<number> {
  const started = performance.now();
  const res = await postStream(url, createReadStream(file, { highWaterMark: 256 * 1024 }), {
    'content-type': 'text/csv',
  });
  if (res.status !== 202) throw new Error(`POST ${url}: ${res.status} ${res.body}`);
  return (performance.now() - started) / 1000;
}

/** CPU seconds (user + system) a live process has used so far (Linux /proc). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime, fields 14 and 15 of stat (11 and 12 after the command), in clock ticks.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

export function ingest(rows: number, runs: number): Promise<ScenarioResult> {
  return withScope(async (scope) => {
    const services = await startServices(scope, 'ingest');
    const file = join(services.dir, 'contacts.csv');
    const bytes = await writeContactsFile(file, rows);
    const mb = bytes / 1024 ** 2;
    say(`ingest: ${rows} realistic rows, ${round(mb, 1)} MB, ${runs} runs each`);

    // `--profile`: the API's CPU profile (written when it stops, at the scope's end).
    const api = await startApi(scope, services, {
      MAX_UPLOAD_BYTES: `${bytes + 1024 ** 2}`,
      ...workerProfileOptions(process.env.NODE_OPTIONS || '', 'api'),
    });
    const port = await findFreePort();
    const bare = spawnApp(scope, 'bare-ingest', 'test/bench/support/bare-ingest-server.ts', {
      DATABASE_URL: services.postgres.url,
      PORT: String(port),
    });
    const bareUrl = `http://127.0.0.1:${port}`;
    await waitForHttp(`${bareUrl}/health`, bare);

    const targets = {
      sluice: `${api.url}/v1/jobs?filename=contacts.csv`,
      reference: `${bareUrl}/ingest`,
      transport: `${bareUrl}/ingest?store=0`,
    };
    say('ingest: warm-up');
    for (const url of Object.values(targets)) await upload(url, file);
    type Target = keyof typeof targets;
    const seconds: Record<Target, number[]> = { sluice: [], reference: [], transport: [] };
    // CPU time of the receiving process per upload: steadier than wall time
    // on a machine shared with other work (it does not count waiting).
    const cpu: Record<Target, number[]> = { sluice: [], reference: [], transport: [] };
    const pids: Record<Target, number> = {
      sluice: api.app.pid,
      reference: bare.pid,
      transport: bare.pid,
    };
    for (let run = 0; run < runs; run++) {
      for (const [name, url] of Object.entries(targets) as Array<[Target, string]>) {
        const before = cpuSeconds(pids[name]);
        seconds[name].push(await upload(url, file));
        cpu[name].push(cpuSeconds(pids[name]) - before);
      }
    }
    const mbps = (name: Target) => round(mb / median(seconds[name]), 1);
    return {
      scenario: 'ingest',
      comparisons: [
        compare('MB/s, first byte to 202 (stored)', mbps('sluice'), mbps('reference')),
        compare(
          'receiving process CPU s per upload',
          round(median(cpu.sluice), 2),
          round(median(cpu.reference), 2),
        ),
      ],
      rows,
      fileMB: round(mb, 1),
      runs,
      sluiceSeconds: round(median(seconds.sluice), 2),
      referenceSeconds: round(median(seconds.reference), 2),
      transportOnlyMBps: mbps('transport'),
      reference:
        'bare node:http server storing the body in the same PostgreSQL, one lz4-compressed bytea row per 1 MiB piece, as Sluice stores chunks',
    };
  });
}
