/**
 * Node socket error codes that mean "could not reach the server" (or lost
 * it), not "the server said no". Shared by the PostgreSQL and Redis
 * classifiers: both clients surface the socket's own error.
 */
export const SOCKET_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * An error and the errors it wraps (`cause`), outermost first, at most
 * `maxDepth` of them (a cycle of causes cannot loop). Classifiers look
 * through wrappers: a 503 problem wrapping the queue's connection error is
 * still a connection error.
 */
export function* errorChain(error: unknown, maxDepth = 5): Generator<Error> {
  let current = error;
  for (let depth = 0; current instanceof Error && depth < maxDepth; depth++) {
    yield current;
    current = current.cause;
  }
}

/** The `code` property of an error (SQLSTATE, Node error code), when it is a string. */
export function errorCode(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
