import { createHash, timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Logger } from '@sluice/lifecycle';
import { QUEUE_NAMES } from '@sluice/queue';
import { Queue } from 'bullmq';
import { type NextFunction, type Request, type Response, Router } from 'express';
import type { Redis } from 'ioredis';
import { HttpProblem } from '../http/problem.ts';

export const ADMIN_QUEUES_PATH = '/admin/queues';
const REALM = 'Sluice admin';

export interface AdminOptions {
  /** HTTP Basic credentials; without them the admin UI is disabled (404 admin_disabled). */
  credentials?: { user: string; password: string } | undefined;
  /** The API's Redis connection (shared, not closed here). */
  connection: Redis;
  prefix: string;
  logger: Logger;
  /** Its host is accepted as an origin too (API behind a proxy that rewrites Host). */
  publicUrl?: string | undefined;
}

export interface AdminBoard {
  /** Mount at the application root: it answers under /admin only. */
  router: Router;
  enabled: boolean;
  /** Closes the Queue instances Bull Board reads through (not the connection). */
  close(): Promise<void>;
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Constant time in the length and content of both values (compares fixed-size hashes). */
function sameSecret(given: string, expected: Buffer): boolean {
  return timingSafeEqual(sha256(given), expected);
}

function basicCredentials(req: Request): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function hostOf(url: string | undefined): string | undefined {
  if (!url || url === 'null') return undefined;
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Browsers resend Basic credentials on their own, so any state-changing
 * request must prove it comes from our own pages: its Origin (else Referer)
 * must name the host the request was sent to.
 */
function isSameOrigin(req: Request, publicHost: string | undefined): boolean {
  const origin = req.headers.origin;
  const source = origin !== undefined ? hostOf(origin) : hostOf(req.headers.referer);
  if (!source) return false;
  const host = req.headers.host?.toLowerCase();
  return source === host || source === publicHost;
}

function securityHeaders(_req: Request, res: Response, next: NextFunction) {
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('content-security-policy', "frame-ancestors 'none'");
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'same-origin');
  res.setHeader('cache-control', 'no-store');
  next();
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

  const expectedUser = sha256(credentials.user);
  const expectedPassword = sha256(credentials.password);
  const publicHost = hostOf(options.publicUrl);

  router.use('/admin', securityHeaders, (req, _res, next) => {
    const given = basicCredentials(req);
    // Both comparisons always run: no early exit that times the user name.
    const userOk = sameSecret(given?.user ?? '', expectedUser);
    const passwordOk = sameSecret(given?.password ?? '', expectedPassword);
    if (!given || !(userOk && passwordOk)) {
      if (given) logger.warn({ ip: req.ip, path: req.originalUrl }, 'admin login failed');
      next(
        new HttpProblem('unauthorized', 'The admin UI needs the admin credentials (HTTP Basic).', {
          headers: { 'www-authenticate': `Basic realm="${REALM}", charset="UTF-8"` },
        }),
      );
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD' && !isSameOrigin(req, publicHost)) {
      logger.warn(
        { ip: req.ip, method: req.method, path: req.originalUrl, origin: req.headers.origin },
        'admin request from another origin rejected',
      );
      next(
        new HttpProblem(
          'csrf_rejected',
          'Admin actions must come from the admin UI itself (Origin or Referer must match Host).',
        ),
      );
      return;
    }
    next();
  });

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
