import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from './api.ts';

/** One page of a list: the offset it was asked for, the total (X-Total-Count) and its items. */
export interface Page<T> {
  offset: number;
  total: number;
  items: T[];
}

/** A failure as the page says it: the API's problem detail, else the error's text. */
export const messageOf = (error: unknown): string =>
  error instanceof ApiError ? error.message : String(error);

/** An offset from a URL's query: a whole number, else 0. */
export function offsetOf(query: URLSearchParams): number {
  const text = query.get('offset') ?? '';
  return /^\d{1,15}$/.test(text) ? Number(text) : 0;
}

/**
 * GET `path` (with its own filters) a page at a time: `limit` and `offset`
 * added, the total read from X-Total-Count. Only the latest request's answer
 * shows (a click can overtake a slow page); items and footer always agree.
 * `path` null: nothing to ask yet.
 */
export function usePage<T>(
  path: string | null,
  limit: number,
  offset: number,
): { page: Page<T> | null; error: string | null } {
  const [page, setPage] = useState<Page<T> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (path === null) return;
    let current = true;
    const separator = path.includes('?') ? '&' : '?';
    api(`${path}${separator}limit=${limit}&offset=${offset}`)
      .then(async (res) => {
        const total = Number(res.headers.get('x-total-count') ?? 0);
        const items = (await res.json()) as T[];
        if (!current) return;
        setPage({ offset, total, items });
        setError(null);
      })
      .catch((err: unknown) => {
        if (current) setError(messageOf(err));
      });
    return () => {
      current = false;
    };
  }, [path, limit, offset]);
  return { page, error };
}
