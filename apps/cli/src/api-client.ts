import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { CliConfig } from './config.ts';
import { CliError, EXIT } from './exit-codes.ts';
import {
  ANSWER_RETRIES,
  isRetryableAnswer,
  NETWORK_TRIES,
  problemError,
  retryAfterMs,
  sleep,
  unreachableError,
} from './problems.ts';

export interface RequestOptions {
  query?: Record<string, string | undefined>;
  json?: unknown;
  accept?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * The public HTTP API, as a client: the API key, an Idempotency-Key on every
 * POST (one per call, the same on each retry, so a request retried after a
 * lost answer is done once), retries after network errors and after 429/503
 * with their Retry-After, and problem+json answers as CliErrors.
 */
export class ApiClient {
  readonly config: CliConfig;
  constructor(config: CliConfig) {
    this.config = config;
  }

  url(path: string, query: Record<string, string | undefined> = {}): string {
    const url = new URL(`${this.config.url}${path}`);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    return url.toString();
  }

  authHeaders(): Record<string, string> {
    return this.config.apiKey ? { authorization: `Bearer ${this.config.apiKey}` } : {};
  }

  /** A successful (2xx) response; anything else is thrown as a CliError. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const url = this.url(path, options.query);
    const headers: Record<string, string> = {
      ...this.authHeaders(),
      accept: options.accept ?? 'application/json',
      ...options.headers,
    };
    if (method === 'POST') headers['idempotency-key'] = randomUUID();
    if (options.json !== undefined) headers['content-type'] = 'application/json';
    const body = options.json === undefined ? undefined : JSON.stringify(options.json);
    let networkTries = 0;
    let answerRetries = 0;
    for (;;) {
      let res: Response;
      try {
        res = await fetch(url, { method, headers, body, signal: options.signal ?? null });
      } catch (error) {
        if (options.signal?.aborted) throw error;
        if (++networkTries >= NETWORK_TRIES) throw unreachableError(this.config.url, error);
        await sleep(300 * networkTries, options.signal);
        continue;
      }
      if (res.ok) return res;
      const text = await res.text();
      if (isRetryableAnswer(res.status, text) && ++answerRetries <= ANSWER_RETRIES) {
        await sleep(retryAfterMs(res.headers.get('retry-after'), 1000), options.signal);
        continue;
      }
      throw problemError(res.status, text, this.config.sources.apiKey);
    }
  }

  /** A JSON answer, held to its contract schema. */
  async json<T>(schema: z.ZodType<T>, method: string, path: string, options: RequestOptions = {}) {
    const res = await this.request(method, path, options);
    return parseAnswer(schema, await res.json(), `${method} ${path}`);
  }
}

/** An answer that does not fit the contract is a server of another version: say so. */
export function parseAnswer<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const checked = schema.safeParse(value);
  if (checked.success) return checked.data;
  const issue = checked.error.issues[0]!;
  throw new CliError(
    `unexpected answer to ${what} (${issue.path.join('.') || 'body'}: ${issue.message}); is the API another version of Sluice?`,
    EXIT.failed,
    'unexpected_answer',
  );
}
