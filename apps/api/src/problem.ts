import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';

/**
 * An error the client can act on, sent as RFC 9457 problem+json. `code` is
 * the stable, documented identifier clients switch on; `detail` is for people.
 */
export class HttpProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    code: string,
    title: string,
    detail?: string,
    options: {
      extra?: Record<string, unknown>;
      headers?: Record<string, string>;
      cause?: unknown;
    } = {},
  ) {
    super(detail ?? title, { cause: options.cause });
    this.name = 'HttpProblem';
    this.status = status;
    this.code = code;
    this.title = title;
    this.extra = options.extra ?? {};
    this.headers = options.headers ?? {};
  }
}

export function sendProblem(req: Request, res: Response, problem: HttpProblem): void {
  if (res.headersSent) {
    // Mid-stream failure: the status line is gone; cutting the connection is
    // the only honest signal (the client sees a truncated transfer).
    res.destroy(problem);
    return;
  }
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
        problem = new HttpProblem(status, 'bad_request', 'Bad request', (error as Error).message);
      } else {
        logger.error({ err: error, path: req.path }, 'unhandled error');
        problem = new HttpProblem(
          500,
          'internal_error',
          'Internal server error',
          'The server failed to handle the request; it has been logged.',
        );
      }
    }
    sendProblem(req, res, problem);
  };
}
