import type { Page } from './paged.ts';

/**
 * "21–40 of 95" with Previous and Next: the footer of a paged table. The
 * offset lives in the URL, so `go` changes it there.
 */
export function Pager({
  label,
  page,
  limit,
  empty,
  go,
}: {
  label: string;
  page: Page<unknown>;
  limit: number;
  empty: string;
  go: (offset: number) => void;
}) {
  const { offset, total } = page;
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
