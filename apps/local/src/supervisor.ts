import { type ChildProcess, spawn } from 'node:child_process';

/**
 * Runs the API and worker as child processes of `./dev start` and stops
 * everything together: Ctrl-C (or SIGTERM) stops the apps first, then the
 * services they use; an app that exits on its own takes the rest down with
 * it (exit 1), so a crash is never hidden behind a half-running Sluice.
 */
export function createSupervisor(options: {
  env: NodeJS.ProcessEnv;
  say: (line: string) => void;
  /** Stops what the apps depend on (Redis, PostgreSQL), after the apps are gone. */
  stopServices: () => Promise<void>;
}) {
  const children: ChildProcess[] = [];
  let stopping = false;

  async function stop(exitCode: number): Promise<void> {
    if (stopping) return;
    stopping = true;
    options.say('stopping API and worker...');
    await Promise.all(
      children
        .filter((c) => c.exitCode === null && c.signalCode === null)
        .map(
          (c) =>
            new Promise((resolve) => {
              c.once('exit', resolve);
              c.kill('SIGTERM');
            }),
        ),
    );
    await options.stopServices();
    options.say('stopped');
    process.exit(exitCode);
  }

  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  return {
    /** Starts a .ts entry with this Node and the shared environment plus `extraEnv`. */
    start(name: string, entry: string, extraEnv: Record<string, string> = {}): void {
      const child = spawn(process.execPath, [entry], {
        env: { ...options.env, ...extraEnv },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child.on('exit', (code, signal) => {
        if (stopping) return;
        options.say(
          `${name} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything`,
        );
        void stop(1);
      });
      children.push(child);
    },
    stop,
    isStopping: () => stopping,
  };
}
