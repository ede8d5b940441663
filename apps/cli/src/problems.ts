import { problemSchema } from '@sluice/contract';
import { CliError, EXIT } from './exit-codes.ts';

/**
 * An API answer that is an error, as the CLI's failure: the problem's
 * `detail` and `code` (RFC 9457 problem+json, every error of the API), and
 * the exit code its status stands for (401/403: 3, the key; else 1).
 */
export function problemError(status: number, bodyText: string, apiKeySource: string): CliError {
  let detail = bodyText.slice(0, 500) || `HTTP ${status}`;
  let code: string | undefined;
  try {
    const problem = problemSchema.safeParse(JSON.parse(bodyText));
    if (problem.success) {
      detail = problem.data.detail;
      code = problem.data.code;
    }
  } catch {
    // Not JSON (a proxy's page): its text is the detail.
  }
  if (status === 401 || status === 403) {
    const hint =
      apiKeySource === 'none'
        ? ' (no API key: pass --api-key, set SLUICE_API_KEY or put "apiKey" in the config file)'
        : ` (API key from ${apiKeySource})`;
    return new CliError(`${detail}${hint}`, EXIT.unreachable, code);
  }
  return new CliError(detail, EXIT.failed, code);
}

/** Seconds to wait before a retry the API asked for (Retry-After), within reason. */
/**
 * The CLI's one retry policy (api-client.ts for JSON requests, upload.ts for
 * streamed uploads): tries of a request that got no answer (connection
 * refused or lost), and pauses the API asked for (429, 503), before giving up.
 */
export const NETWORK_TRIES = 3;
export const ANSWER_RETRIES = 5;

export function retryAfterMs(header: string | null, fallbackMs: number): number {
  const seconds = header !== null && /^\d+$/.test(header.trim()) ? Number(header) : undefined;
  return Math.min(60_000, seconds === undefined ? fallbackMs : seconds * 1000);
}

/**
 * Answers worth the same request again after a pause: rate limits and busy
 * upload slots (429), a dependency briefly down (503), the same
 * Idempotency-Key still being answered (409 after a network error).
 */
export function isRetryableAnswer(status: number, bodyText: string): boolean {
  if (status === 429 || status === 503) return true;
  return status === 409 && bodyText.includes('"idempotency_key_in_use"');
}

/** A request that never got an answer: exit 3, naming what failed. */
export function unreachableError(url: string, error: unknown): CliError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (error as Error).message;
  return new CliError(
    `cannot reach the Sluice API at ${url}: ${why}`,
    EXIT.unreachable,
    'unreachable',
  );
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
