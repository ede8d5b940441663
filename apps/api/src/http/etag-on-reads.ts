import type { Express, RequestHandler, Response } from 'express';

/** The methods express answers 304 for when the ETag matches (its req.fresh). */
const CONDITIONAL_METHODS = new Set(['GET', 'HEAD', 'QUERY']);

type ETagOf = (body: string | Buffer, encoding?: BufferEncoding) => string | undefined;

/**
 * ETags on the answers to reads only. express hashes every body it sends to
 * give it an ETag, but only a GET or HEAD can be answered 304 with it
 * (If-None-Match on a job view, /openapi.json): hashing a POST's 202 (every
 * job submission), a 4xx problem or a DELETE's answer is work no client can
 * use. Turns express's ETag off for `app` and gives the answers to reads the
 * ETag express gave them, from express's own generator, before express's
 * send, which then answers 304 to a matching If-None-Match as it did.
 */
export function etagOnReads(app: Express): RequestHandler {
  const etagOf = app.get('etag fn') as ETagOf | undefined;
  app.set('etag', false);
  if (typeof etagOf !== 'function') return (_req, _res, next) => next();
  return (req, res, next) => {
    if (CONDITIONAL_METHODS.has(req.method)) {
      const send = res.send;
      // res.json and objects come back here with their serialized string.
      res.send = function sendWithETag(this: Response, body?: unknown) {
        // express sends null as an empty body, and tags it.
        const chunk = body === null ? '' : body;
        if ((typeof chunk === 'string' || Buffer.isBuffer(chunk)) && !this.get('ETag')) {
          const tag = typeof chunk === 'string' ? etagOf(chunk, 'utf8') : etagOf(chunk);
          if (tag) this.set('ETag', tag);
        }
        return send.call(this, body);
      };
    }
    next();
  };
}
