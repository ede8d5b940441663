import { afterAll } from 'vitest';

/**
 * Runs after every test file (setup file, so its afterAll runs last): fails the
 * file if it left TCP sockets open, i.e. a database or Redis client, a server,
 * or an HTTP connection it never closed. fetch()'s keep-alive pool is closed
 * first: idle pooled sockets are not a leak of the test's own making.
 */
afterAll(async () => {
  const dispatcher = (globalThis as Record<symbol, { close?: () => Promise<void> } | undefined>)[
    Symbol.for('undici.globalDispatcher.1')
  ];
  await dispatcher?.close?.();
  const deadline = Date.now() + 2_000;
  let open: string[] = [];
  for (;;) {
    open = process
      .getActiveResourcesInfo()
      .filter((r) => r === 'TCPSocketWrap' || r === 'TCPServerWrap');
    if (open.length === 0 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (open.length > 0) {
    throw new Error(
      `this test file left ${open.length} TCP socket(s)/server(s) open (${open.join(', ')}): close clients, pools and servers in afterAll`,
    );
  }
});
