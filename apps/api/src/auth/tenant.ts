import type { RequestHandler, Response } from 'express';

/**
 * The tenant a /v1 request acts for. Every route reads its jobs and
 * datasets through this: another tenant's resource is simply not found.
 */
export function tenantOf(res: Response): string {
  const tenantId = res.locals.tenantId as string | undefined;
  // A route mounted without tenant resolution is a bug, never a reason to
  // act for nobody (or everybody).
  if (!tenantId) throw new Error('no tenant resolved for this request');
  return tenantId;
}

/** Every request acts for this one tenant (until API keys name the tenant per request). */
export function actAsTenant(tenantId: string): RequestHandler {
  return (_req, res, next) => {
    res.locals.tenantId = tenantId;
    next();
  };
}
