import type { Logger } from '@sluice/lifecycle';
import type { NextFunction, Request, Response } from 'express';
import { PROBLEM_CATALOG, type ProblemCode } from './problem-catalog.ts';

/**
 * An error the client can act on, sent as RFC 9457 problem+json. `code` is
 * the stable, documented identifier clients switch on; its status and title
 * come from the catalog, so neither can disagree with it. `detail` is for
 * people: what went wrong this time and what to do.
 */
export class HttpProblem extends Error {
  readonly status: number;
  readonly code: ProblemCode;
  readonly title: string;
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;
  constructor(
    code: ProblemCode,
    detail: string,
    options: {
      extra?: Record<string, unknown>;
      headers?: Record<string, string>;
      cause?: unknown;
    } = {},
  ) {
    super(detail, { cause: options.cause });
    this.name = 'HttpProblem';
    this.status = PROBLEM_CATALOG[code].status;
    this.code = code;
    this.title = PROBLEM_CATALOG[code].title;
    this.extra = options.extra ?? {};
    this.headers = options.headers ?? {};
  }
}

/**
 * The problem codes of express' own 4xx errors (body-parser: malformed JSON
 * 400, too large 413, unsupported charset 415; an undecodable URL 400).
 * Anything else of theirs is a 400 bad_request.
 */
const EXPRESS_ERROR_CODES: Partial<Record<number, ProblemCode>> = {
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

/** Bounds for reading and discarding the unread body of a refused request. */
const DRAIN_MS = 5_000;
const DRAIN_BYTES = 64 * 1024 * 1024;

/**
 * A request refused before its body was read to the end (413, 415, a bad
 * header...) is usually still sending. Answering and closing at once makes
 * the client's next write fail (EPIPE) before it ever reads the answer. So
 * the rest of the body is read and discarded first, within bounds (a
 * "lingering close" as nginx does). Whoever read part of it did so through a
 * pipe (jobs/upload/request-body.ts), which unpipe() takes back; a reader
 * holding the request itself (an async iterator) would keep it from flowing.
 * Resolves true when the body was read to its end (the connection can serve
 * the next request), false when a bound cut it short.
 */
function drainUnreadBody(req: Request): Promise<boolean> {
  if (req.complete) return Promise.resolve(true);
  if (req.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    let drained = 0;
    const done = (complete: boolean) => {
      clearTimeout(timer);
      req.removeListener('data', count);
      req.removeListener('end', ended);
      req.removeListener('close', closed);
      resolve(complete);
    };
    const count = (piece: Buffer) => {
      drained += piece.byteLength;
      if (drained > DRAIN_BYTES) done(false);
    };
    const ended = () => done(true);
    const closed = () => done(req.complete);
    const timer = setTimeout(() => done(false), DRAIN_MS);
    req.unpipe();
    req.on('data', count);
    req.once('end', ended);
    req.once('close', closed);
    req.resume();
  });
}

/** Writes the problem as the response, now (no draining: see sendProblem). */
export function writeProblem(req: Request, res: Response, problem: HttpProblem): void {
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res
    .status(problem.status)
    .type('application/problem+json')
    .json({
      type: `/problems/${problem.code}`,
      title: problem.title,
      status: problem.status,
      detail: problem.message,
      code: problem.code,
      instance: req.originalUrl,
      ...problem.extra,
    });
}

export function sendProblem(req: Request, res: Response, problem: HttpProblem): void {
  if (res.headersSent) {
    // Mid-stream failure: the status line is gone; cutting the connection is
    // the only honest signal (the client sees a truncated transfer).
    res.destroy(problem);
    return;
  }
  if (req.complete) {
    writeProblem(req, res, problem);
    return;
  }
  void drainUnreadBody(req).then((complete) => {
    if (res.headersSent || res.destroyed) return;
    // A connection whose body was cut short cannot carry another request; one
    // read to its end (a small refused upload) stays open for the client's next.
    if (!complete) res.setHeader('connection', 'close');
    writeProblem(req, res, problem);
  });
}

/**
 * Sends an answer that needs only the start of the body (POST /v1/previews)
 * at once, then reads and discards whatever of the rest still arrives, within
 * the same bounds as a refusal (drainUnreadBody): the client gets its answer
 * without waiting to send a file nobody reads (fetch and node:http stop
 * sending once answered and close the connection), and the API holds no
 * more of the body than a socket buffer. A body read to its end leaves the
 * connection open for the client's next request; one cut short by a bound
 * closes it.
 */
export function answerBeforeBodyEnds(req: Request, answer: () => void): void {
  answer();
  if (req.complete) return;
  void drainUnreadBody(req).then((complete) => {
    if (!complete) req.socket.destroy();
  });
}

/** After every route: a request none of them answered is a 404 problem. */
export function routeNotFound(req: Request, _res: Response, next: NextFunction): void {
  next(new HttpProblem('not_found', `No route for ${req.method} ${req.path}.`));
}

/** Maps anything thrown by a handler to problem+json; never leaks internals. */
export function problemErrorHandler(
  logger: Logger,
  classify: (error: unknown) => HttpProblem | undefined,
) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    let problem = error instanceof HttpProblem ? error : classify(error);
    if (!problem) {
      const status = (error as { status?: unknown })?.status;
      // express' own errors (body too large, malformed JSON) carry a 4xx status.
      if (typeof status === 'number' && status >= 400 && status < 500) {
        // body-parser's 415 for a Content-Encoding it cannot decode.
        const code =
          (error as { type?: unknown }).type === 'encoding.unsupported'
            ? 'unsupported_compression'
            : (EXPRESS_ERROR_CODES[status] ?? 'bad_request');
        problem = new HttpProblem(code, (error as Error).message);
      } else {
        logger.error({ err: error, path: req.path }, 'unhandled error');
        problem = new HttpProblem(
          'internal_error',
          'The server failed to handle the request; it has been logged.',
        );
      }
    }
    sendProblem(req, res, problem);
  };
}
