import type { Page } from './paged.ts';
import { type Location, setQuery } from './routes.ts';

/**
 * "21–40 of 95" with Previous and Next: the footer of a paged table. The
 * offset lives in the page's address (`offset` in its query): moving changes it there.
 */
export function Pager({
  label,
  page,
  limit,
  empty,
  location,
}: {
  label: string;
  page: Page<unknown>;
  limit: number;
  empty: string;
  location: Location;
}) {
  const { offset, total } = page;
  const go = (to: number) => setQuery(location, { offset: to ? String(to) : null });
  return (
    <nav class="pager" aria-label={label}>
      <p aria-live="polite">
        {total === 0
          ? empty
          : offset >= total
            ? `Nothing from ${offset + 1}; there are ${total}.`
            : `${offset + 1}–${Math.min(offset + limit, total)} of ${total}`}
      </p>
      <button type="button" disabled={offset === 0} onClick={() => go(Math.max(0, offset - limit))}>
        Previous
      </button>
      <button type="button" disabled={offset + limit >= total} onClick={() => go(offset + limit)}>
        Next
      </button>
    </nav>
  );
}
