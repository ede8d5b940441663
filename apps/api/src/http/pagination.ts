import type { Request, Response } from 'express';
import { HttpProblem } from './problem.ts';

export interface PageRequest {
  limit: number;
  offset: number;
}

const MAX_LIMIT = 1000;

function readInt(req: Request, name: string, fallback: number, min: number, max: number): number {
  const raw = req.query[name];
  if (raw === undefined) return fallback;
  const n = typeof raw === 'string' && /^\d{1,12}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new HttpProblem(
      'invalid_pagination',
      `${name} must be a whole number from ${min} to ${max}.`,
    );
  }
  return n;
}

/** `?limit=&offset=` (limit 1..1000, default 100). */
export function readPage(req: Request, defaultLimit = 100): PageRequest {
  return {
    limit: readInt(req, 'limit', defaultLimit, 1, MAX_LIMIT),
    offset: readInt(req, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
  };
}

/**
 * X-Total-Count and an RFC 8288 Link header (first, prev, next, last) built
 * from the request's own URL, so clients page without composing URLs.
 */
export function setPageHeaders(
  req: Request,
  res: Response,
  baseUrl: string,
  page: PageRequest,
  total: number,
): void {
  const link = (offset: number, rel: string) => {
    const url = new URL(req.originalUrl, baseUrl);
    url.searchParams.set('limit', String(page.limit));
    url.searchParams.set('offset', String(offset));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const lastOffset = total === 0 ? 0 : Math.floor((total - 1) / page.limit) * page.limit;
  const links = [link(0, 'first')];
  if (page.offset > 0) links.push(link(Math.max(0, page.offset - page.limit), 'prev'));
  if (page.offset + page.limit < total) links.push(link(page.offset + page.limit, 'next'));
  links.push(link(lastOffset, 'last'));
  res.setHeader('x-total-count', String(total));
  res.setHeader('link', links.join(', '));
}
