import { type ChildProcess, spawn } from 'node:child_process';

/** A server `./dev start` runs for the apps (PostgreSQL, Redis). */
interface Service {
  stop(): Promise<void>;
}

/**
 * Runs `./dev start`'s processes and stops them all together. SIGINT and
 * SIGTERM are handled from the moment it exists, start-up included: a step in
 * progress (a server starting) is let finish, nothing further starts, then
 * the apps (API, worker) stop first and the services they use after them, in
 * reverse order of start, and the process exits 0. An app that exits on its
 * own takes the rest down with it (exit 1), so a crash is never hidden behind
 * a half-running Sluice.
 */
export function createSupervisor(options: { say: (line: string) => void }) {
  const children: ChildProcess[] = [];
  const services: Service[] = [];
  let step: Promise<unknown> = Promise.resolve();
  let stopping = false;

  async function stop(exitCode: number): Promise<void> {
    if (stopping) return;
    stopping = true;
    // A server half started would be left running: let the step finish.
    await step.catch(() => {});
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
    options.say('stopping Redis and PostgreSQL...');
    for (const service of services.reverse()) await service.stop();
    options.say('stopped');
    process.exit(exitCode);
  }

  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  return {
    /**
     * Runs one start-up step. Once a stop has begun, the step's result is
     * never handed back: start-up goes no further and stop() takes over.
     */
    async during<T>(work: Promise<T>): Promise<T> {
      step = work;
      const result = await work;
      if (stopping) await new Promise<never>(() => {});
      return result;
    },
    /**
     * Starts a service (a start-up step): stopped after the apps, and before
     * the services started earlier. Registered the moment it is up, so a stop
     * that waited for its start stops it too.
     */
    startService<T extends Service>(starting: Promise<T>): Promise<T> {
      return this.during(
        starting.then((started) => {
          services.push(started);
          return started;
        }),
      );
    },
    /** Starts a .ts entry with this Node and `env`. */
    start(name: string, entry: string, env: NodeJS.ProcessEnv): void {
      if (stopping) return;
      const child = spawn(process.execPath, [entry], {
        env,
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
