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
