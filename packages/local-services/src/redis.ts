import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { ServerProcess, waitUntilReady } from './child.ts';
import { type ServiceHandle, signalStoppedHandle } from './handle.ts';
import { launchOnPort } from './ports.ts';

export interface RedisOptions {
  dataDir: string;
  port?: number | undefined;
  host?: string;
  log?: (line: string) => void;
  /** requirepass (and masterauth, for a replica of a server with the same password). */
  password?: string | undefined;
  /** More redis-server arguments (`--replicaof h p`, cluster settings). */
  extraArgs?: (port: number) => string[];
}

/**
 * Asks host:port for its process id over a raw socket (no client library
 * needed) and checks it is `pid`: a reply from whatever else holds the port
 * must not count as "our server is ready". Before the server accepts commands
 * (e.g. -LOADING while it replays the AOF) this is false, and we ask again.
 */
export function isOurRedis(
  host: string,
  port: number,
  pid: number | undefined,
  password?: string,
): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ host, port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolvePromise(ok); // later calls are no-ops
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () =>
      socket.write(
        `${password === undefined ? '' : `AUTH ${JSON.stringify(password)}\r\n`}INFO server\r\n`,
      ),
    );
    socket.on('data', (data) => {
      reply += data.toString();
      if (reply.startsWith('-')) return done(false);
      const match = /\r\nprocess_id:(\d+)\r\n/.exec(reply);
      if (match) done(Number(match[1]) === pid);
    });
    // Whatever holds the port may hang up without a word (no error, no data):
    // settle then too, or start-up would wait here forever.
    socket.once('close', () => done(false));
  });
}

/**
 * Runs redis-server as a child process the way BullMQ needs it: AOF on (a
 * restart keeps the queues), noeviction (BullMQ keys must never be evicted),
 * bound to loopback.
 */
export async function startRedis(options: RedisOptions): Promise<ServiceHandle> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  let proc: ServerProcess | undefined;
  const launch = async (port: number) => {
    const args = [
      '--port',
      String(port),
      '--bind',
      host,
      '--dir',
      dataDir,
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
      ...(options.password === undefined
        ? []
        : ['--requirepass', options.password, '--masterauth', options.password]),
      ...(options.extraArgs?.(port) ?? []),
    ];
    const started = new ServerProcess(
      `redis-server on ${host}:${port}`,
      process.env.SLUICE_REDIS_SERVER ?? 'redis-server',
      args,
      {},
      options.log,
    );
    proc = started;
    await waitUntilReady(started, () =>
      isOurRedis(host, port, started.child.pid, options.password),
    );
  };
  const port = await launchOnPort(options.port, host, launch);
  // SIGTERM: Redis flushes the AOF and exits.
  return signalStoppedHandle({
    url: `redis://${options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`}${host}:${port}`,
    port,
    host,
    current: () => proc!,
    launch,
  });
}
