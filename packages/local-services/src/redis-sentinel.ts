import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ServerProcess, waitUntilReady } from './child.ts';
import { type ServiceHandle, signalStoppedHandle } from './handle.ts';
import { launchOnPort } from './ports.ts';
import { isOurRedis, startRedis } from './redis.ts';
import { redisCli, waitFor } from './redis-cli.ts';

export interface RedisSentinelOptions {
  dataDir: string;
  /** The master group's name (REDIS_SENTINEL_MASTER). */
  masterName?: string;
  host?: string;
  /** How long a primary may be silent before a Sentinel deems it down (fast in tests). */
  downAfterMs?: number;
  /** requirepass of the primary and the replica (REDIS_PASSWORD). */
  password?: string;
  /** requirepass of the Sentinels (REDIS_SENTINEL_PASSWORD). */
  sentinelPassword?: string;
  log?: (line: string) => void;
}

export interface RedisSentinelGroup {
  masterName: string;
  /** The Sentinels' addresses (REDIS_SENTINELS). */
  sentinels: Array<{ host: string; port: number }>;
  /** Both data servers, the first primary at start; find the current one with primary(). */
  servers: ServiceHandle[];
  sentinelHandles: ServiceHandle[];
  /** Where the Sentinels say the primary is now. */
  primary(): Promise<{ host: string; port: number }>;
  /** The data server on `port`. */
  serverOn(port: number): ServiceHandle;
  /**
   * SENTINEL FAILOVER: the replica is promoted, the old primary turned into
   * its replica; resolves once the new primary accepts writes and every
   * Sentinel names it.
   */
  failover(): Promise<{ host: string; port: number }>;
  /** Resolves once every Sentinel names a primary other than `old` and it accepts writes. */
  waitForNewPrimary(old: { port: number }): Promise<{ host: string; port: number }>;
  stop(): Promise<void>;
}

const SENTINELS = 3;

/**
 * A primary, one replica and three Sentinels (quorum 2) on loopback: the
 * smallest Sentinel deployment that fails over by majority, for tests and
 * for trying REDIS_SENTINELS locally.
 */
export async function startRedisSentinelGroup(
  options: RedisSentinelOptions,
): Promise<RedisSentinelGroup> {
  const host = options.host ?? '127.0.0.1';
  const masterName = options.masterName ?? 'mymaster';
  const dataDir = resolve(options.dataDir);
  const started: ServiceHandle[] = [];
  try {
    const { password, sentinelPassword } = options;
    const data = (port: number) => ({ host, port, password });
    const sentinel = (port: number) => ({ host, port, password: sentinelPassword });
    const primary = await startRedis({
      dataDir: join(dataDir, 'redis-a'),
      host,
      password,
      log: options.log,
    });
    started.push(primary);
    const replica = await startRedis({
      dataDir: join(dataDir, 'redis-b'),
      host,
      password,
      log: options.log,
      extraArgs: () => ['--replicaof', host, String(primary.port)],
    });
    started.push(replica);
    await waitFor('replica in sync', async () =>
      /master_link_status:up/.test(await redisCli(data(replica.port), 'INFO', 'replication')),
    );
    const sentinelHandles: ServiceHandle[] = [];
    for (let i = 0; i < SENTINELS; i++) {
      const handle = await startSentinel({
        dataDir: join(dataDir, `sentinel-${i + 1}`),
        host,
        masterName,
        primaryPort: primary.port,
        downAfterMs: options.downAfterMs ?? 1_000,
        password,
        sentinelPassword,
        log: options.log,
      });
      sentinelHandles.push(handle);
      started.push(handle);
    }
    // A failover needs a majority of Sentinels that know each other and the replica.
    for (const s of sentinelHandles) {
      await waitFor(`sentinel ${s.port} knows the others and the replica`, async () => {
        const master = await redisCli(sentinel(s.port), 'SENTINEL', 'MASTER', masterName);
        const field = (name: string) => new RegExp(`^${name}\\n(\\d+)$`, 'm').exec(master)?.[1];
        return (
          field('num-other-sentinels') === String(SENTINELS - 1) && field('num-slaves') === '1'
        );
      });
    }
    const servers = [primary, replica];
    const primaryNow = async () => {
      for (const s of sentinelHandles) {
        const reply = await redisCli(
          sentinel(s.port),
          'SENTINEL',
          'GET-MASTER-ADDR-BY-NAME',
          masterName,
        ).catch(() => '');
        const [ip, port] = reply.split('\n');
        if (ip && port) return { host: ip, port: Number(port) };
      }
      throw new Error('no Sentinel answers');
    };
    const waitForNewPrimary = async (old: { port: number }) => {
      let found: { host: string; port: number } | undefined;
      await waitFor(
        'the Sentinels agree on a new primary',
        async () => {
          const named = await Promise.all(
            sentinelHandles.map((s) =>
              redisCli(sentinel(s.port), 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName),
            ),
          );
          const ports = new Set(named.map((r) => r.split('\n')[1]));
          const [port] = [...ports];
          if (ports.size !== 1 || port === undefined || Number(port) === old.port) return false;
          const role = await redisCli(data(Number(port)), 'ROLE');
          if (!role.startsWith('master')) return false;
          found = { host, port: Number(port) };
          return true;
        },
        60_000,
      );
      return found!;
    };
    return {
      masterName,
      sentinels: sentinelHandles.map((s) => ({ host, port: s.port })),
      servers,
      sentinelHandles,
      primary: primaryNow,
      serverOn(port) {
        const server = servers.find((s) => s.port === port);
        if (!server) throw new Error(`no data server on port ${port}`);
        return server;
      },
      async failover() {
        const old = await primaryNow();
        await redisCli(sentinel(sentinelHandles[0]!.port), 'SENTINEL', 'FAILOVER', masterName);
        return waitForNewPrimary(old);
      },
      waitForNewPrimary,
      async stop() {
        await Promise.all(started.map((s) => s.stop()));
      },
    };
  } catch (error) {
    await Promise.all(started.map((s) => s.stop()));
    throw error;
  }
}

