import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Logger } from '@sluice/lifecycle';
import type { RedisConnection } from '@sluice/queue';
import { QUEUE_NAMES } from '@sluice/queue';
import { Queue } from 'bullmq';
import { Router } from 'express';
import { HttpProblem } from '../http/problem.ts';
import { adminAccess } from './admin-access.ts';

export const ADMIN_QUEUES_PATH = '/admin/queues';

export interface AdminOptions {
  /** HTTP Basic credentials; without them the admin UI is disabled (404 admin_disabled). */
  credentials?: { user: string; password: string } | undefined;
  /** The API's Redis connection (shared, not closed here). */
  connection: RedisConnection;
  prefix: string;
  logger: Logger;
  /** PUBLIC_URL: admin actions are accepted from its origin (and the API's own address). */
  publicUrl?: string | undefined;
  /** ADMIN_ALLOWED_ORIGINS: further origins admin actions are accepted from. */
  allowedOrigins?: readonly string[] | undefined;
}

export interface AdminBoard {
  /** Mount at the application root: it answers under /admin only. */
  router: Router;
  enabled: boolean;
  /** Closes the Queue instances Bull Board reads through (not the connection). */
  close(): Promise<void>;
}

/**
 * Bull Board at /admin/queues, behind HTTP Basic admin credentials: every
 * queue in QUEUE_NAMES (the flow parents in sluice-jobs, their chunk children
 * in sluice-chunks) under the configured prefix.
 */
export function createAdminBoard(options: AdminOptions): AdminBoard {
  const router = Router();
  const { credentials, logger } = options;

  if (!credentials) {
    router.use(ADMIN_QUEUES_PATH, (_req, _res, next) => {
      next(
        new HttpProblem(
          'admin_disabled',
          'Set ADMIN_USER and ADMIN_PASSWORD to enable the queue dashboard.',
        ),
      );
    });
    return { router, enabled: false, close: async () => {} };
  }

  router.use(
    '/admin',
    adminAccess({
      credentials,
      logger,
      publicUrl: options.publicUrl,
      allowedOrigins: options.allowedOrigins,
    }),
  );

  const queues = Object.values(QUEUE_NAMES).map((name) => {
    const queue = new Queue(name, { connection: options.connection, prefix: options.prefix });
    // Redis outages are reported by the connection's own listener; keep the
    // EventEmitter from throwing on an unhandled 'error'.
    queue.on('error', (err) =>
      logger.debug({ err: err.message, queue: name }, 'bull board queue error'),
    );
    return queue;
  });

  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(ADMIN_QUEUES_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Sluice queues' } },
  });
  const board = serverAdapter.getRouter() as Router & { disable?: (setting: string) => void };
  board.disable?.('x-powered-by');
  router.use(ADMIN_QUEUES_PATH, board);

  return {
    router,
    enabled: true,
    close: async () => {
      await Promise.all(queues.map((queue) => queue.close()));
    },
  };
}
