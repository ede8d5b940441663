import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isRunning } from './process-tree.ts';
import { redisCli, waitFor } from './redis-cli.ts';
import { startRedisCluster } from './redis-cluster.ts';
import { startRedisSentinelGroup } from './redis-sentinel.ts';

// Real redis-server processes in Sentinel and Cluster mode.
const SLOW = { timeout: 120_000 };

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-local-redis-ha-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

it(
  'starts a password-protected primary, replica and 3 Sentinels that fail over on request',
  SLOW,
  async () => {
    const group = await startRedisSentinelGroup({
      dataDir: join(dir, 'sentinel'),
      password: 'data-pass-1',
      sentinelPassword: 'sentinel-pass-1',
    });
    try {
      expect(group.sentinels).toHaveLength(3);
      const first = await group.primary();
      expect(first.port).toBe(group.servers[0]!.port);
      // Both passwords are required.
      await expect(redisCli(first, 'PING')).resolves.toMatch(/NOAUTH/);
      await expect(redisCli(group.sentinels[0]!, 'PING')).resolves.toMatch(/NOAUTH/);
      const data = { ...first, password: 'data-pass-1' };
      expect(await redisCli(data, 'SET', 'kept', 'yes')).toBe('OK');
      expect(await redisCli(data, 'CONFIG', 'GET', 'maxmemory-policy')).toMatch(/noeviction/);

      const second = await group.failover();
      expect(second.port).toBe(group.servers[1]!.port);
      // The replica had the data; the old primary follows the new one.
      expect(await redisCli({ ...second, password: 'data-pass-1' }, 'GET', 'kept')).toBe('yes');
      await waitFor('the old primary follows the new one', async () =>
        (await redisCli(data, 'ROLE')).startsWith('slave'),
      );
    } finally {
      await group.stop();
    }
    for (const handle of [...group.servers, ...group.sentinelHandles]) {
      expect(isRunning(handle.pid!)).toBe(false);
    }
  },
);

it('starts a 3-master Redis Cluster covering every slot', SLOW, async () => {
  const cluster = await startRedisCluster({ dataDir: join(dir, 'cluster'), masters: 3 });
  try {
    expect(cluster.nodes).toHaveLength(3);
    const info = await redisCli(cluster.nodes[0]!, 'CLUSTER', 'INFO');
    expect(info).toMatch(/cluster_state:ok/);
    expect(info).toMatch(/cluster_slots_assigned:16384/);
    expect(info).toMatch(/cluster_size:3/);
    // A key goes to the node owning its slot (-c follows the MOVED).
    expect(await redisCli(cluster.nodes[1]!, '-c', 'SET', '{sluice}:x', '1')).toBe('OK');
  } finally {
    await cluster.stop();
  }
});
