import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ServiceHandle } from './handle.ts';
import { findFreePort } from './ports.ts';
import { isRunning } from './process-tree.ts';
import { startRedis } from './redis.ts';
import { redisCommand } from './test-helpers.ts';

// Real redis-server processes: generous timeouts, and this file may run with
// vitest's defaults (`vitest run --root packages/local-services`).
const SLOW = { timeout: 60_000 };

let dir: string;
let redis: ServiceHandle | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-local-redis-'));
});

afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('starts redis-server with the settings BullMQ needs and answers PING', SLOW, async () => {
  redis = await startRedis({ dataDir: join(dir, 'redis') });
  expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
  expect(await redisCommand(redis.port, 'PING')).toBe('+PONG');
  // BullMQ keys must never be evicted, and queue state must survive a restart.
  expect(await redisCommand(redis.port, 'CONFIG GET maxmemory-policy')).toContain('noeviction');
  expect(await redisCommand(redis.port, 'CONFIG GET appendonly')).toMatch(
    /appendonly\r\n\$3\r\nyes/,
  );
  expect(await redisCommand(redis.port, 'CONFIG GET bind')).toContain('127.0.0.1');
});

it('keeps data across a graceful restart and comes back after kill -9', SLOW, async () => {
  const handle = redis!;
  expect(await redisCommand(handle.port, 'SET sluice:test kept')).toBe('+OK');
  const first = handle.pid!;
  await handle.restart();
  expect(isRunning(first)).toBe(false);
  expect(await redisCommand(handle.port, 'GET sluice:test')).toContain('kept');

  const second = handle.pid!;
  await handle.kill('SIGKILL');
  expect(isRunning(second)).toBe(false);
  await handle.restart();
  expect(handle.pid).not.toBe(second);
  expect(await redisCommand(handle.port, 'PING')).toBe('+PONG');
});

it('stop() ends the process and frees the port', SLOW, async () => {
  const handle = redis!;
  const pid = handle.pid!;
  await handle.stop();
  redis = undefined;
  expect(isRunning(pid)).toBe(false);
  await expect(redisCommand(handle.port, 'PING')).rejects.toThrow(/ECONNREFUSED/);
});

it('a failed start says why, with the server output', SLOW, async () => {
  // Occupy the port on the same address so redis-server cannot bind it.
  const port = await findFreePort();
  // It hangs up on whoever connects (the readiness probe included): an
  // accepted socket nobody reads would keep close() from ever finishing.
  const blocker = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
  try {
    await expect(startRedis({ dataDir: join(dir, 'redis-busy'), port })).rejects.toThrow(
      /exited during start-up[\s\S]*Address already in use/,
    );
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
});
