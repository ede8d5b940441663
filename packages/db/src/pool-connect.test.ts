import { createServer } from 'node:net';
import { sql } from 'kysely';
import { describe, expect, inject, it } from 'vitest';
import { createDatabase } from './connection.ts';
import { inTransaction } from './transaction.ts';

/** The test database's URL with a port nothing listens on: every connect is refused. */
async function refusingUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  const url = new URL(inject('databaseUrl'));
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return url.href;
}

/** A database whose every connect is refused, counting the connects tried. */
async function nowhere(connectRetries: number) {
  let connects = 0;
  const handle = createDatabase({
    url: await refusingUrl(),
    connectRetries,
    connectRetryMinMs: 1,
    connectRetryMaxMs: 5,
  });
  handle.observe({ query: () => {}, connectionError: () => (connects += 1) });
  return { handle, connects: () => connects };
}

describe('connect retries during an outage', () => {
  it('stop at once when the gate (the breaker) says no: one connect, not 1 + retries', async () => {
    const { handle, connects } = await nowhere(3);
    let open = false;
    handle.retryConnectsWhile(() => !open);
    await expect(sql`select 1`.execute(handle.db)).rejects.toThrow(/ECONNREFUSED|connect/);
    expect(connects()).toBe(4);
    open = true;
    await expect(sql`select 1`.execute(handle.db)).rejects.toThrow(/ECONNREFUSED|connect/);
    expect(connects()).toBe(5);
    await handle.close();
  });

  it('do not multiply with a transaction retry: the connect retried, the transaction is not', async () => {
    const { handle, connects } = await nowhere(2);
    await expect(
      inTransaction(handle.db, async () => 1, { maxAttempts: 4, baseDelayMs: 1 }),
    ).rejects.toThrow(/ECONNREFUSED|connect/);
    // 1 + 2 connect retries, once: not 4 transaction tries x 3 connects.
    expect(connects()).toBe(3);
    await handle.close();
  });

  it('without connect retries, the transaction retry is what tries again (as before)', async () => {
    const { handle, connects } = await nowhere(0);
    await expect(
      inTransaction(handle.db, async () => 1, { maxAttempts: 3, baseDelayMs: 1 }),
    ).rejects.toThrow(/ECONNREFUSED|connect/);
    expect(connects()).toBe(3);
    await handle.close();
  });
});
