/**
 * CPU time of processes and of the whole machine from /proc (Linux), cheap
 * enough to read before and after a run: how many cores PostgreSQL, Redis,
 * the API and the workers used, and how busy the host was meanwhile (other
 * work on a shared machine shows up there).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { childPids } from '@sluice/local-services';

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime, stime, cutime, cstime (ticks) of `pid`, or undefined once it is gone. */
function times(pid: number): number[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After the command name (in parentheses, may hold spaces): state is
    // field 3, utime field 14, so index 11 here.
    return stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .slice(11, 15)
      .map(Number);
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds used so far by `pid` (all its threads) and every child it has
 * started: those still running, and those it has reaped (PostgreSQL's
 * backends come and go with connections).
 */
export function treeCpuSeconds(pid: number): number {
  const [utime = 0, stime = 0, cutime = 0, cstime = 0] = times(pid) ?? [];
  let ticks = utime + stime + cutime + cstime;
  for (const child of childPids(pid)) {
    const [u = 0, s = 0] = times(child) ?? [];
    ticks += u + s;
  }
  return ticks / TICKS_PER_SECOND;
}

/** The machine's CPU seconds so far (all cores): busy and total. */
export function hostCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  // cpu user nice system idle iowait irq softirq steal (guest is inside user)
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
    .split(/\s+/)
    .slice(1, 9)
    .map(Number) as number[];
  const busy = user! + nice! + system! + irq! + softirq! + steal!;
  return {
    busy: busy / TICKS_PER_SECOND,
    total: (busy + idle! + iowait!) / TICKS_PER_SECOND,
  };
}
