import { useEffect, useState } from 'preact/hooks';

/**
 * The app's pages as hash routes (#/jobs/<id>?column=email): the API serves
 * one index.html at /, so the hash is what back/forward, reload and a shared
 * link keep. The query after the path holds a page's filters and offset.
 */
export type Route =
  | { page: 'new' }
  | { page: 'jobs' }
  | { page: 'job'; id: string }
  | { page: 'datasets' }
  | { page: 'dataset'; name: string }
  | { page: 'missing' };

export interface Location {
  route: Route;
  query: URLSearchParams;
  /** The path part (#/jobs/<id>): a change of it is a new page, one of the query is not. */
  path: string;
}

/** Reads a location hash (with or without its #); an empty one is the new-job page. */
export function parseLocation(hash: string): Location {
  const text = hash.replace(/^#/, '');
  const at = text.indexOf('?');
  const path = (at === -1 ? text : text.slice(0, at)) || '/new';
  const query = new URLSearchParams(at === -1 ? '' : text.slice(at + 1));
  const parts = path.split('/').slice(1);
  let segments: string[];
  try {
    segments = parts.map(decodeURIComponent);
  } catch {
    // A malformed %-escape: no page has it.
    return { route: { page: 'missing' }, query, path };
  }
  const [first, second, ...rest] = segments;
  let route: Route = { page: 'missing' };
  if (rest.length === 0) {
    if (first === 'new' && second === undefined) route = { page: 'new' };
    else if (first === 'jobs') route = second ? { page: 'job', id: second } : { page: 'jobs' };
    else if (first === 'datasets') {
      route = second ? { page: 'dataset', name: second } : { page: 'datasets' };
    }
  }
  return { route, query, path };
}

/** The hash of a page, with its query (an empty value is kept: `column=` means something). */
export function hrefOf(
  route: Exclude<Route, { page: 'missing' }>,
  query?: URLSearchParams,
): string {
  const path =
    route.page === 'job'
      ? `/jobs/${encodeURIComponent(route.id)}`
      : route.page === 'dataset'
        ? `/datasets/${encodeURIComponent(route.name)}`
        : `/${route.page}`;
  const search = query?.toString() ?? '';
  return `#${path}${search ? `?${search}` : ''}`;
}

/** The location now, following hash changes (links, back and forward, typed URLs). */
export function useLocation(): Location {
  const [location, setLocation] = useState(() => parseLocation(window.location.hash));
  useEffect(() => {
    const follow = () => setLocation(parseLocation(window.location.hash));
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return location;
}

/**
 * The same page with some query values changed (a filter, a page; null
 * removes one): a history step back returns from.
 */
export function setQuery(location: Location, changes: Record<string, string | null>): void {
  const query = new URLSearchParams(location.query);
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) query.delete(name);
    else query.set(name, value);
  }
  const route = location.route;
  if (route.page === 'missing') return;
  window.location.hash = hrefOf(route, query);
}
