import type { Response } from 'express';

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
