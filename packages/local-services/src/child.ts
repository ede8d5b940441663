import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';

/**
 * A server child process whose output is kept (last lines) so that a failed
 * start can say why, and which is killed if this Node process exits first.
 */
export class ServerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  private readonly tail: string[] = [];
  private readonly exited: Promise<void>;
  private readonly killOnExit = () => this.child.kill('SIGKILL');

  constructor(
    name: string,
    command: string,
    args: string[],
    options: SpawnOptions,
    log?: (line: string) => void,
  ) {
    this.name = name;
    // Own process group: Ctrl-C in a terminal signals the whole foreground
    // group, and the database must outlive the apps that are still shutting
    // down against it. Whoever started us stops us (or the exit hook does).
    this.child = spawn(command, args, {
      ...options,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (data: Buffer) => {
      for (const line of data.toString().split('\n')) {
        if (!line) continue;
        this.tail.push(line);
        if (this.tail.length > 200) this.tail.shift();
        log?.(line);
      }
    };
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      // A binary that cannot be started (ENOENT, EACCES) emits 'error' and never
      // 'exit': without this, stop() and whenExited() would wait forever.
      this.child.once('error', (error) => {
        this.tail.push(`spawn failed: ${error.message}`);
        if (this.child.pid === undefined) resolve();
      });
    });
    process.once('exit', this.killOnExit);
    void this.exited.then(() => process.removeListener('exit', this.killOnExit));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  output(): string {
    return this.tail.join('\n');
  }

  failure(reason: string): Error {
    return new Error(`${this.name} ${reason}. Its last output:\n${this.output() || '(none)'}`);
  }

  /** Sends `signal`, escalating to SIGKILL after `graceMs`; resolves on exit. */
  async stop(signal: NodeJS.Signals, graceMs = 10_000): Promise<void> {
    if (!this.running) return this.exited;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  whenExited(): Promise<void> {
    return this.exited;
  }
}

/** Polls `probe` until it resolves true, the process dies, or time runs out. */
export async function waitUntilReady(
  proc: ServerProcess,
  probe: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!proc.running) throw proc.failure('exited during start-up');
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) {
      await proc.stop('SIGKILL');
      throw proc.failure(`was not ready within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
