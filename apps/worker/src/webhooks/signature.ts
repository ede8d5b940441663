import { createHmac } from 'node:crypto';

const PREFIX = 'whsec_';

/**
 * The Standard Webhooks signature (https://www.standardwebhooks.com):
 * `v1,` + base64 HMAC-SHA256, keyed with the secret's base64-decoded bytes
 * (after `whsec_`), of `${id}.${timestamp}.${body}`. The receiver
 * recomputes it from the three headers and the raw body.
 */
export function signMessage(
  secret: string,
  messageId: string,
  timestampSeconds: number,
  body: string,
): string {
  const key = Buffer.from(
    secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret,
    'base64',
  );
  const mac = createHmac('sha256', key).update(`${messageId}.${timestampSeconds}.${body}`);
  return `v1,${mac.digest('base64')}`;
}

/** The headers of one attempt: the id stays the message's, the timestamp and signature are new. */
export function signedHeaders(
  secret: string,
  messageId: string,
  body: string,
  now = Date.now(),
): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  return {
    'content-type': 'application/json',
    'webhook-id': messageId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signMessage(secret, messageId, timestamp, body),
  };
}
