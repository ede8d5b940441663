import type { Request, RequestHandler } from 'express';
import { HttpProblem, writeProblem } from './problem.ts';

/** How often the guard looks at a request body's progress. */
const TICK_MS = 250;

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Cuts off a request body that arrives slower than `minBytesPerSecond`,
 * measured over `windowMs` of time spent waiting for the client, with 408
 * upload_too_slow and a closed connection. Only the client's slowness
 * counts: while the request's buffer is full, the API is the one not
 * reading (a chunk being stored), and that time is not held against the
 * client. A steady upload of any size passes; a trickle (slowloris) does
 * not hold a socket and an upload slot for long. The request's handler sees
 * its body end with an error and withdraws what it stored.
 */
export function guardBodyRate(options: {
  minBytesPerSecond: number;
  windowMs: number;
}): RequestHandler {
  const minBytesPerWindow = (options.minBytesPerSecond * options.windowMs) / 1000;
  return (req, res, next) => {
    if (options.minBytesPerSecond === 0 || !hasBody(req)) return next();
    const socket = req.socket;
    let lastRead = socket.bytesRead;
    let waitedMs = 0;
    let receivedWhileWaiting = 0;
    const timer = setInterval(() => {
      if (req.complete || res.writableEnded || socket.destroyed) {
        clearInterval(timer);
        return;
      }
      const read = socket.bytesRead;
      if (req.readableLength < req.readableHighWaterMark) {
        waitedMs += TICK_MS;
        receivedWhileWaiting += read - lastRead;
      }
      lastRead = read;
      if (waitedMs < options.windowMs) return;
      if (receivedWhileWaiting >= minBytesPerWindow) {
        waitedMs = 0;
        receivedWhileWaiting = 0;
        return;
      }
      clearInterval(timer);
      const problem = new HttpProblem(
        'upload_too_slow',
        `The request body arrived at less than ${options.minBytesPerSecond} bytes/s over ${options.windowMs / 1000} s; nothing of it was kept.`,
        { extra: { minBytesPerSecond: options.minBytesPerSecond } },
      );
      if (res.headersSent) {
        socket.destroy();
        return;
      }
      // The body is not read to its end: the connection cannot carry
      // another request, and waiting for the rest would be the trickle again.
      res.setHeader('connection', 'close');
      res.once('finish', () => socket.destroy());
      writeProblem(req, res, problem);
    }, TICK_MS);
    timer.unref();
    res.once('close', () => clearInterval(timer));
    next();
  };
}
