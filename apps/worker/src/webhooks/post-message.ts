import http from 'node:http';
import https from 'node:https';
import {
  isPublicAddress,
  literalAddress,
  NonPublicAddressError,
  publicOnlyLookup,
} from '@sluice/util';

/** What one attempt got: a status code, or why there was none. */
export type PostResult =
  | { statusCode: number; error: null; refused: false }
  | { statusCode: null; error: string; refused: boolean };

export interface PostSettings {
  timeoutMs: number;
  /** WEBHOOK_ALLOW_PRIVATE_ADDRESSES. */
  allowPrivate: boolean;
}

/**
 * POSTs one webhook message. Redirects are not followed (a 3xx is an
 * answer that is not 2xx). Unless private addresses are allowed, the
 * address connected to is checked when it is resolved, so a name that was
 * public when the endpoint was registered cannot lead inside now. The
 * answer's body is read and dropped; the whole exchange has `timeoutMs`.
 */
export function postMessage(
  url: string,
  headers: Record<string, string>,
  body: string,
  settings: PostSettings,
): Promise<PostResult> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve({ statusCode: null, error: 'invalid URL', refused: true });
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return Promise.resolve({
      statusCode: null,
      error: `${target.protocol} URLs are not delivered to`,
      refused: true,
    });
  }
  const literal = literalAddress(target.hostname);
  if (!settings.allowPrivate && literal !== undefined && !isPublicAddress(literal)) {
    const error = new NonPublicAddressError(target.hostname, literal);
    return Promise.resolve({ statusCode: null, error: error.message, refused: true });
  }
  const payload = Buffer.from(body);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-length': String(payload.length),
          'user-agent': 'Sluice-Webhooks/1',
        },
        // A connection per attempt: nothing pooled outlives a delivery.
        agent: false,
        lookup: settings.allowPrivate ? undefined : publicOnlyLookup,
        signal: AbortSignal.timeout(settings.timeoutMs),
      },
      (response) => {
        response.on('error', (error) => done(error));
        response.on('end', () =>
          resolve({ statusCode: response.statusCode ?? 0, error: null, refused: false }),
        );
        response.resume();
      },
    );
    const done = (error: Error) => {
      const refused =
        error instanceof NonPublicAddressError || error.cause instanceof NonPublicAddressError;
      const timedOut = error.name === 'AbortError' || error.name === 'TimeoutError';
      const code = (error as NodeJS.ErrnoException).code;
      resolve({
        statusCode: null,
        error: timedOut
          ? `no complete answer within WEBHOOK_TIMEOUT_MS (${settings.timeoutMs} ms)`
          : `${code && !error.message.includes(code) ? `${code}: ` : ''}${error.message}`,
        refused,
      });
    };
    request.on('error', done);
    request.end(payload);
  });
}
