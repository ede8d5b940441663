import { constants as zlibConstants } from 'node:zlib';
import compression from 'compression';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

export const HELMET_OPTIONS: Parameters<typeof helmet>[0] = {
  contentSecurityPolicy: {
    directives: {
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:'],
      'font-src': ["'self'", 'data:'],
      'connect-src': ["'self'"],
      'frame-ancestors': ["'none'"],
      'form-action': ["'self'"],
      'object-src': ["'none'"],
      'base-uri': ["'self'"],
    },
  },
};

/** What helmet does to a response: headers set and removed, in its order. */
type HeaderStep = { set: string; value: string | number | readonly string[] } | { remove: string };

/**
 * Runs helmet once against a response that only records, so that its steps
 * can be replayed: with these options every one of its headers is a
 * constant (no directive depends on the request), so one middleware setting
 * them gives each response exactly what helmet's chain of a dozen nested
 * middlewares would, at a fraction of the cost per request.
 */
function recordHelmet(): HeaderStep[] {
  const steps: HeaderStep[] = [];
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      steps.push({ set: name, value });
      return recorder;
    },
    removeHeader(name: string) {
      steps.push({ remove: name });
    },
  };
  let finished = false;
  helmet(HELMET_OPTIONS)({} as never, recorder as never, (error?: unknown) => {
    if (error) throw error;
    finished = true;
  });
  // helmet answers synchronously; anything else would mean the recording is incomplete.
  if (!finished)
    throw new Error('helmet did not finish synchronously: its headers cannot be replayed');
  return steps;
}

/**
 * Headers every response carries, from helmet: no MIME sniffing, no framing
 * by other sites, no referrer leaks, a same-origin resource policy, and a
 * Content-Security-Policy that allows only this origin's scripts and styles
 * (Bull Board's bundle included; its UI also sets inline styles). Recorded
 * from helmet at start (recordHelmet) and replayed by one middleware.
 */
export function securityHeaders(): RequestHandler {
  const steps = recordHelmet();
  return (_req, res, next) => {
    for (const step of steps) {
      if ('set' in step) res.setHeader(step.set, step.value);
      else res.removeHeader(step.remove);
    }
    next();
  };
}

/**
 * gzip or brotli per Accept-Encoding for JSON, problem+json, /metrics and
 * the streamed CSV downloads (each written chunk is compressed as it goes:
 * a download is never buffered whole). Small bodies go as they are. Event
 * streams (text/event-stream) are never compressed: the compressor holds
 * back what it is given until it has a block's worth, and each event must
 * reach the client when it is written.
 */
export function compressResponses(): RequestHandler {
  return compression({
    threshold: 1024,
    filter: (req, res) =>
      !/^text\/event-stream\b/i.test(String(res.getHeader('content-type') ?? '')) &&
      compression.filter(req, res),
    // Brotli's default (11) costs ~20x gzip's CPU for a few percent; 4 is
    // faster than gzip's default and still smaller.
    brotli: { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 4 } },
  });
}
