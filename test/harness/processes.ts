import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { PIDS_DIR } from './leaks.ts';
import './provided-context.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A real app process (API, worker) started by a test. */
export interface AppProcess {
  readonly name: string;
  readonly pid: number;
  /** Everything it printed so far (stdout + stderr). */
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<string>;
  /**
   * Signals it (SIGKILL after `timeoutMs`) and resolves with the exit code
   * (null when killed by a signal). Chaos tests kill through here too: an app
   * that exits without being asked has its output printed as a likely crash.
   */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
  /** kill -9, resolves on exit. */
  kill(): Promise<void>;
  exited(): Promise<number | null>;
}

/**
 * Runs `entry` (a .ts file: absolute, or relative to the repository root) with
 * this Node, in the repository root, with `env` on top of the test's own.
 * Its PID is recorded so the harness' teardown fails the run if it is still
 * alive after the tests.
 */
export function spawnApp(name: string, entry: string, env: Record<string, string>): AppProcess {
  return spawnProcess(name, process.execPath, [resolve(ROOT, entry)], env);
}

/**
 * Runs any program (a real Prometheus, say) under the same bookkeeping as
 * spawnApp: output captured, PID recorded for the leak check.
 */
export function spawnProcess(
  name: string,
  file: string,
  args: readonly string[],
  env: Record<string, string>,
): AppProcess {
  const child: ChildProcess = spawn(file, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  const pidsDir = join(inject('harnessDir'), PIDS_DIR);
  mkdirSync(pidsDir, { recursive: true });
  writeFileSync(join(pidsDir, `${name}-${child.pid}`), String(child.pid));

  let text = '';
  const listeners = new Set<() => void>();
  const collect = (data: Buffer) => {
    text += data.toString();
    // Keep the tail only: a chatty process must not grow the test's memory.
    if (text.length > 1_000_000) text = text.slice(-500_000);
    for (const l of listeners) l();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // An app that dies on its own (crash at import, bad config) otherwise shows
  // up only as a later timeout ("fetch failed"): print why, once its output is
  // complete ('close' comes after the last stdout/stderr data).
  let stopRequested = false;
  child.once('close', (code, signal) => {
    if (stopRequested) return;
    process.stderr.write(
      `[harness] ${name} (pid ${child.pid}) exited by itself (${signal ?? `code ${code}`}); its output:\n${text.slice(-4000) || '(none)'}\n`,
    );
  });

  const app: AppProcess = {
    name,
    pid: child.pid,
    output: () => text,
    waitForOutput(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(text);
          if (match) {
            cleanup();
            resolve(match[0]);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `${name} did not print ${pattern} within ${timeoutMs} ms. Output:\n${text.slice(-4000)}`,
            ),
          );
        }, timeoutMs);
        const onExit = () => {
          cleanup();
          reject(
            new Error(`${name} exited before printing ${pattern}. Output:\n${text.slice(-4000)}`),
          );
        };
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.removeListener('exit', onExit);
        };
        listeners.add(check);
        child.once('exit', onExit);
        check();
      });
    },
    async stop(signal = 'SIGTERM', timeoutMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exit;
      stopRequested = true;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
    async kill() {
      await app.stop('SIGKILL');
    },
    exited: () => exit,
  };
  return app;
}

/** Polls `url` until it answers 2xx. */
export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const res = await fetch(url);
      await res.body?.cancel();
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline)
      throw new Error(`${url} not ready within ${timeoutMs} ms (last: ${last})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
