import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Single-quoted for /bin/sh. */
export const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * A program on a real pseudo-terminal: a tmux server of its own (its own
 * socket, so no other tmux is touched) running one window of a fixed size.
 * The test reads the screen as a person sees it (capture-pane) and types
 * keys into it (send-keys).
 */
export class TmuxSession {
  private readonly socket: string;
  private constructor(socket: string) {
    this.socket = socket;
  }

  /** Starts `command` (a shell command line); its exit code is printed as `EXIT=<code>` after it. */
  static async start(name: string, command: string, size = { columns: 160, rows: 12 }) {
    const session = new TmuxSession(`sluice-${name}-${process.pid}`);
    await session.tmux(
      'new-session',
      '-d',
      '-x',
      String(size.columns),
      '-y',
      String(size.rows),
      // The pane stays (and shows the exit code) after the program ends.
      `${command}; echo EXIT=$?; sleep 600`,
    );
    return session;
  }

  private async tmux(...args: string[]): Promise<string> {
    const { stdout } = await run('tmux', ['-L', this.socket, '-f', '/dev/null', ...args]);
    return stdout;
  }

  /** The screen as text (no escape codes). */
  screen(): Promise<string> {
    return this.tmux('capture-pane', '-p');
  }

  sendKeys(...keys: string[]): Promise<string> {
    return this.tmux('send-keys', ...keys);
  }

  /**
   * Screens until `done` holds for one (or the time is up); returns every
   * distinct screen seen, the last one last.
   */
  async watch(done: (screen: string) => boolean, timeoutMs: number): Promise<string[]> {
    const seen: string[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = await this.screen();
      if (seen.at(-1) !== screen) seen.push(screen);
      if (done(screen)) return seen;
      if (Date.now() > deadline)
        throw new Error(`the screen never got there in ${timeoutMs} ms; it shows:\n${screen}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Ends the server and everything in it. */
  async kill(): Promise<void> {
    await this.tmux('kill-server').catch(() => undefined);
  }
}
