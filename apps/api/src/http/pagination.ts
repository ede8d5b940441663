import { pageQuerySchema } from '@sluice/contract';
import type { Request, Response } from 'express';
import { parseInput } from './parse-input.ts';

export interface PageRequest {
  limit: number;
  offset: number;
}

/**
 * `?limit=&offset=` (limit 1..1000, default 100), as @sluice/contract's
 * pageQuerySchema says (the document's parameters of every list).
 */
export function readPage(req: Request, defaultLimit = 100): PageRequest {
  const { limit, offset } = parseInput(
    pageQuerySchema,
    { limit: req.query.limit, offset: req.query.offset },
    'invalid_pagination',
  );
  return {
    limit: limit === undefined ? defaultLimit : Number(limit),
    offset: offset === undefined ? 0 : Number(offset),
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
