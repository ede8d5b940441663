import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('./shutdown.fixture.ts', import.meta.url));

/** Starts the fixture, sends `signal` once it is ready, and returns its exit code and log lines. */
function runAndSignal(env: Record<string, string>, signal: NodeJS.Signals = 'SIGTERM') {
  const child = spawn(process.execPath, [FIXTURE], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise<{ code: number | null; lines: Array<Record<string, unknown>> }>(
    (resolve, reject) => {
      child.on('error', reject);
      // stderr (Node's own warnings) is kept apart: interleaved, it could split a log line.
      child.stderr.resume();
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('fixture ready') && !child.killed) {
          child.kill(signal);
          // A second signal during shutdown changes nothing.
          child.kill(signal);
        }
      });
      child.on('exit', (code) =>
        resolve({
          code,
          lines: out
            .split('\n')
            .filter((l) => l.startsWith('{'))
            .map((l) => JSON.parse(l) as Record<string, unknown>),
        }),
      );
    },
  );
}

describe('onShutdownSignals', () => {
  it('stops and exits 0 on SIGTERM, logging the signal and the end', async () => {
    const { code, lines } = await runAndSignal({ STOP: 'ok' });
    expect(code).toBe(0);
    expect(lines.map((l) => l.msg)).toEqual(['fixture ready', 'shutting down: fixture', 'stopped']);
    expect(lines[1]).toMatchObject({
      signal: 'SIGTERM',
      timeoutMs: 5000,
      process: 'worker',
      workerId: 'fixture',
    });
  });

  it('does the same on SIGINT', async () => {
    const { code, lines } = await runAndSignal({ STOP: 'ok' }, 'SIGINT');
    expect(code).toBe(0);
    expect(lines[1]).toMatchObject({ signal: 'SIGINT' });
  });

  it('exits 1 at the deadline when stopping does not finish', async () => {
    const { code, lines } = await runAndSignal({ STOP: 'hang', TIMEOUT_MS: '300' });
    expect(code).toBe(1);
    expect(lines.at(-1)).toMatchObject({ msg: 'fixture did not stop in time', timeoutMs: 300 });
  });

  it('exits 1 when stopping fails', async () => {
    const { code, lines } = await runAndSignal({ STOP: 'throw' });
    expect(code).toBe(1);
    expect(lines.at(-1)).toMatchObject({
      msg: 'shutdown failed',
      err: { message: 'could not close' },
    });
  });
});
