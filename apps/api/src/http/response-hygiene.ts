import { constants as zlibConstants } from 'node:zlib';
import compression from 'compression';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Headers every response carries, from helmet: no MIME sniffing, no framing
 * by other sites, no referrer leaks, a same-origin resource policy, and a
 * Content-Security-Policy that allows only this origin's scripts and styles
 * (Bull Board's bundle included; its UI also sets inline styles).
 */
export function securityHeaders(): RequestHandler {
  return helmet({
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
  });
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
