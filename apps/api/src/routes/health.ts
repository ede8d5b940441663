import { type Database, pendingMigrations } from '@sluice/db';
import { Router } from 'express';
import type { Redis } from 'ioredis';
import { type Kysely, sql } from 'kysely';

export interface HealthDeps {
  db: Kysely<Database>;
  redis: Redis;
}

async function check(
  name: string,
  probe: () => Promise<unknown>,
): Promise<[string, { ok: boolean; detail?: string }]> {
  try {
    await probe();
    return [name, { ok: true }];
  } catch (error) {
    return [name, { ok: false, detail: error instanceof Error ? error.message : String(error) }];
  }
}

const within = <T>(ms: number, work: Promise<T>): Promise<T> =>
  Promise.race([
    work,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref(),
    ),
  ]);

/** Liveness says the process serves HTTP; readiness says it can do its job. */
export function healthRoutes(deps: HealthDeps): Router {
  const router = Router();
  router.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/health/ready', async (_req, res) => {
    const checks = Object.fromEntries(
      await Promise.all([
        check('postgres', () => within(2000, sql`select 1`.execute(deps.db))),
        check('migrations', async () => {
          const pending = await within(2000, pendingMigrations(deps.db));
          if (pending.length > 0) throw new Error(`pending: ${pending.join(', ')}`);
        }),
        check('redis', async () => {
          if ((await within(2000, deps.redis.ping())) !== 'PONG')
            throw new Error('unexpected PING reply');
        }),
      ]),
    );
    const ready = Object.values(checks).every((c) => c.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });
  return router;
}
