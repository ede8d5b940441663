import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { PIDS_DIR } from '../harness/leaks.ts';

/** The `sluice` CLI's entry (apps/cli), run as its own process as a user runs it. */
export const CLI_MAIN = fileURLToPath(new URL('../../apps/cli/src/main.ts', import.meta.url));
/** The repository's `./dev` script (`./dev sluice ...`). */
const DEV = fileURLToPath(new URL('../../dev', import.meta.url));

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory of the CLI process (VmHWM, KiB) as last read while it ran. */
  peakRssKiB: number;
}

/**
 * The environment of a CLI run: the stack's URL and key, and a config file
 * path of its own (nothing of the machine's user leaks into a test).
 */
export function cliEnv(apiUrl: string, apiKey: string, configFile: string): Record<string, string> {
  return { SLUICE_URL: apiUrl, SLUICE_API_KEY: apiKey, SLUICE_CONFIG: configFile, NO_COLOR: '1' };
}

function recordPid(child: ChildProcess): void {
  const dir = join(inject('harnessDir'), PIDS_DIR);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `sluice-cli-${child.pid}`), String(child.pid));
}

/** VmHWM of a live process, KiB (0 once it is gone). */
function peakRss(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/**
 * Runs `sluice ARGS` (or `./dev sluice ARGS` with viaDev; stdin closed, stdout and stderr pipes: not a
 * terminal) with exactly `env` over a minimal base, and resolves when it
 * exits. Its peak RSS is sampled from /proc while it runs.
 */
export function runCli(
  args: string[],
  env: Record<string, string>,
  options: { cwd?: string; onSpawn?: (child: ChildProcess) => void; viaDev?: boolean } = {},
): Promise<CliRun> {
  const [file, argv] = options.viaDev
    ? [DEV, ['sluice', ...args]]
    : [process.execPath, [CLI_MAIN, ...args]];
  const child = spawn(file, argv, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error('could not start the CLI');
  recordPid(child);
  const pid = child.pid;
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  let peakRssKiB = 0;
  const sampler = setInterval(() => {
    peakRssKiB = Math.max(peakRssKiB, peakRss(pid));
  }, 50);
  options.onSpawn?.(child);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearInterval(sampler);
      resolve({ code, signal, stdout, stderr, peakRssKiB });
    });
  });
}
