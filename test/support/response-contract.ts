import { ClientRequest, type IncomingMessage } from 'node:http';
import { expect } from 'vitest';
import { createContractChecker, mediaTypeOf, type ObservedResponse } from './contract-check.ts';
import type { RawResponse } from './raw-http.ts';

/**
 * The response contract check of the e2e suite: every answer a test gets
 * from a Sluice API it started (startStack registers the origin) is held to
 * the OpenAPI document that API serves at /openapi.json (read once per
 * origin), by support/contract-check.ts. fetch() is wrapped for it, the
 * raw client of support/raw-http.ts reports its answers here, and answers to
 * node:http requests (slow and streaming clients) are seen as they arrive:
 * their status, media type and headers (their bodies are the test's stream).
 * Event streams are checked event by event as the test reads them. What does not
 * fit is collected; the setup file test/harness/response-contract.ts fails
 * the test file with the list.
 */
const checkers = new Map<string, (observed: ObservedResponse) => string[]>();
const pending = new Set<Promise<void>>();
const violations: string[] = [];
const originalFetch = globalThis.fetch;
let installed = false;

const testName = () => expect.getState().currentTestName ?? '(outside a test)';

function note(
  check: (observed: ObservedResponse) => string[],
  observed: ObservedResponse,
  test: string,
) {
  for (const violation of check(observed)) violations.push(`${violation}\n    in "${test}"`);
}

/** Wraps global fetch (once per test file: the setup file calls it). */
export function installResponseContract(): void {
  if (installed) return;
  installed = true;
  watchNodeHttp();
  globalThis.fetch = async (input, init) => {
    const response = await originalFetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    const check = checkers.get(url.origin);
    if (!check) return response;
    const method = (
      init?.method ?? (input instanceof Request ? input.method : 'GET')
    ).toUpperCase();
    const headers = Object.fromEntries(response.headers);
    const mediaType = mediaTypeOf(headers['content-type']);
    // JSON bodies are read (a copy, taken before the test reads its own);
    // event streams are watched as the test reads them; downloads are
    // checked by status, type and headers.
    const copy =
      mediaType && /json$/.test(mediaType) && response.body ? response.clone() : undefined;
    const test = testName();
    const observed = { method, path: url.pathname, status: response.status, headers };
    if (mediaType === 'text/event-stream' && response.body) {
      note(check, { ...observed, body: undefined }, test);
      return watchEvents(response, (events) => note(check, { ...observed, body: events }, test));
    }
    if (!copy) {
      note(check, { ...observed, body: undefined }, test);
      return response;
    }
    const reading = copy
      .text()
      .then(
        (body) => note(check, { ...observed, body }, test),
        // Cut short (the test aborted, the API was killed): nothing to hold it to.
        () => undefined,
      )
      .finally(() => pending.delete(reading));
    pending.add(reading);
    return response;
  };
}

/**
 * Takes an event stream's text as it arrives and hands each run of whole
 * events (up to a blank line; the API ends lines with LF) to `check`.
 */
function eventRuns(check: (events: string) => void): (chunk: Uint8Array | string) => void {
  const decoder = new TextDecoder();
  let pending = '';
  return (chunk) => {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    const end = pending.lastIndexOf('\n\n');
    if (end >= 0) {
      check(pending.slice(0, end + 2));
      pending = pending.slice(end + 2);
    }
  };
}

/**
 * The same answer, its body passed through as the test reads it, its events
 * checked on the way. Unlike a clone, the stream stays the test's: when it
 * stops reading and cancels, the connection closes (a clone would keep it
 * open until the API ends it).
 */
function watchEvents(response: Response, check: (events: string) => void): Response {
  const feed = eventRuns(check);
  const tap = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      feed(chunk);
      controller.enqueue(chunk);
    },
  });
  return new Response(response.body?.pipeThrough(tap), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/** node:http: every ClientRequest's answer, at its 'response' event, before the test sees it. */
function watchNodeHttp(): void {
  const emit = ClientRequest.prototype.emit;
  ClientRequest.prototype.emit = function (
    this: ClientRequest,
    event: string | symbol,
    ...args: unknown[]
  ) {
    if (event === 'response') {
      const check = checkers.get(`${this.protocol}//${String(this.getHeader('host'))}`);
      const res = args[0] as IncomingMessage;
      if (check) {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        const path = new URL(this.path, 'http://x').pathname;
        const observed = { method: this.method, path, status: res.statusCode ?? 0, headers };
        const test = testName();
        note(check, { ...observed, body: undefined }, test);
        if (mediaTypeOf(headers['content-type']) === 'text/event-stream') {
          // Every chunk the test reads is emitted as 'data' (flowing or
          // read()), so listening at emit leaves the stream's mode alone.
          const feed = eventRuns((events) => note(check, { ...observed, body: events }, test));
          const emitOfResponse = res.emit;
          res.emit = function (this: IncomingMessage, name: string | symbol, ...rest: unknown[]) {
            if (name === 'data') feed(rest[0] as Uint8Array | string);
            return emitOfResponse.call(this, name, ...rest);
          } as typeof res.emit;
        }
      }
    }
    return emit.call(this, event, ...args);
  } as typeof emit;
}

/** From now on, answers from `apiUrl`'s origin are checked against the document it serves. */
export async function checkResponsesOf(apiUrl: string): Promise<void> {
  const { origin } = new URL(apiUrl);
  if (checkers.has(origin)) return;
  const res = await originalFetch(`${origin}/openapi.json`);
  if (!res.ok) throw new Error(`${origin}/openapi.json answered ${res.status}`);
  checkers.set(origin, createContractChecker((await res.json()) as Record<string, unknown>));
}

/** An answer read by the raw client (support/raw-http.ts); its body counts only when whole (content-length). */
export function recordRawResponse(method: string, url: string, response: RawResponse): void {
  const { origin, pathname } = new URL(url);
  const check = checkers.get(origin);
  if (!check) return;
  note(
    check,
    {
      method: method.toUpperCase(),
      path: pathname,
      status: response.status,
      headers: response.headers,
      body: 'content-length' in response.headers ? response.body : undefined,
    },
    testName(),
  );
}

/** Waits for the bodies still being read, then hands over (and forgets) what did not fit. */
export async function takeContractViolations(): Promise<string[]> {
  await Promise.all(pending);
  return violations.splice(0);
}
