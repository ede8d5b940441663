import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './env.ts';
import { loadApiConfig, loadWorkerConfig } from './settings.ts';

const base = { DATABASE_URL: 'postgres://u@127.0.0.1:5/db', REDIS_URL: 'redis://127.0.0.1:6' };

describe('loadApiConfig', () => {
  it('applies defaults', () => {
    const c = loadApiConfig(base);
    expect(c.PORT).toBe(8080);
    expect(c.MAX_UPLOAD_BYTES).toBe(1024 ** 3);
    expect(c.CHUNK_BYTES).toBe(1024 ** 2);
    expect(c.QUEUE_PREFIX).toBe('{sluice}');
  });

  it.each([
    ['1048576', 1048576],
    ['512KB', 512 * 1024],
    ['64mb', 64 * 1024 ** 2],
    ['1GB', 1024 ** 3],
    ['1.5k', 1536],
  ])('parses the size %s', (raw, bytes) => {
    expect(loadApiConfig({ ...base, MAX_UPLOAD_BYTES: raw }).MAX_UPLOAD_BYTES).toBe(bytes);
  });

  it('reads ADMIN_ALLOWED_ORIGINS as a list of origins', () => {
    expect(loadApiConfig(base).ADMIN_ALLOWED_ORIGINS).toEqual([]);
    expect(
      loadApiConfig({
        ...base,
        ADMIN_ALLOWED_ORIGINS: 'https://ops.example.com, http://10.0.0.5:8080/',
      }).ADMIN_ALLOWED_ORIGINS,
    ).toEqual(['https://ops.example.com', 'http://10.0.0.5:8080']);
    for (const bad of ['ops.example.com', 'https://ops.example.com/admin', 'ftp://x.example']) {
      expect(() => loadApiConfig({ ...base, ADMIN_ALLOWED_ORIGINS: bad }), bad).toThrow(
        ConfigError,
      );
    }
  });

  it('takes ADMIN_USER and ADMIN_PASSWORD together or not at all', () => {
    expect(loadApiConfig(base).ADMIN_USER).toBeUndefined();
    const both = loadApiConfig({
      ...base,
      ADMIN_USER: 'ops',
      ADMIN_PASSWORD: 'long enough secret',
    });
    expect([both.ADMIN_USER, both.ADMIN_PASSWORD]).toEqual(['ops', 'long enough secret']);
    expect(() => loadApiConfig({ ...base, ADMIN_USER: 'ops' })).toThrow(
      /ADMIN_PASSWORD: ADMIN_USER and ADMIN_PASSWORD must be set together/,
    );
    expect(() => loadApiConfig({ ...base, ADMIN_PASSWORD: 'long enough secret' })).toThrow(
      /ADMIN_USER: /,
    );
    expect(() =>
      loadApiConfig({ ...base, ADMIN_USER: 'a:b', ADMIN_PASSWORD: 'x'.repeat(12) }),
    ).toThrow(/ADMIN_USER="a:b"/);
    expect(() => loadApiConfig({ ...base, ADMIN_USER: 'ops', ADMIN_PASSWORD: 'short' })).toThrow(
      /ADMIN_PASSWORD: expected at least 12/, // the value (a secret) is not echoed
    );
  });

  it('takes WORKER_TARGET_CHUNKS_PER_WORKER as a positive integer (default 4)', () => {
    expect(loadApiConfig(base).WORKER_TARGET_CHUNKS_PER_WORKER).toBe(4);
    expect(
      loadApiConfig({ ...base, WORKER_TARGET_CHUNKS_PER_WORKER: '8' })
        .WORKER_TARGET_CHUNKS_PER_WORKER,
    ).toBe(8);
    for (const bad of ['0', '-1', '2.5', 'many']) {
      expect(() => loadApiConfig({ ...base, WORKER_TARGET_CHUNKS_PER_WORKER: bad }), bad).toThrow(
        /WORKER_TARGET_CHUNKS_PER_WORKER=/,
      );
    }
  });

  it('treats empty strings as unset', () => {
    expect(loadApiConfig({ ...base, PORT: '' }).PORT).toBe(8080);
  });

  it('reports every bad variable by name with its value', () => {
    let error: unknown;
    try {
      loadApiConfig({ DATABASE_URL: 'mysql://x', PORT: 'eighty', MAX_UPLOAD_BYTES: 'lots' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.join('\n');
    expect(issues).toMatch(/DATABASE_URL="mysql:\/\/x": expected a postgres/);
    expect(issues).toMatch(/REDIS_URL: /);
    expect(issues).toMatch(/PORT="eighty"/);
    expect(issues).toMatch(/MAX_UPLOAD_BYTES="lots"/);
  });
});

describe('loadWorkerConfig', () => {
  it('applies defaults and validates the queue prefix', () => {
    expect(loadWorkerConfig(base).WORKER_THREAD_NICE).toBe(10);
    expect(() => loadWorkerConfig({ ...base, QUEUE_PREFIX: 'a:b' })).toThrow(/QUEUE_PREFIX/);
  });

  it('defaults WORKER_THREADS to the cores this process may use, and takes an explicit count', () => {
    expect(loadWorkerConfig(base).WORKER_THREADS).toBe(Math.min(64, availableParallelism()));
    expect(loadWorkerConfig({ ...base, WORKER_THREADS: '3' }).WORKER_THREADS).toBe(3);
    expect(() => loadWorkerConfig({ ...base, WORKER_THREADS: '0' })).toThrow(/WORKER_THREADS/);
    expect(() => loadWorkerConfig({ ...base, WORKER_THREAD_NICE: '20' })).toThrow(
      /WORKER_THREAD_NICE/,
    );
  });

  it('takes HEAP_GROWING_PERCENT from 0 (V8 decides) up, default 100, API and worker alike', () => {
    expect(loadWorkerConfig(base).HEAP_GROWING_PERCENT).toBe(100);
    expect(loadApiConfig(base).HEAP_GROWING_PERCENT).toBe(100);
    expect(loadWorkerConfig({ ...base, HEAP_GROWING_PERCENT: '0' }).HEAP_GROWING_PERCENT).toBe(0);
    expect(() => loadApiConfig({ ...base, HEAP_GROWING_PERCENT: '-1' })).toThrow(
      /HEAP_GROWING_PERCENT/,
    );
  });

  it("bounds a killed worker's recovery by default: lock + stalled check under 10 s", () => {
    // A dead worker's jobs come back within lock + stalled-check interval
    // (BullMQ's stalled check); issue 15's goal is 10 s.
    const c = loadWorkerConfig(base);
    expect(c.WORKER_LOCK_DURATION_MS).toBe(5000);
    expect(c.WORKER_STALLED_INTERVAL_MS).toBe(2000);
    expect(c.WORKER_LOCK_DURATION_MS + c.WORKER_STALLED_INTERVAL_MS).toBeLessThan(10_000);
    expect(() => loadWorkerConfig({ ...base, WORKER_LOCK_DURATION_MS: '999' })).toThrow(
      /WORKER_LOCK_DURATION_MS/,
    );
  });
});

describe('database pool settings', () => {
  it('have defaults, and become createDatabase options', async () => {
    const { databasePoolOptionsOf } = await import('./database-pool-settings.ts');
    const c = loadWorkerConfig(base);
    expect(databasePoolOptionsOf(c)).toEqual({
      poolSize: 10,
      minConnections: 0,
      idleTimeoutMs: 30_000,
      connectTimeoutMs: 10_000,
      maxUses: undefined,
      connectRetries: 2,
      connectRetryMinMs: 100,
      connectRetryMaxMs: 2_000,
    });
    const set = loadApiConfig({
      ...base,
      DATABASE_POOL_SIZE: '20',
      DATABASE_POOL_MIN: '5',
      DATABASE_POOL_IDLE_TIMEOUT_MS: '0',
      DATABASE_CONNECT_TIMEOUT_MS: '2500',
      DATABASE_POOL_MAX_USES: '7500',
      DATABASE_CONNECT_RETRIES: '0',
    });
    expect(databasePoolOptionsOf(set)).toMatchObject({
      poolSize: 20,
      minConnections: 5,
      idleTimeoutMs: 0,
      connectTimeoutMs: 2500,
      maxUses: 7500,
      connectRetries: 0,
    });
  });

  it('refuse a minimum above the maximum, and backoff bounds the wrong way round', () => {
    expect(() => loadApiConfig({ ...base, DATABASE_POOL_MIN: '11' })).toThrow(
      /DATABASE_POOL_MIN="11": DATABASE_POOL_MIN \(11\) must not exceed DATABASE_POOL_SIZE \(10\)/,
    );
    expect(() =>
      loadWorkerConfig({
        ...base,
        DATABASE_CONNECT_RETRY_MIN_MS: '500',
        DATABASE_CONNECT_RETRY_MAX_MS: '100',
      }),
    ).toThrow(/DATABASE_CONNECT_RETRY_MIN_MS \(500\) must not exceed/);
    for (const [name, bad] of [
      ['DATABASE_POOL_MIN', '-1'],
      ['DATABASE_CONNECT_TIMEOUT_MS', '10'],
      ['DATABASE_CONNECT_RETRIES', 'many'],
      ['DATABASE_POOL_MAX_USES', '1.5'],
    ] as const) {
      expect(() => loadWorkerConfig({ ...base, [name]: bad }), name).toThrow(ConfigError);
    }
  });

  it('SLOW_REQUEST_MS defaults to 1000 ms; 0 turns the warning off', () => {
    expect(loadApiConfig(base).SLOW_REQUEST_MS).toBe(1000);
    expect(loadApiConfig({ ...base, SLOW_REQUEST_MS: '0' }).SLOW_REQUEST_MS).toBe(0);
    expect(() => loadApiConfig({ ...base, SLOW_REQUEST_MS: '-5' })).toThrow(ConfigError);
  });
});
