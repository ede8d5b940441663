import { createServer } from 'node:net';

/** A TCP port that was free a moment ago (the OS picks it). */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once nothing accepts connections on host:port (after a server stopped). */
export async function waitForPortFree(
  port: number,
  host: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, host, () => server.close(() => resolve(true)));
    });
    if (free) return;
    if (Date.now() > deadline)
      throw new Error(`port ${host}:${port} still in use after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Runs `launch` on the caller's port, or on one picked here. A picked port was
 * free a moment ago, but another process may bind it first (test runs start
 * many servers in parallel); the server then fails with "Address already in
 * use" and we pick again. A port the caller asked for is never swapped.
 */
export async function launchOnPort(
  requested: number | undefined,
  host: string,
  launch: (port: number) => Promise<void>,
): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const port = requested ?? (await findFreePort(host));
    try {
      await launch(port);
      return port;
    } catch (error) {
      const taken = /Address already in use/i.test((error as Error).message);
      if (requested !== undefined || !taken || attempt >= 3) throw error;
    }
  }
}
