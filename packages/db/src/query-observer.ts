import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';

/**
 * What a statement is, as the query metrics label it (a bounded set: never
 * the SQL text): its kind by its first keyword (`with ...` by the first
 * write it contains, else select; begin/commit/rollback/savepoint are
 * `transaction`), or the name of the unit of work it belongs to
 * (`withQueryOperation`: every statement of an import's merge is `merge`).
 */
export type QueryOperation =
  | 'select'
  | 'insert'
  | 'update'
  | 'delete'
  | 'copy'
  | 'transaction'
  | 'other'
  | NamedQueryOperation;

/** Units of work whose statements are labelled by the unit, not by their kind. */
export type NamedQueryOperation = 'merge';

export interface DatabaseObserver {
  /** One statement ended (its promise settled, its COPY stream ended or failed). */
  query(operation: QueryOperation, outcome: 'ok' | 'error', seconds: number): void;
  /** A connect failed, or a connection reported an error (idle or checked out). */
  connectionError(): void;
}

const KEYWORDS: Readonly<Record<string, QueryOperation>> = {
  select: 'select',
  insert: 'insert',
  update: 'update',
  delete: 'delete',
  copy: 'copy',
  begin: 'transaction',
  start: 'transaction',
  commit: 'transaction',
  end: 'transaction',
  rollback: 'transaction',
  savepoint: 'transaction',
  release: 'transaction',
};

const WRITE_IN_CTE = /\b(insert|update|delete)\b/i;

/**
 * The kind of a statement from its first keyword: a few character reads, no
 * copy of the text (the import's hot path runs many statements). Only a
 * `with` statement is searched further.
 */
export function statementKind(text: string | undefined): QueryOperation {
  if (typeof text !== 'string') return 'other';
  let start = 0;
  while (start < text.length && text.charCodeAt(start) <= 32) start++;
  let end = start;
  // Letters only, and at most the longest keyword: `select*`, `begin;`.
  while (end < text.length && end - start < 10) {
    const c = text.charCodeAt(end) | 0x20;
    if (c < 97 || c > 122) break;
    end++;
  }
  const word = text.slice(start, end).toLowerCase();
  if (word === 'with') {
    const write = WRITE_IN_CTE.exec(text);
    return write ? (write[1]!.toLowerCase() as QueryOperation) : 'select';
  }
  return KEYWORDS[word] ?? 'other';
}

const named = new AsyncLocalStorage<NamedQueryOperation>();

/**
 * Runs `unit` with every statement it sends (on any client) labelled
 * `operation` in the query metrics instead of by its kind.
 */
export function withQueryOperation<T>(operation: NamedQueryOperation, unit: () => T): T {
  return named.run(operation, unit);
}

type Query = (...args: unknown[]) => unknown;

/**
 * Times every statement of one pg client, once per connection (the pool's
 * 'connect' event): kysely's queries, raw clients and COPY streams alike.
 * `observer()` is read per statement, so one set later counts from then on.
 */
export function observeClient(
  client: pg.PoolClient | pg.Client,
  observer: () => DatabaseObserver | undefined,
): void {
  const original = client.query as unknown as Query;
  client.on('error', () => observer()?.connectionError());
  const query: Query = function (this: unknown, ...args: unknown[]) {
    const seen = observer();
    if (!seen) return original.apply(this, args);
    const first = args[0] as string | { text?: string } | undefined;
    const operation =
      named.getStore() ?? statementKind(typeof first === 'string' ? first : first?.text);
    const started = performance.now();
    let ended = false;
    const end = (outcome: 'ok' | 'error') => {
      if (ended) return;
      ended = true;
      seen.query(operation, outcome, (performance.now() - started) / 1000);
    };
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (error: unknown, result: unknown) => {
        end(error ? 'error' : 'ok');
        return (callback as (e: unknown, r: unknown) => unknown)(error, result);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args);
    if (result instanceof Promise) {
      return result.then(
        (value) => {
          end('ok');
          return value;
        },
        (error: unknown) => {
          end('error');
          throw error;
        },
      );
    }
    // A submittable (pg-copy-streams): ends with its stream.
    const stream = result as { once?: (event: string, listener: () => void) => void } | undefined;
    if (typeof stream?.once === 'function') {
      stream.once('error', () => end('error'));
      stream.once('end', () => end('ok'));
      stream.once('finish', () => end('ok'));
    }
    return result;
  };
  (client as unknown as { query: Query }).query = query;
}
