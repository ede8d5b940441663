import { join, resolve } from 'node:path';
import type { ServiceHandle } from './handle.ts';
import { findFreePort } from './ports.ts';
import { startRedis } from './redis.ts';
import { redisCli, waitFor } from './redis-cli.ts';

export interface RedisClusterOptions {
  dataDir: string;
  /** Masters (no replicas): each gets a third of the 16384 slots with 3. */
  masters?: number;
  host?: string;
  log?: (line: string) => void;
}

export interface RedisCluster {
  /** The nodes' addresses (REDIS_CLUSTER_NODES). */
  nodes: Array<{ host: string; port: number }>;
  handles: ServiceHandle[];
  stop(): Promise<void>;
}

/**
 * A Redis Cluster of `masters` nodes on loopback (redis-server
 * --cluster-enabled, joined by `redis-cli --cluster create`), each with AOF
 * and noeviction like startRedis'; resolves once every node says
 * cluster_state:ok.
 */
export async function startRedisCluster(options: RedisClusterOptions): Promise<RedisCluster> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = resolve(options.dataDir);
  const handles: ServiceHandle[] = [];
  try {
    for (let i = 0; i < (options.masters ?? 3); i++) {
      const dir = join(dataDir, `node-${i + 1}`);
      // The bus port is chosen here too: port + 10000 may be taken or past 65535.
      const busPort = await findFreePort(host);
      handles.push(
        await startRedis({
          dataDir: dir,
          host,
          log: options.log,
          extraArgs: () => [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            join(dir, 'nodes.conf'),
            '--cluster-port',
            String(busPort),
            '--cluster-node-timeout',
            '2000',
          ],
        }),
      );
    }
    const nodes = handles.map((h) => ({ host, port: h.port }));
    await redisCli(
      nodes[0]!,
      '--cluster',
      'create',
      ...nodes.map((n) => `${n.host}:${n.port}`),
      '--cluster-yes',
    );
    for (const node of nodes) {
      await waitFor(`cluster node ${node.port} ready`, async () =>
        /cluster_state:ok/.test(await redisCli(node, 'CLUSTER', 'INFO')),
      );
    }
    return {
      nodes,
      handles,
      async stop() {
        await Promise.all(handles.map((h) => h.stop()));
      },
    };
  } catch (error) {
    await Promise.all(handles.map((h) => h.stop()));
    throw error;
  }
}
