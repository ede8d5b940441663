/**
 * CPU quotas for benchmark processes through the cgroup v1 cpu controller:
 * one group per process, `cpu.cfs_quota_us` out of `cpu.cfs_period_us`, so
 * several workers on a 2-core machine each get a small, fixed share and
 * scale-out can be measured. A process written to `cgroup.procs` moves with
 * all its threads, and threads it starts later are born in the group.
 *
 * Groups are named `sluice-bench-<bench pid>-<n>` and hold only processes the
 * benchmark started. Each is removed when its scope closes (after the
 * processes in it stopped: the scope stops them first), on Ctrl-C (run.ts
 * closes every scope) and, best effort, when the bench process exits; empty
 * groups left by a bench that was killed outright are removed the next time.
 */
import { mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning } from '@sluice/local-services';
import type { Scope } from './scope.ts';

const ROOT = '/sys/fs/cgroup/cpu';
const PERIOD_US = 100_000;
/** The kernel refuses a quota under 1 ms. */
const MIN_QUOTA_US = 1_000;
const PREFIX = 'sluice-bench-';

/** Why CPU quotas cannot be set here, or undefined when they can. */
export function cpuCgroupUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `cgroups are Linux only (this is ${process.platform})`;
  try {
    readFileSync(join(ROOT, 'cpu.cfs_quota_us'), 'utf8');
  } catch {
    return `no cgroup v1 cpu controller at ${ROOT} (cpu.cfs_quota_us not readable)`;
  }
  // Writable only as root on a read-write mount: try it on a throwaway group.
  const probe = join(ROOT, `${PREFIX}${process.pid}-probe`);
  try {
    mkdirSync(probe);
    rmdirSync(probe);
  } catch (error) {
    return `cannot create a cgroup under ${ROOT}: ${(error as Error).message}`;
  }
  return undefined;
}

/** `cores` of CPU time as a CFS quota per period (microseconds). */
export function cfsQuota(
  cores: number,
  periodUs = PERIOD_US,
): { periodUs: number; quotaUs: number } {
  if (!Number.isFinite(cores) || cores <= 0)
    throw new Error(`a CPU quota must be a positive number of cores, not ${cores}`);
  const quotaUs = Math.round(cores * periodUs);
  if (quotaUs < MIN_QUOTA_US)
    throw new Error(
      `${cores} cores is ${quotaUs} µs per ${periodUs} µs period; the kernel's minimum is ${MIN_QUOTA_US} µs`,
    );
  return { periodUs, quotaUs };
}

/**
 * Of the group names under the cpu root, those a benchmark left behind: ours
 * by name, made by a bench process that no longer runs.
 */
export function staleGroups(names: string[], running: (pid: number) => boolean): string[] {
  return names.filter((name) => {
    const match = new RegExp(`^${PREFIX}(\\d+)-`).exec(name);
    return match !== null && !running(Number(match[1]));
  });
}

function pidsIn(path: string): number[] {
  try {
    return readFileSync(join(path, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // removed meanwhile
  }
}

/** Groups this process made and has not removed yet (for the exit hook). */
const live = new Set<string>();

function removeGroup(path: string): boolean {
  try {
    rmdirSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') return false; // EBUSY: a process is still in it
  }
  live.delete(path);
  return true;
}

/** Kills what is in the group: only processes this benchmark started (and their children). */
function killMembers(path: string): void {
  for (const pid of pidsIn(path)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

// The bench exiting without closing its scopes (an uncaught error, a
// process.exit elsewhere): kill what is left in our groups and wait, briefly
// and synchronously (nothing async runs on exit), for them to empty. A group
// that still will not go is removed as stale by the next run.
process.once('exit', () => {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + 2_000;
  for (const path of live) {
    killMembers(path);
    while (!removeGroup(path) && Date.now() < deadline) Atomics.wait(pause, 0, 0, 20);
  }
});

/** Removes empty groups left behind by benchmark processes that are gone. */
function removeStaleGroups(): void {
  for (const name of staleGroups(readdirSync(ROOT), isRunning)) removeGroup(join(ROOT, name));
}

/** Waits for `path` to empty and removes it; what is still in it after 10 s is killed. */
async function closeGroup(path: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!removeGroup(path)) {
    if (Date.now() > deadline) killMembers(path);
    if (Date.now() > deadline + 5_000) throw new Error(`cgroup ${path} would not empty`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface CpuGroup {
  readonly path: string;
  /** Moves process `pid` (all its threads, and any it starts later) into the group. */
  add(pid: number): void;
  /** The group's cpu.stat: periods, how many were throttled, time throttled (ns). */
  stat(): Record<string, number>;
}

let made = 0;

/** A new group limited to `cores`, removed when `scope` closes. */
export function createCpuGroup(scope: Scope, cores: number): CpuGroup {
  const { periodUs, quotaUs } = cfsQuota(cores);
  if (made === 0) removeStaleGroups();
  made += 1;
  const path = join(ROOT, `${PREFIX}${process.pid}-${made}`);
  mkdirSync(path);
  live.add(path);
  scope.defer(() => closeGroup(path));
  writeFileSync(join(path, 'cpu.cfs_period_us'), String(periodUs));
  writeFileSync(join(path, 'cpu.cfs_quota_us'), String(quotaUs));
  return {
    path,
    add: (pid) => writeFileSync(join(path, 'cgroup.procs'), String(pid)),
    stat: () =>
      Object.fromEntries(
        readFileSync(join(path, 'cpu.stat'), 'utf8')
          .trim()
          .split('\n')
          .map((line) => {
            const [key = '', value = ''] = line.split(' ');
            return [key, Number(value)];
          }),
      ),
  };
}
