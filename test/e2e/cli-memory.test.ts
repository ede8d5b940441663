// `sluice submit` of a 200 MB file: the CLI streams it, so its memory stays
// flat (peak RSS far below the file's size); then cancel and retry on the
// queued job (no worker runs here, so it waits for them).
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { jobSchema } from '@sluice/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cliEnv, runCli } from '../support/cli.ts';
import { generateContactsCsvOfSize } from '../support/generate-contacts.ts';
import { type Stack, startStack } from '../support/stack.ts';

const MB = 1024 * 1024;
/** Far below the file (200 MB), well above Node's own footprint (~60 MB). */
const PEAK_RSS_BOUND_MB = 150;

let stack: Stack;
let dir: string;

beforeAll(async () => {
  // No worker: the job is only stored and queued, so the run measures the
  // upload alone and leaves the machine's cores to it.
  stack = await startStack({ queuePrefix: '{e2e-cli-memory}', workers: 0 });
  dir = mkdtempSync(join(tmpdir(), 'sluice-cli-memory-'));
});

afterAll(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

describe('a 200 MB upload', () => {
  it('keeps the CLI process under a flat memory bound; the API gets every byte', async () => {
    const file = join(dir, 'big.csv');
    await pipeline(Readable.from(generateContactsCsvOfSize(200 * MB, 5)), createWriteStream(file));
    const size = statSync(file).size;
    expect(size).toBeGreaterThan(199 * MB);

    const env = cliEnv(stack.apiUrl, stack.apiKey, join(dir, 'no-config.json'));
    const run = await runCli(['submit', file, '--json'], env, { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const [entry] = z.array(z.object({ job: jobSchema })).parse(JSON.parse(run.stdout));
    const job = entry!.job;
    // Every byte arrived (the API's count leaves out the file's last line break).
    expect(size - job.counts.bytes).toBeGreaterThanOrEqual(0);
    expect(size - job.counts.bytes).toBeLessThanOrEqual(2);
    expect(job.status).toBe('queued');
    process.stdout.write(
      `[cli-memory] peak RSS of sluice submit (200 MB): ${Math.round(run.peakRssKiB / 1024)} MB\n`,
    );
    expect(run.peakRssKiB).toBeGreaterThan(0);
    expect(run.peakRssKiB / 1024).toBeLessThan(PEAK_RSS_BOUND_MB);

    // cancel and retry, in the contract's shape.
    const cancelled = await runCli(['cancel', job.id, '--json'], env, { cwd: dir });
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(jobSchema.parse(JSON.parse(cancelled.stdout))).toMatchObject({
      id: job.id,
      status: 'cancelled',
    });
    const retried = await runCli(['retry', job.id], env, { cwd: dir });
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stdout).toBe(`${job.id} queued\n`);
    const again = await runCli(['cancel', job.id], env, { cwd: dir });
    expect(again.stdout).toBe(`${job.id} cancelled\n`);
    // The 200 MB go with it.
    expect((await fetch(`${stack.apiUrl}/v1/jobs/${job.id}`, { method: 'DELETE' })).status).toBe(
      204,
    );
  });
});
