import { firstNonPublicAddress, withTimeout } from '@sluice/util';
import { HttpProblem } from '../http/problem.ts';

const RESOLVE_TIMEOUT_MS = 5_000;

/**
 * A webhook URL a tenant gives: http or https, and (unless the operator
 * allows private addresses) a host that is and resolves only to public
 * addresses, so a tenant cannot point Sluice's workers at its own network
 * (databases, the cloud metadata service). The worker checks again at each
 * delivery, on the address it connects to.
 */
export async function checkWebhookUrl(raw: string, allowPrivate: boolean): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new HttpProblem('webhook_url_not_allowed', 'url must be an absolute http or https URL.', {
      extra: { reason: 'invalid' },
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HttpProblem(
      'webhook_url_not_allowed',
      `url must be an http or https URL, not ${url.protocol}.`,
      { extra: { reason: 'scheme' } },
    );
  }
  if (allowPrivate) return url.href;
  let address: string | undefined;
  try {
    // A resolver that never answers must not hold the request.
    address = await withTimeout(firstNonPublicAddress(url.hostname), RESOLVE_TIMEOUT_MS);
  } catch {
    throw new HttpProblem(
      'webhook_url_unresolvable',
      `The host ${JSON.stringify(url.hostname)} of url does not resolve to any address (or not within ${RESOLVE_TIMEOUT_MS / 1000} s).`,
    );
  }
  if (address !== undefined) {
    throw new HttpProblem(
      'webhook_url_not_allowed',
      `The host ${JSON.stringify(url.hostname)} is or resolves to ${address}, which is not a public address; this server delivers webhooks to public addresses only.`,
      { extra: { reason: 'address' } },
    );
  }
  return url.href;
}
