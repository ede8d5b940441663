import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { ServerProcess, waitUntilReady } from './child.ts';
import type { ServiceHandle } from './handle.ts';
import { findFreePort, waitForPortFree } from './ports.ts';

export interface RedisOptions {
  dataDir: string;
  port?: number | undefined;
  host?: string;
  log?: (line: string) => void;
}

/** Sends PING over a raw socket: no client library needed to know Redis is up. */
function ping(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/**
 * Runs redis-server as a child process the way BullMQ needs it: AOF on (a
 * restart keeps the queues), noeviction (BullMQ keys must never be evicted),
 * bound to loopback.
 */
export async function startRedis(options: RedisOptions): Promise<ServiceHandle> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await findFreePort(host));
  mkdirSync(options.dataDir, { recursive: true });
  const args = [
    '--port',
    String(port),
    '--bind',
    host,
    '--dir',
    options.dataDir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--maxmemory-policy',
    'noeviction',
    '--save',
    '',
    '--daemonize',
    'no',
    '--protected-mode',
    'yes',
  ];
  let proc: ServerProcess;
  const launch = async () => {
    proc = new ServerProcess(
      `redis-server on ${host}:${port}`,
      process.env.SLUICE_REDIS_SERVER ?? 'redis-server',
      args,
      {},
      options.log,
    );
    await waitUntilReady(proc, () => ping(host, port));
  };
  await launch();
  return {
    url: `redis://${host}:${port}`,
    port,
    get pid() {
      return proc.child.pid;
    },
    stop: () => proc.stop('SIGTERM'),
    kill: (signal = 'SIGKILL') => proc.stop(signal, 5_000),
    restart: async () => {
      await proc.stop('SIGTERM');
      await waitForPortFree(port, host);
      await launch();
    },
  };
}
