import { Cluster } from 'ioredis';
import type { RedisConnection } from './connections.ts';

export interface RedisTopology {
  /**
   * The server this process' commands go to, as host:port: the one Redis,
   * the primary the Sentinels named (the address the connection reached),
   * or the Cluster master serving the queue prefix's hash slot, which holds
   * every Sluice key. Undefined while not connected.
   */
  primary: string | undefined;
  /** Cluster only: every master, host:port. */
  masters?: string[];
}

/** Which Redis serves this process now (for GET /health); asks a Cluster for the prefix's slot. */
export async function describeRedis(
  connection: RedisConnection,
  prefix: string,
): Promise<RedisTopology> {
  if (connection instanceof Cluster) {
    const slot = Number(await connection.cluster('KEYSLOT', prefix));
    const masters = connection
      .nodes('master')
      .map((node) => `${node.options.host}:${node.options.port}`)
      .sort();
    return { primary: connection.slots[slot]?.[0], masters };
  }
  const socket = connection.status === 'ready' ? connection.stream : undefined;
  const primary =
    socket && 'remoteAddress' in socket && socket.remoteAddress
      ? `${socket.remoteAddress}:${socket.remotePort}`
      : undefined;
  return { primary };
}