async function startSentinel(o: {
  dataDir: string;
  host: string;
  masterName: string;
  primaryPort: number;
  downAfterMs: number;
  password: string | undefined;
  sentinelPassword: string | undefined;
  log?: ((line: string) => void) | undefined;
}): Promise<ServiceHandle> {
  mkdirSync(o.dataDir, { recursive: true });
  const config = join(o.dataDir, 'sentinel.conf');
  let proc: ServerProcess | undefined;
  const launch = async (port: number) => {
    // Sentinel rewrites its configuration file (what it learned: replicas,
    // other Sentinels, the current primary), so it must be its own and writable.
    writeFileSync(
      config,
      [
        `port ${port}`,
        `bind ${o.host}`,
        `dir ${o.dataDir}`,
        `sentinel monitor ${o.masterName} ${o.host} ${o.primaryPort} 2`,
        `sentinel down-after-milliseconds ${o.masterName} ${o.downAfterMs}`,
        `sentinel failover-timeout ${o.masterName} 10000`,
        `sentinel parallel-syncs ${o.masterName} 1`,
        ...(o.password === undefined ? [] : [`sentinel auth-pass ${o.masterName} ${o.password}`]),
        // A Sentinel with a password needs it from the others too.
        ...(o.sentinelPassword === undefined
          ? []
          : [`requirepass ${o.sentinelPassword}`, `sentinel sentinel-pass ${o.sentinelPassword}`]),
        '',
      ].join('\n'),
    );
    const started = new ServerProcess(
      `redis sentinel on ${o.host}:${port}`,
      process.env.SLUICE_REDIS_SERVER ?? 'redis-server',
      [config, '--sentinel'],
      {},
      o.log,
    );
    proc = started;
    await waitUntilReady(started, () =>
      isOurRedis(o.host, port, started.child.pid, o.sentinelPassword),
    );
  };
  const port = await launchOnPort(undefined, o.host, launch);
  return signalStoppedHandle({
    url: `redis://${o.host}:${port}`,
    port,
    host: o.host,
    current: () => proc!,
    // A restart keeps what it learned (the file it rewrote).
    launch: async (p) => {
      const started = new ServerProcess(
        `redis sentinel on ${o.host}:${p}`,
        process.env.SLUICE_REDIS_SERVER ?? 'redis-server',
        [config, '--sentinel'],
        {},
        o.log,
      );
      proc = started;
      await waitUntilReady(started, () =>
        isOurRedis(o.host, p, started.child.pid, o.sentinelPassword),
      );
    },
  });
}
