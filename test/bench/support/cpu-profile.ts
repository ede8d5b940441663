/**
 * CPU profiles for `pnpm bench --profile <scenario>`: where BENCH_PROFILE_DIR
 * is set, the in-process normalize loop is profiled with the inspector
 * (profileSync), and worker processes the scenarios spawn get `--cpu-prof`
 * (workerProfileOptions), which writes one .cpuprofile per thread, the
 * piscina threads that normalize chunks included, when the process exits.
 * Open a .cpuprofile in a flame-graph viewer (Chrome DevTools' Performance
 * panel, speedscope) or print its top self-time functions with
 * test/bench/profile-summary.ts.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

/** Where profiles go in this run, or undefined when the run does not profile. */
function profileDir(): string | undefined {
  return process.env.BENCH_PROFILE_DIR || undefined;
}

/** NODE_OPTIONS for a spawned worker process: its own plus --cpu-prof into the profile folder. */
export function workerProfileOptions(base: string, name: string): Record<string, string> {
  const dir = profileDir();
  if (dir === undefined) return {};
  return {
    NODE_OPTIONS: `${base} --cpu-prof --cpu-prof-dir=${join(dir, name)} --cpu-prof-interval=500`,
  };
}

/**
 * Runs `fn`, profiled into `<profile folder>/<name>.cpuprofile` when this run
 * profiles (sampling every 250 µs); without a folder it only runs `fn`.
 * Returns the file written, if any.
 */
export function profileSync(name: string, fn: () => void): string | undefined {
  const dir = profileDir();
  if (dir === undefined) {
    fn();
    return undefined;
  }
  const session = new Session();
  session.connect();
  // The inspector answers a same-thread session synchronously.
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 250 });
  session.post('Profiler.start');
  let file: string | undefined;
  try {
    fn();
  } finally {
    session.post('Profiler.stop', (error, result) => {
      if (error) throw error;
      file = join(dir, `${name}.cpuprofile`);
      writeFileSync(file, JSON.stringify(result.profile));
    });
    session.disconnect();
  }
  return file;
}
