import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from '@sluice/lifecycle';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { listenOrigin } from '../http/listen-origin.ts';
import { HttpProblem } from '../http/problem.ts';
import { createLoginThrottle, type LoginThrottle } from './login-throttle.ts';

const REALM = 'Sluice admin';

export interface AdminAccessOptions {
  credentials: { user: string; password: string };
  logger: Logger;
  /** PUBLIC_URL: its origin is where the admin UI's pages are served. */
  publicUrl?: string | undefined;
  /** ADMIN_ALLOWED_ORIGINS: other origins the API is reached under. */
  allowedOrigins?: readonly string[] | undefined;
  /** Failed logins per client (default: 10 a minute). */
  throttle?: LoginThrottle | undefined;
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

function originOf(url: string | undefined): string | undefined {
  if (!url || url === 'null') return undefined;
  try {
    const { origin } = new URL(url);
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

const LOOPBACK = /^http:\/\/(127\.\d+\.\d+\.\d+|\[::1\]):(\d+)$/;

/**
 * The origins whose pages may act on the admin UI over this connection:
 * PUBLIC_URL's, the configured ones, and the address the connection reached
 * (a page served from there is ours), with `localhost` for it when it is a
 * loopback address (a browser on this machine, `./dev start`). Never the
 * Host header: the client writes it, so a page on any site that resolves its
 * name to this server (DNS rebinding) would pass.
 */
function trustedOrigins(req: Request, configured: ReadonlySet<string>): Set<string> {
  const trusted = new Set(configured);
  const own = listenOrigin(req);
  trusted.add(own);
  const loopback = LOOPBACK.exec(own);
  if (loopback) {
    for (const host of ['localhost', '127.0.0.1', '[::1]'])
      trusted.add(`http://${host}:${loopback[2]}`);
  }
  return trusted;
}

/** Browsers resend Basic credentials by themselves: a state change must prove it comes from our pages. */
function fromTrustedOrigin(req: Request, configured: ReadonlySet<string>): boolean {
  const origin = req.headers.origin;
  const source = origin !== undefined ? originOf(origin) : originOf(req.headers.referer);
  return source !== undefined && trustedOrigins(req, configured).has(source);
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
 * Who may use the admin UI: HTTP Basic with the admin credentials for every
 * request, and for anything but GET/HEAD an Origin (else Referer) that is
 * one of the admin UI's own (CSRF). A client whose logins keep failing gets
 * 429 with Retry-After, its credentials unchecked, until the throttle lets
 * it try again. Mount before the board, under /admin.
 */
export function adminAccess(options: AdminAccessOptions): RequestHandler[] {
  const { logger } = options;
  const expectedUser = sha256(options.credentials.user);
  const expectedPassword = sha256(options.credentials.password);
  const configured = new Set(
    [originOf(options.publicUrl), ...(options.allowedOrigins ?? [])].filter(
      (o): o is string => o !== undefined,
    ),
  );

  const throttle = options.throttle ?? createLoginThrottle();

  const check: RequestHandler = (req, _res, next) => {
    const client = req.ip ?? req.socket.remoteAddress ?? '';
    const waitMs = throttle.waitMs(client);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      next(
        new HttpProblem(
          'too_many_login_attempts',
          `Too many failed admin logins from this client; try again in ${seconds} s.`,
          { headers: { 'retry-after': String(seconds) } },
        ),
      );
      return;
    }
    const given = basicCredentials(req);
    // Both comparisons always run: no early exit that times the user name.
    const userOk = sameSecret(given?.user ?? '', expectedUser);
    const passwordOk = sameSecret(given?.password ?? '', expectedPassword);
    if (!given || !(userOk && passwordOk)) {
      // A request without credentials is a browser's first one, not a guess.
      if (given) {
        throttle.failed(client);
        logger.warn({ ip: req.ip, path: req.originalUrl }, 'admin login failed');
      }
      next(
        new HttpProblem('unauthorized', 'The admin UI needs the admin credentials (HTTP Basic).', {
          headers: { 'www-authenticate': `Basic realm="${REALM}", charset="UTF-8"` },
        }),
      );
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD' && !fromTrustedOrigin(req, configured)) {
      logger.warn(
        { ip: req.ip, method: req.method, path: req.originalUrl, origin: req.headers.origin },
        'admin request from another origin rejected',
      );
      next(
        new HttpProblem(
          'csrf_rejected',
          "Admin actions must come from the admin UI's own pages (their Origin or Referer: PUBLIC_URL, the API's address or ADMIN_ALLOWED_ORIGINS).",
        ),
      );
      return;
    }
    next();
  };
  return [securityHeaders, check];
}
