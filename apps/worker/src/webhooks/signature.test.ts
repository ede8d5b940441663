import { describe, expect, it } from 'vitest';
import { signedHeaders, signMessage } from './signature.ts';

// The Standard Webhooks reference implementations' own test vector.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TIMESTAMP = 1614265330;
const BODY = '{"test": 2432232314}';

describe('webhook signature', () => {
  it('reproduces the specification test vector', () => {
    expect(signMessage(SECRET, ID, TIMESTAMP, BODY)).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('signs the same with or without the whsec_ prefix, and differently for another body', () => {
    expect(signMessage(SECRET.slice('whsec_'.length), ID, TIMESTAMP, BODY)).toBe(
      signMessage(SECRET, ID, TIMESTAMP, BODY),
    );
    expect(signMessage(SECRET, ID, TIMESTAMP, '{"test": 2432232315}')).not.toBe(
      signMessage(SECRET, ID, TIMESTAMP, BODY),
    );
  });

  it('puts the message id, the timestamp in seconds and the signature in the headers', () => {
    const headers = signedHeaders(SECRET, ID, BODY, TIMESTAMP * 1000 + 999);
    expect(headers).toEqual({
      'content-type': 'application/json',
      'webhook-id': ID,
      'webhook-timestamp': String(TIMESTAMP),
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });
});
