import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '@sluice/local-services';
import { afterAll, expect, it } from 'vitest';
import { spawnApp, spawnProcess } from '../harness/processes.ts';
import { useApiKey } from '../support/api-keys.ts';
import { getText, type JobBody, postStream, waitForJob } from '../support/client.ts';
import { generateContactsCsv } from '../support/generate-contacts.ts';

// `./dev start` (apps/local): PostgreSQL and Redis as child processes under
// the data folder, migrations, then API and worker. One Ctrl-C stops all of
// it, cleanly; a job submitted meanwhile completes.

const dataDir = mkdtempSync(join(tmpdir(), 'sluice-local-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('runs Sluice on its embedded default and stops everything on SIGINT', async () => {
  const [port, pgPort, redisPort, metricsPort] = await Promise.all([
    findFreePort(),
    findFreePort(),
    findFreePort(),
    findFreePort(),
  ]);
  const local = spawnApp('local', 'apps/local/src/main.ts', {
    SLUICE_DATA_DIR: dataDir,
    PORT: String(port),
    SLUICE_PG_PORT: String(pgPort),
    SLUICE_REDIS_PORT: String(redisPort),
    METRICS_PORT: String(metricsPort),
    LOG_LEVEL: 'warn',
    // Its own per-process defaults, whatever the test runner was given.
    NODE_OPTIONS: '',
  });
  try {
    await local.waitForOutput(/Sluice is up/, 60_000);
    expect(local.output()).toMatch(/schema up to date|migrations applied/);

    const apiUrl = `http://127.0.0.1:${port}`;
    // It prints the API key of its tenant (`local`); without it /v1 is closed.
    await local.waitForOutput(/API key: slc_/, 10_000);
    const apiKey = /API key: (slc_[0-9a-f]{16}_[0-9a-f]{64})/.exec(local.output())?.[1];
    expect(apiKey, local.output()).toBeDefined();
    expect((await fetch(`${apiUrl}/v1/jobs`)).status).toBe(401);
    useApiKey(apiUrl, apiKey!);
    const res = await postStream(`${apiUrl}/v1/jobs`, generateContactsCsv(200, 3), {
      'content-type': 'text/csv',
    });
    expect(res.status, res.body).toBe(202);
    const job = await waitForJob(apiUrl, (JSON.parse(res.body) as JobBody).id);
    expect(job.status, job.error ?? '').toBe('completed');
    expect(job.counts.rowsTotal).toBe(200);
    expect((await getText(job.links.result)).status).toBe(200);
    expect((await getText(`http://127.0.0.1:${metricsPort}/metrics`)).body).toMatch(
      /sluice_worker_up 1/,
    );
    // The API keeps a small young generation; the worker must not have a
    // process-wide one (it would override its threads' own).
    expect(nodeOptionsOf(local.pid, 'apps/api/src/main.ts')).toContain('--max-semi-space-size=16');
    expect(nodeOptionsOf(local.pid, 'apps/worker/src/main.ts')).toBe('--max-old-space-size=256');
  } finally {
    expect(await local.stop('SIGINT', 30_000)).toBe(0);
  }
  expect(local.output()).toMatch(/stopping Redis and PostgreSQL\.\.\.[\s\S]*\[sluice\] stopped/);
});

/** NODE_OPTIONS of the one process below `pid` running `entry`. */
function nodeOptionsOf(pid: number, entry: string): string | undefined {
  const [found, ...more] = descendants(pid).filter((p) =>
    readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(entry),
  );
  expect(found, entry).toBeDefined();
  expect(more, entry).toEqual([]);
  return readFileSync(`/proc/${found}/environ`, 'utf8')
    .split('\0')
    .find((v) => v.startsWith('NODE_OPTIONS='))
    ?.slice('NODE_OPTIONS='.length);
}

/** Every live process below `pid` (children, theirs, ...), from /proc. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Exited while we looked.
    }
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const child of parents.get(p) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

/** Processes working in `dir` (a server of a run that died before it could say which). */
function workingIn(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cwd.startsWith(dir) || cmdline.includes(dir)) found.push(Number(entry));
    } catch {
      // Gone, or not ours to look at.
    }
  }
  return found;
}

/** Kills (SIGKILL) every process left of a run: a failing run must not leak servers. */
function killLeftovers(pids: number[]): void {
  for (const pid of pids.filter(alive)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
}

const alive = (pid: number) => {
  try {
    // A zombie is gone for our purposes: it holds no port or file.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

it('./dev start stops the whole stack, exit 0, on a SIGTERM to its own pid', async () => {
  const [port, pgPort, redisPort, metricsPort] = await Promise.all([
    findFreePort(),
    findFreePort(),
    findFreePort(),
    findFreePort(),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'sluice-dev-start-'));
  // The real entry point a user runs; its bootstrap finds everything
  // installed (no network) and SLUICE_SKIP_INSTALL skips `pnpm install`.
  const dev = spawnProcess('dev-start', join(process.cwd(), 'dev'), ['start'], {
    SLUICE_SKIP_INSTALL: '1',
    SLUICE_DATA_DIR: dir,
    PORT: String(port),
    SLUICE_PG_PORT: String(pgPort),
    SLUICE_REDIS_PORT: String(redisPort),
    METRICS_PORT: String(metricsPort),
    LOG_LEVEL: 'warn',
  });
  let stack: number[] = [];
  try {
    await dev.waitForOutput(/Sluice is up/, 90_000);
    stack = descendants(dev.pid);
    // ./dev start builds the web app (turbo, cached) before the API serves it.
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<script type="module" crossorigin src="\/assets\/index-/);
    const commands = stack.map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    for (const part of [
      'postgres',
      'redis-server',
      'apps/api/src/main.ts',
      'apps/worker/src/main.ts',
    ]) {
      expect(
        commands.some((c) => c.includes(part)),
        part,
      ).toBe(true);
    }
    expect(await dev.stop('SIGTERM', 60_000)).toBe(0);
    expect(dev.output()).toMatch(/stopping Redis and PostgreSQL\.\.\.[\s\S]*\[sluice\] stopped/);
    expect(stack.filter(alive)).toEqual([]);
  } finally {
    // Whatever a failed run left behind must not outlive the test.
    killLeftovers([...descendants(dev.pid), ...stack, ...workingIn(dir)]);
    await dev.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

it('stops what it has started when the SIGTERM comes during start-up', async () => {
  const [port, pgPort, redisPort] = await Promise.all([
    findFreePort(),
    findFreePort(),
    findFreePort(),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'sluice-local-early-'));
  const local = spawnApp('local-early', 'apps/local/src/main.ts', {
    SLUICE_DATA_DIR: dir,
    PORT: String(port),
    SLUICE_PG_PORT: String(pgPort),
    SLUICE_REDIS_PORT: String(redisPort),
    LOG_LEVEL: 'warn',
  });
  let started: number[] = [];
  try {
    // PostgreSQL is up; Redis, migrations and the apps are still to come.
    await local.waitForOutput(/PostgreSQL: /, 60_000);
    started = descendants(local.pid);
    expect(started.length).toBeGreaterThan(0);
    expect(await local.stop('SIGTERM', 60_000)).toBe(0);
    expect(local.output()).toMatch(/\[sluice\] stopped/);
    expect(local.output()).not.toMatch(/Sluice is up/);
    expect([...started, ...workingIn(dir)].filter(alive)).toEqual([]);
  } finally {
    killLeftovers([...descendants(local.pid), ...started, ...workingIn(dir)]);
    await local.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
