import { describe, expect, it } from 'vitest';
import { ConfigError } from './env.ts';
import { loadApiConfig, loadWorkerConfig } from './settings.ts';

const DATABASE_URL = 'postgres://u@127.0.0.1:5/db';

function issuesOf(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.join('\n');
  }
  throw new Error('expected a ConfigError');
}

describe('Redis settings', () => {
  it('takes REDIS_URL as a single Redis', () => {
    const c = loadApiConfig({ DATABASE_URL, REDIS_URL: 'redis://:pw@10.0.0.5:6380/2' });
    expect(c.redis).toEqual({ mode: 'standalone', url: 'redis://:pw@10.0.0.5:6380/2' });
  });

  it('takes REDIS_SENTINELS with the master name and the passwords', () => {
    const c = loadWorkerConfig({
      DATABASE_URL,
      REDIS_SENTINELS: '10.0.0.5:26379, sentinel-b:26380,[::1]:26381',
      REDIS_SENTINEL_MASTER: 'mymaster',
      REDIS_PASSWORD: 'data-secret',
      REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
    });
    expect(c.redis).toEqual({
      mode: 'sentinel',
      sentinels: [
        { host: '10.0.0.5', port: 26379 },
        { host: 'sentinel-b', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      masterName: 'mymaster',
      password: 'data-secret',
      sentinelPassword: 'sentinel-secret',
    });
  });

  it('takes REDIS_CLUSTER_NODES with a hash tag prefix', () => {
    const c = loadApiConfig({
      DATABASE_URL,
      REDIS_CLUSTER_NODES: '127.0.0.1:7000,127.0.0.1:7001',
      QUEUE_PREFIX: '{prod}',
    });
    expect(c.redis).toEqual({
      mode: 'cluster',
      nodes: [
        { host: '127.0.0.1', port: 7000 },
        { host: '127.0.0.1', port: 7001 },
      ],
      password: undefined,
    });
    // The default prefix is a hash tag.
    expect(loadWorkerConfig({ DATABASE_URL, REDIS_CLUSTER_NODES: 'r:7000' }).QUEUE_PREFIX).toBe(
      '{sluice}',
    );
    expect(
      loadWorkerConfig({ DATABASE_URL, REDIS_CLUSTER_NODES: 'r:7000', QUEUE_PREFIX: '{eu}-jobs' })
        .redis.mode,
    ).toBe('cluster');
  });

  it('needs exactly one of REDIS_URL, REDIS_SENTINELS and REDIS_CLUSTER_NODES', () => {
    expect(issuesOf(() => loadApiConfig({ DATABASE_URL }))).toMatch(
      /^REDIS_URL: set one of REDIS_URL \(one Redis\), REDIS_SENTINELS \(Redis Sentinel\) or REDIS_CLUSTER_NODES/,
    );
    expect(
      issuesOf(() =>
        loadWorkerConfig({
          DATABASE_URL,
          REDIS_URL: 'redis://r:6379',
          REDIS_CLUSTER_NODES: 'r:7000',
        }),
      ),
    ).toMatch(/set exactly one of .*, not REDIS_URL and REDIS_CLUSTER_NODES/);
    expect(
      issuesOf(() =>
        loadApiConfig({
          DATABASE_URL,
          REDIS_SENTINELS: 's:26379',
          REDIS_SENTINEL_MASTER: 'm',
          REDIS_CLUSTER_NODES: 'r:7000',
        }),
      ),
    ).toMatch(/not REDIS_SENTINELS and REDIS_CLUSTER_NODES/);
  });

  it.each([
    'sentinel-a',
    'sentinel-a:',
    ':26379',
    'sentinel-a:263790',
    'sentinel-a:0',
    'redis://sentinel-a:26379',
    '10.0.0.5:26379;10.0.0.6:26379',
    '::1:26379',
    ',',
  ])('refuses the malformed address list %j', (bad) => {
    expect(
      issuesOf(() =>
        loadApiConfig({ DATABASE_URL, REDIS_SENTINELS: bad, REDIS_SENTINEL_MASTER: 'm' }),
      ),
    ).toMatch(/^REDIS_SENTINELS=.*: expected (host:port items|at least one host:port)/m);
    expect(issuesOf(() => loadWorkerConfig({ DATABASE_URL, REDIS_CLUSTER_NODES: bad }))).toMatch(
      /^REDIS_CLUSTER_NODES=.*: expected/m,
    );
  });

  it('needs the master name with REDIS_SENTINELS, and Sentinel settings only with it', () => {
    expect(issuesOf(() => loadApiConfig({ DATABASE_URL, REDIS_SENTINELS: 's:26379' }))).toMatch(
      /^REDIS_SENTINEL_MASTER: REDIS_SENTINELS needs the name of the master group/,
    );
    expect(
      issuesOf(() =>
        loadApiConfig({ DATABASE_URL, REDIS_SENTINELS: 's:26379', REDIS_SENTINEL_MASTER: 'a b' }),
      ),
    ).toMatch(/^REDIS_SENTINEL_MASTER="a b": letters, digits/);
    const stray = issuesOf(() =>
      loadWorkerConfig({
        DATABASE_URL,
        REDIS_URL: 'redis://r:6379',
        REDIS_SENTINEL_MASTER: 'mymaster',
        REDIS_SENTINEL_PASSWORD: 'secret-value',
        REDIS_PASSWORD: 'secret-value',
      }),
    );
    expect(stray).toMatch(
      /REDIS_SENTINEL_MASTER="mymaster": REDIS_SENTINEL_MASTER is only used with REDIS_SENTINELS/,
    );
    expect(stray).toMatch(/REDIS_SENTINEL_PASSWORD: REDIS_SENTINEL_PASSWORD is only used/);
    expect(stray).toMatch(/REDIS_PASSWORD: with REDIS_URL the password is part of the URL/);
    // Secrets are named, never echoed.
    expect(stray).not.toContain('secret-value');
  });

  it('refuses a Cluster prefix without a hash tag, saying why', () => {
    for (const prefix of ['sluice', 'sl{}uice', 'sluice{', 'sluice}x{']) {
      const issues = issuesOf(() =>
        loadApiConfig({ DATABASE_URL, REDIS_CLUSTER_NODES: 'r:7000', QUEUE_PREFIX: prefix }),
      );
      expect(issues, prefix).toMatch(
        /^QUEUE_PREFIX=".*": with REDIS_CLUSTER_NODES the prefix must begin with a Redis Cluster hash tag such as \{sluice\}: .*parent and children .* same slot/,
      );
    }
    // Without Cluster a plain prefix is fine.
    expect(
      loadApiConfig({ DATABASE_URL, REDIS_URL: 'redis://r:6379', QUEUE_PREFIX: 'sluice' })
        .QUEUE_PREFIX,
    ).toBe('sluice');
  });

  it('reports the Redis combination together with the other bad variables', () => {
    const issues = issuesOf(() =>
      loadWorkerConfig({ DATABASE_URL: 'mysql://x', WORKER_THREADS: 'many' }),
    );
    expect(issues).toMatch(/DATABASE_URL="mysql:\/\/x"/);
    expect(issues).toMatch(/WORKER_THREADS="many"/);
    expect(issues).toMatch(/REDIS_URL: set one of/);
  });
});
