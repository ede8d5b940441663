import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../http/problem.ts';
import { checkWebhookUrl } from './webhook-url.ts';

async function refusal(url: string, allowPrivate = false) {
  try {
    await checkWebhookUrl(url, allowPrivate);
  } catch (error) {
    expect(error).toBeInstanceOf(HttpProblem);
    const problem = error as HttpProblem;
    return { code: problem.code, reason: problem.extra.reason };
  }
  return undefined;
}

describe('checkWebhookUrl (SSRF)', () => {
  it.each([
    ['http://127.0.0.1:8080/hook'],
    ['http://[::1]/hook'],
    ['http://169.254.169.254/latest/meta-data/'],
    ['http://10.1.2.3/'],
    ['http://172.16.0.1/'],
    ['http://192.168.1.1/'],
    ['http://100.64.0.1/'],
    ['http://0.0.0.0/'],
    ['http://[fd00::1]/'],
    ['http://[fe80::1]/'],
    ['http://[::ffff:127.0.0.1]/'],
    ['http://2130706433/'], // 127.0.0.1 as one number: the URL parser normalizes it
    ['http://localhost:3000/'], // a name that resolves to loopback
  ])('refuses %s: webhook_url_not_allowed (address)', async (url) => {
    expect(await refusal(url)).toEqual({ code: 'webhook_url_not_allowed', reason: 'address' });
  });

  it.each([
    ['ftp://example.com/'],
    ['file:///etc/passwd'],
    ['gopher://example.com/'],
    ['javascript:alert(1)'],
  ])('refuses %s: not http(s)', async (url) => {
    expect(await refusal(url)).toEqual({ code: 'webhook_url_not_allowed', reason: 'scheme' });
  });

  it('refuses text that is not an absolute URL', async () => {
    expect(await refusal('/relative/hook')).toEqual({
      code: 'webhook_url_not_allowed',
      reason: 'invalid',
    });
  });

  it('takes a public address, and private ones only when the operator allows them', async () => {
    expect(await checkWebhookUrl('https://93.184.215.14/hook', false)).toBe(
      'https://93.184.215.14/hook',
    );
    expect(await checkWebhookUrl('http://127.0.0.1:8080/hook', true)).toBe(
      'http://127.0.0.1:8080/hook',
    );
    // The scheme rule holds even then.
    expect(await refusal('file:///etc/passwd', true)).toMatchObject({ reason: 'scheme' });
  });

  it('refuses a name that does not resolve', async () => {
    expect(await refusal('https://no-such-host.invalid/hook')).toEqual({
      code: 'webhook_url_unresolvable',
      reason: undefined,
    });
  });
});
